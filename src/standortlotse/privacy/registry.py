"""What each app stores about a person, found by their email address (GDPR art. 15 and 17).

Every app registers one ``Provider`` per model that holds personal data, in its own
``privacy.py``: how to find the records of an address, which fields go into the access export,
and how to erase them (delete, or anonymise where the record must stay). ``privacy.services``
runs all of them; a test fails when a model with an email field has no provider.
"""

from __future__ import annotations

import datetime
import decimal
import json
import re
import uuid
from collections.abc import Set
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from standortlotse.accounts import policy

if TYPE_CHECKING:  # django-stubs' helper types: installed with the lint tools, not at run time
    from django_stubs_ext import StrOrPromise

_providers: dict[str, Provider] = {}

# Names and phone numbers shorter than this are not used to find mail texts (too many false hits).
MIN_IDENTIFIER_LENGTH = 5


def register(provider_class):
    """Class decorator: ``@register class InquiryProvider(Provider): ...``."""
    provider = provider_class()
    if provider.key in _providers and type(_providers[provider.key]) is not provider_class:
        raise ValueError(f"two privacy providers with the key {provider.key!r}")
    _providers[provider.key] = provider
    return provider_class


def providers() -> list[Provider]:
    """Every provider in erasure order (records before the mail texts that mention them)."""
    return sorted(_providers.values(), key=lambda p: (p.order, p.key))


def removed_text() -> str:
    return _("[removed]")


def scrub(value, email: str, also=()):
    """The value with every occurrence of the address (any case) replaced, also inside JSON;
    ``also``: the person's names and phone numbers, replaced as well (in texts known to be
    about the person)."""
    if isinstance(value, str):
        for text in sorted({email, *also}, key=len, reverse=True):
            value = re.sub(re.escape(text), removed_text(), value, flags=re.IGNORECASE)
        return value
    if isinstance(value, list):
        return [scrub(v, email, also) for v in value]
    if isinstance(value, dict):
        return {scrub(k, email, also): scrub(v, email, also) for k, v in value.items()}
    return value


def plain(value):
    """A field value as JSON can hold it (the export)."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def address_in(record, field: str, email: str) -> bool:
    """The record's email field holds the address (``email`` in lower case)."""
    return (getattr(record, field, "") or "").strip().lower() == email


def visible_by(rule, through: str = ""):
    """A ``Provider.visible`` from a rule of accounts/policy.py (``rule(user, queryset)``: the
    records the user may see); with ``through``, the rule decides on the related record
    (``through="place"``: the records of the places the user may see)."""

    def visible(self, user, queryset):
        if not through:
            return rule(user, queryset)
        related = self.model._meta.get_field(through).related_model
        return queryset.filter(**{f"{through}__in": rule(user, related.objects.all())})

    return visible


def history_model_of(model):
    """The django-simple-history model of ``model`` (its copies of every version), or None."""
    from simple_history.exceptions import NotHistoricalModelError
    from simple_history.utils import get_history_model_for_model

    try:
        return get_history_model_for_model(model)
    except NotHistoricalModelError:
        return None


