"""Model fields for web and email addresses with the project's rules (core.validators): http(s)
only, no control or invisible characters. One message per problem, from model and form alike."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models

from standortlotse.core.validators import validate_email_address, validate_web_url


def concrete_field(model: type[models.Model], name: str) -> models.Field:
    """The model's field ``name``, a concrete one with validators, choices and a verbose name
    (``get_field`` also answers reverse relations and generic foreign keys, which have none)."""
    model_field = model._meta.get_field(name)
    if not isinstance(model_field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a concrete field")
    return model_field


class WebURLFormField(forms.URLField):
    # Forms keep the convenience of "www.example.org" → "https://www.example.org"; imports and
    # the API validate the stored value, which must carry its scheme.
    default_validators = [validate_web_url]

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class EmailAddressFormField(forms.EmailField):
    default_validators = [validate_email_address]


if TYPE_CHECKING:  # the mixin only ever sits in front of a Django field
    _FieldBase = models.Field
else:
    _FieldBase = object


class _SameColumnAsDjangoField(_FieldBase):
    """Migrations see Django's own field: the rules are Python-side only, and a changed field
    path would make SQLite rebuild the table (dropping the full-text triggers, core.textsearch)."""

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        base = next(c for c in type(self).__mro__ if c.__module__ == "django.db.models.fields")
        return name, f"django.db.models.{base.__name__}", args, kwargs


class WebURLField(_SameColumnAsDjangoField, models.URLField):
    default_validators = [validate_web_url]

    def formfield(self, form_class=None, choices_form_class=None, **kwargs: Any) -> Any:
        return super().formfield(
            form_class=form_class or WebURLFormField,
            choices_form_class=choices_form_class,
            **kwargs,
        )


class EmailAddressField(_SameColumnAsDjangoField, models.EmailField):
    default_validators = [validate_email_address]

    def formfield(self, form_class=None, choices_form_class=None, **kwargs: Any) -> Any:
        return super().formfield(
            form_class=form_class or EmailAddressFormField,
            choices_form_class=choices_form_class,
            **kwargs,
        )
