"""Writing to the property register: status changes, verification, photos, completeness."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from standortlotse.accounts import policy
from standortlotse.core.uploads import normalised_image
from standortlotse.core.validators import store_upload
from standortlotse.properties import publication
from standortlotse.properties.models import (
    CONSENT_MISSING_FOR_PUBLISHING,
    Property,
    PropertyPhoto,
    Status,
)

# Fields that make a record useful to an investor, with their weight in the score.
COMPLETENESS_FIELDS = {
    "street": 1,
    "postcode": 1,
    "outline": 1,
    "area_total_m2": 2,
    "area_available_m2": 3,
    "zonings": 2,
    "planning_status": 2,
    "marketing_type": 2,
    "price": 2,
    "owner_type": 1,
    "motorway_km": 2,
    "rail_siding": 1,
    "federal_road_km": 1,
    "electricity_mw": 1,
    "broadband_mbits": 2,
    "water": 1,
    "waste_water": 1,
    "gas": 1,
    "operation_24_7": 1,
    "grz": 1,
    "funding_area": 1,
    "description_de": 3,
    "description_en": 1,
    "photos": 3,
    "contact_name": 2,
    "contact_email": 2,
    "verified_on": 2,
}

MISSING_LABELS = {
    "price": gettext_lazy("price or 'on request'"),
    "photos": gettext_lazy("photos"),
}


def _is_filled(prop: Property, name: str, photo_count: int) -> bool:
    if name == "photos":
        return photo_count > 0
    if name == "price":
        return prop.price_per_m2 is not None or prop.price_on_request
    value = getattr(prop, name)
    return value not in (None, "", {}, [])


@dataclass
class Completeness:
    percent: int
    missing: list[str]


def completeness(prop: Property, photo_count: int | None = None) -> Completeness:
    if photo_count is None:
        photo_count = prop.photos.count() if prop.pk else 0
    total = sum(COMPLETENESS_FIELDS.values())
    got = 0
    missing = []
    for name, weight in COMPLETENESS_FIELDS.items():
        if _is_filled(prop, name, photo_count):
            got += weight
        else:
            label = MISSING_LABELS.get(name) or Property._meta.get_field(name).verbose_name
            missing.append(str(label))
    return Completeness(percent=round(100 * got / total), missing=missing)


def _require_edit(user, prop):
    if not policy.can_edit(user, prop):
        raise PermissionDenied


TRANSITIONS = {
    "publish": ({Status.DRAFT, Status.ARCHIVED}, Status.PUBLISHED),
    "archive": ({Status.DRAFT, Status.PUBLISHED}, Status.ARCHIVED),
    "unpublish": ({Status.PUBLISHED, Status.ARCHIVED}, Status.DRAFT),
}


@transaction.atomic
def change_status(user, prop: Property, action: str, override_reason: str = "") -> Property:
    """Publish, archive or unpublish. Publishing meets the publication gate
    (``publication.py``): a record lacking what its region requires is refused
    (``publication.BelowGate``, naming the gaps), unless a regional moderator
    (``policy.can_override_gate``) gives ``override_reason``; the history keeps the override, the
    gaps and the reason with the publishing entry."""
    _require_edit(user, prop)
    if action not in TRANSITIONS:
        raise ValidationError(_("Unknown action."))
    allowed_from, target = TRANSITIONS[action]
    if prop.status not in allowed_from:
        raise ValidationError(
            _("A record with status '%(status)s' cannot be changed this way.")
            % {"status": prop.get_status_display()}
        )
    if prop.lacks_owner_consent(status=target):
        raise ValidationError({"status": CONSENT_MISSING_FOR_PUBLISHING})
    reason = action
    if target == Status.PUBLISHED:
        gaps = prop.publication_gaps()
        if gaps:
            may_override = policy.can_override_gate(user, prop)
            if not override_reason.strip():
                raise publication.BelowGate(gaps, hint=not may_override)
            if not may_override:
                raise PermissionDenied
            reason = publication.override_change_reason(
                gaps, publication.checked_reason(override_reason)
            )
    prop.status = target
    if target == Status.PUBLISHED and prop.published_at is None:
        prop.published_at = timezone.now()
    prop._change_reason = reason
    prop._history_user = user
    prop.save()
    return prop


@transaction.atomic
def confirm_current(user, prop: Property) -> Property:
    """'Still current' in one click: sets the verified-on date to today."""
    _require_edit(user, prop)
    prop.mark_verified()
    prop._change_reason = "confirmed"
    prop.save()
    return prop


# The most records one "still current" confirms at once (a page of the editor list is 50).
CONFIRM_MANY_MAX = 200


@dataclass
class Confirmed:
    confirmed: list[Property]
    refused: int  # asked for, but not records the user may edit (or not there)


@transaction.atomic
def confirm_current_many(user, ids) -> Confirmed:
    """'Still current' for the records an editor has checked: today's verified-on date on each
    one the user may edit (each with its history entry, as one at a time); the others are left
    as they are and counted."""
    wanted = set()
    for value in list(ids)[:CONFIRM_MANY_MAX]:
        try:
            wanted.add(int(value))
        except (TypeError, ValueError):
            continue
    records = list(
        policy.editable_records(user, Property.objects.filter(pk__in=wanted)).select_related(
            "municipality"
        )
    )
    for prop in records:
        prop.mark_verified()
        prop._change_reason = "confirmed"
        prop._history_user = user
        prop.save()
    return Confirmed(confirmed=records, refused=len(wanted) - len(records))


@transaction.atomic
def add_photo(user, prop: Property, upload, alt_text: str, credit: str = "") -> PropertyPhoto:
    _require_edit(user, prop)
    photo = PropertyPhoto(
        property=prop, alt_text=alt_text, credit=credit, position=prop.photos.count()
    )
    store_upload(photo.image, "jpg", normalised_image(upload))
    photo.save()
    return photo


@transaction.atomic
def remove_photo(user, photo: PropertyPhoto) -> None:
    _require_edit(user, photo.property)
    photo.delete_files()
    photo.delete()


def history_value(field, value) -> str:
    """A value of the history as the page shows it, in the active language: a choice by its
    label ("hall/warehouse", not "hall"), yes/no, dates and numbers in the language's format
    ("1 Dec 2026", "4.4" / "1. Dezember 2026", "4,4"); empty for no value."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if field.many_to_one:  # the history keeps the key: show the municipality's name
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    item_choices = getattr(field, "item_choices", None)
    if item_choices:
        labels = dict(item_choices)
        return ", ".join(str(labels.get(v, v)) for v in value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, int | float | Decimal):
        return number_format(value, use_l10n=True, force_grouping=isinstance(value, int))
    return str(value)


def changes_of(prop: Property) -> list[dict]:
    """History entries, newest first, each with who, when and which fields changed how."""
    entries = []
    records = list(prop.history.select_related("history_user").order_by("-history_date"))
    for newer, older in zip(records, records[1:] + [None], strict=True):
        changes = []
        if older is not None:
            delta = newer.diff_against(older)
            for change in delta.changes:
                field = Property._meta.get_field(change.field)
                changes.append(
                    {
                        "field": str(field.verbose_name),
                        "old": history_value(field, change.old),
                        "new": history_value(field, change.new),
                    }
                )
        reason = newer.history_change_reason or ""
        override = publication.parse_override(reason)
        entries.append(
            {
                "when": newer.history_date,
                "who": newer.history_user.get_username() if newer.history_user else "",
                "type": newer.history_type,
                "reason": "" if override else reason,
                # Published below the gate by a moderator: what was missing, and why.
                "override": (
                    {"missing": publication.labels(override[0]), "reason": override[1]}
                    if override
                    else None
                ),
                "changes": changes,
            }
        )
    return entries
