"""How the inbox shows an inquiry: what it is about (title, reference, links), its thread with
who wrote what, and durations ("3 h 20 min") for the time to first answer."""

from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from standortlotse.accounts import people, policy


@dataclass(frozen=True)
class Subject:
    """The property or place an inquiry is about."""

    kind: str  # "property" or "place"
    kind_label: str
    title: str
    reference: str  # "No. 12 · ST-17": the register's number and the record's own ID
    public_url: str  # "" unless published
    office_url: str  # "" unless the user may edit (property) or moderate (place) it


def _reference(record) -> str:
    parts = [_("No. %(id)s") % {"id": record.pk}]
    if getattr(record, "external_id", ""):
        parts.append(record.external_id)
    return " · ".join(parts)


def subject_of(inquiry, user=None) -> Subject | None:
    """What ``inquiry`` is about, with the links ``user`` may follow (without a user: the public
    link only, as the inbox's list shows it); None for a general inquiry (or when the record was
    deleted)."""
    if inquiry.property_id:
        prop = inquiry.property
        return Subject(
            "property",
            _("Property"),
            prop.title,
            _reference(prop),
            prop.get_absolute_url() if prop.is_public else "",
            reverse("properties:editor_edit", args=[prop.pk])
            if user is not None and policy.can_edit(user, prop)
            else "",
        )
    if inquiry.place_id:
        place = inquiry.place
        return Subject(
            "place",
            _("Place"),
            place.name,
            _reference(place),
            place.get_absolute_url() if place.is_public else "",
            reverse("places:review", args=[place.pk])
            if user is not None and policy.can_moderate(user, place)
            else "",
        )
    return None


def duration_text(delta: timedelta | None) -> str:
    """ "45 min", "3 h 20 min", "2 days 4 h" (at most two units, rounded down; "–" for none)."""
    if delta is None:
        return "–"
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)s day", "%(n)s days", days) % {"n": days})
    if hours and len(parts) < 2:
        parts.append(_("%(n)s h") % {"n": hours})
    if (minutes or not parts) and len(parts) < 2 and not days:
        parts.append(_("%(n)s min") % {"n": minutes})
    return " ".join(parts)


def response_time_text(inquiry, now=None) -> str:
    """On the inquiry: "first answer after 3 h 20 min", "not answered yet (waiting 2 days)" or,
    closed before any answer (answered by phone, spam), "closed without an answer from the
    platform"."""
    if inquiry.first_answered_at:
        return _("first answer after %(duration)s") % {
            "duration": duration_text(inquiry.first_answered_at - inquiry.created_at)
        }
    if inquiry.closed_at:
        return _("closed without an answer from the platform")
    waiting = (now or timezone.now()) - inquiry.created_at
    return _("not answered yet (waiting %(duration)s)") % {"duration": duration_text(waiting)}


@dataclass(frozen=True)
class ThreadItem:
    note: object
    author: str  # "A. Beispiel (Stadt Stendal)", "" for the system


def thread(inquiry) -> list[ThreadItem]:
    """The inquiry's notes, answers and events, oldest first, with their authors named."""
    notes = list(inquiry.notes.select_related("author"))
    organisations = people.organisation_names({n.author_id for n in notes if n.author_id})
    return [
        ThreadItem(
            note, people.with_organisation(note.author, organisations) if note.author else ""
        )
        for note in notes
    ]
