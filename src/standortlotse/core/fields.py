"""Model fields for web and email addresses with the project's rules (core.validators): http(s)
only, no control or invisible characters. One message per problem, from model and form alike."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

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


INVALID_ITEM = _("“%(value)s” is not a valid choice. Accepted: %(accepted)s.")


class ChoiceListFormField(forms.MultipleChoiceField):
    """Checkboxes of the choices; an unknown value (the API sends the form data) is answered with
    the values accepted, like the model field does."""

    widget = forms.CheckboxSelectMultiple

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        allowed = [str(key) for key, _label in self.choices]  # type: ignore[misc, union-attr]
        unknown = [str(item) for item in value if str(item) not in allowed]
        if unknown:
            raise ValidationError(
                INVALID_ITEM,
                code="invalid_choice",
                params={"value": ", ".join(unknown), "accepted": ", ".join(allowed)},
            )


class ChoiceListField(models.JSONField):
    """Several values from ``item_choices`` (a plot zoned "GE/GI"), stored as a JSON array.

    A JSON array works the same on SQLite and PostgreSQL, needs no second table (the import
    writes with ``bulk_create`` / ``bulk_update``, the history copies the row as it is) and is
    found with the ``overlaps`` lookup below: ``zonings__overlaps=["GI"]`` ("any of these").
    The model validates every item against the choices (form, API, admin and import alike),
    naming the unknown value and the accepted ones; the values are kept once each, in the order
    of the choices (``normalised``). Migrations
    see Django's own JSONField (the rules are Python-side only).
    """

    default_error_messages = {
        "not_a_list": _("Give a list of values."),
        "invalid_item": INVALID_ITEM,
    }

    def __init__(self, *args, item_choices=(), **kwargs):
        self.item_choices = list(item_choices)
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs

    def item_values(self) -> list[str]:
        return [str(value) for value, _label in self.item_choices]

    def to_python(self, value):
        if value in (None, ""):
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)):
            raise ValidationError(self.error_messages["not_a_list"], code="not_a_list")
        return self.normalised(value)

    def normalised(self, values) -> list:
        """Each value once, in the order of the choices (unknown values last, as given): the
        same record always reads the same ("GE, GI", however it was entered)."""
        order = {value: index for index, value in enumerate(self.item_values())}
        unique: list = []
        for item in values or ():
            if item not in unique:
                unique.append(item)
        return sorted(unique, key=lambda item: order.get(item, len(order)))

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        allowed = self.item_values()
        unknown = [str(item) for item in value if item not in allowed]
        if unknown:
            raise ValidationError(
                self.error_messages["invalid_item"],
                code="invalid_item",
                params={"value": ", ".join(unknown), "accepted": ", ".join(allowed)},
            )

    def labels(self, values) -> list[str]:
        """The labels of ``values`` in their order (unknown values as they are)."""
        names = {str(value): label for value, label in self.item_choices}
        return [str(names.get(value, value)) for value in values or ()]

    def formfield(self, form_class=None, choices_form_class=None, **kwargs: Any) -> Any:
        # Always checkboxes of the items' choices (form_class is JSONField's text box).
        for name in ("encoder", "decoder"):
            kwargs.pop(name, None)
        defaults = {
            "required": not self.blank,
            "label": capfirst(self.verbose_name),
            "help_text": self.help_text,
            "choices": self.item_choices,
        }
        return ChoiceListFormField(**{**defaults, **kwargs})


@ChoiceListField.register_lookup
class Overlaps(models.Lookup):
    """``field__overlaps=[a, b]``: the stored list holds at least one of the values.

    PostgreSQL: ``?|`` on the jsonb array (served by a GIN index); SQLite: ``json_each``."""

    lookup_name = "overlaps"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [str(item) for item in self.rhs]

    def _values(self):
        if not self.rhs:
            raise EmptyResultSet
        return self.rhs

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self._values()
        marks = ", ".join(["%s"] * len(values))
        sql = f"EXISTS (SELECT 1 FROM json_each({lhs}) AS item WHERE item.value IN ({marks}))"
        return sql, [*lhs_params, *values]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} ?| %s", [*lhs_params, self._values()]