class Provider:
    """The personal data of one model. Subclasses set the attributes; override methods for
    records that need more than "blank these fields" or "delete"."""

    key = ""  # its section in the export, e.g. "inquiries"
    label: StrOrPromise = ""  # shown in the back office (lazy translation)
    model: type[models.Model] | None = None
    # email field -> the fields that describe the same person (name, phone, postal address):
    # when the address matches, all of them are blanked together.
    email_fields: dict[str, tuple[str, ...]] = {}
    # Free text and JSON where the address may appear: found there, replaced by "[removed]".
    text_fields: tuple[str, ...] = ()
    export_fields: tuple[str, ...] = ()
    erase_by = "delete"  # or "anonymise"
    blank_values: dict[str, str] = {}  # replacement other than "" for a field
    order = 100
    uses_identifiers = False  # also finds records by the names/phones of the records found before
    # email field -> the record's private links (core.links) that stop working when the address
    # in that field is erased, e.g. {"owner_email": "owner_links"}
    links_of: dict[str, str] = {}

    # --- finding ---------------------------------------------------------------------------

    def condition(self, email: str, identifiers: Set[str]) -> Q:
        """Extra lookups (e.g. through a relation); ``email`` is lower case."""
        return Q(pk__in=[])

    def find(self, email: str, identifiers: Set[str] = frozenset(), model=None):
        model = model or self.model
        names = {f.name for f in model._meta.get_fields()}
        queryset = model._base_manager.all()
        condition = Q(pk__in=[])
        for name in self.email_fields:
            if name in names:
                condition |= Q(**{f"{name}__iexact": email})
        for name in self.text_fields:
            if name not in names:
                continue
            lookup = name
            if isinstance(model._meta.get_field(name), models.JSONField):
                lookup = f"privacy_text_{name}"
                queryset = queryset.annotate(**{lookup: Cast(name, models.TextField())})
            condition |= Q(**{f"{lookup}__icontains": email})
        if model is self.model:
            condition |= self.condition(email, identifiers)
        matching = queryset.filter(condition).values("pk")
        return model._base_manager.filter(pk__in=matching).order_by("pk")

    def visible(self, user, queryset):
        """What of it this user may export; the default: state administrators only."""
        return queryset if policy.is_state_admin(user) else queryset.none()

    def identifiers(self, record, email: str) -> set[str]:
        """Names and phone numbers of the person in this record (to find mail texts about them)."""
        found = set()
        for field, group in self.email_fields.items():
            if address_in(record, field, email):
                for name in group:
                    value = getattr(record, name, "")
                    if isinstance(value, str) and len(value.strip()) >= MIN_IDENTIFIER_LENGTH:
                        found.add(value.strip())
        return found

    # --- export ----------------------------------------------------------------------------

    def belongs_to(self, record, email: str) -> bool:
        """The record is the person's own (an email field holds the address), not a mention."""
        return any(address_in(record, field, email) for field in self.email_fields)

    def export_for(self, record, email: str) -> dict:
        """The person's own record in full; someone else's record that quotes the address only
        with the texts that quote it (art. 15(4): the copy must not give away other people)."""
        if not self.email_fields or self.belongs_to(record, email):
            # ... and without another person of the same record (the owner of a place whose
            # public contact asks).
            others = {
                name
                for field, group in self.email_fields.items()
                if not address_in(record, field, email)
                for name in (field, *group)
            }
            return {key: value for key, value in self.export(record).items() if key not in others}
        mentions = {
            name: plain(getattr(record, name))
            for name in self.text_fields
            if email in json.dumps(plain(getattr(record, name)), ensure_ascii=False).lower()
        }
        return {"id": plain(record.pk), "mentions": mentions}

    def export(self, record) -> dict:
        return {name: plain(getattr(record, name)) for name in self.export_fields}

    def export_history(self, row) -> dict:
        names = {f.name for f in row._meta.get_fields()}
        data = {"history_date": plain(row.history_date), "history_type": row.history_type}
        data.update(
            {name: plain(getattr(row, name)) for name in self.export_fields if name in names}
        )
        return data

    # --- erasure ---------------------------------------------------------------------------

    def action(self, record, email: str) -> str:
        """ "delete" or "anonymise" for this record."""
        return self.erase_by

    def blank(self, record, email: str, also=()) -> None:
        """Blank the person's fields and replace the address (and ``also``, their names and
        phone numbers) in the texts (not saved)."""
        names = {f.name for f in record._meta.get_fields()}
        for field, group in self.email_fields.items():
            if field in names and address_in(record, field, email):
                for name in (field, *group):
                    if name in names:
                        setattr(record, name, self.blank_values.get(name, ""))
        for name in self.text_fields:
            if name in names:
                setattr(record, name, scrub(getattr(record, name), email, also))

    def anonymise(self, record, email: str, also=()) -> None:
        for field, links in self.links_of.items():
            if address_in(record, field, email):
                getattr(record, links).all().delete()
        self.blank(record, email, also)
        record.save()

    def delete(self, record, email: str) -> None:
        record.delete()

    def anonymise_history(self, row, email: str, also=()) -> None:
        self.blank(row, email, also)
        if hasattr(row, "history_change_reason"):
            row.history_change_reason = scrub(row.history_change_reason, email, also)
        row.save()
