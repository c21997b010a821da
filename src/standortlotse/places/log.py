"""The place's log (``Transition``) as people read it: each entry a sentence in the reader's
language with who and when ("12.03.2026, 14:05 – Anna Beispiel: veröffentlicht (vorher: in
Prüfung), Nachricht: …"), never an internal key (a status, an actor label, a field name); and
the thread of messages between the editorial team and the submitter/owner, for the review page
and for the owner's private page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from standortlotse.places import conflicts
from standortlotse.places.models import Place, Status, Transition

Kind = Transition.Kind
STATUS_LABELS = dict(Status.choices)
# Entries whose ``message`` is what a person wrote to the other side (the rest carry none).
CONVERSATION = {Kind.STATUS, Kind.UPDATE_DECIDED, Kind.QUESTION, Kind.REPLY}
# Names of a proposal's changes that are no model field (proposals.py).
POINT = "point"


def status_label(value: str) -> str:
    """A status as people read it; "–" for none (the first entry of a log)."""
    if not value:
        return conflicts.EMPTY
    return str(STATUS_LABELS.get(value, value))


def field_label(name: str) -> str:
    if name == POINT:
        return _("Map point")
    return conflicts.label(name)


def _labels(names) -> str:
    return ", ".join(field_label(n) for n in names or [])


def staff_name(user) -> str:
    return user.get_full_name().strip() or user.get_username()


def who(t: Transition, place: Place) -> str:
    """Who wrote the entry, for the back office: a person's name, else the role it was written
    in (with the submitter's/owner's name as stored now)."""
    if t.actor_id:
        return staff_name(t.actor)
    label = t.actor_label
    if label in ("submitter", "owner"):
        if not place.owner_name:
            return _("Submitter") if label == "submitter" else pgettext("place log", "Owner")
        text = _("Submitter (%(name)s)") if label == "submitter" else _("Owner (%(name)s)")
        return text % {"name": place.owner_name}
    if label == "import":
        return _("Import")
    if label == "demo data":
        return _("Demo data")
    if label == "system":
        return _("Standortlotse (automatic)")
    # A person's account that was deleted since (the entry keeps no name), or an unknown label.
    return _("deleted account") if not label else _("Standortlotse (automatic)")


def _decided(details: dict) -> str:
    outcome = details.get("outcome")
    parts = []
    if outcome == "all":
        parts.append(_("proposed changes accepted"))
    elif outcome == "none":
        parts.append(_("proposed changes declined"))
    else:
        parts.append(_("proposed changes partly accepted"))
    if outcome != "none":
        if details.get("accepted"):
            parts.append(_("accepted: %(fields)s") % {"fields": _labels(details["accepted"])})
        if details.get("kept"):
            parts.append(_("not accepted: %(fields)s") % {"fields": _labels(details["kept"])})
    photos = {
        "photos_accepted": _("new photos accepted: %(count)s"),
        "photos_declined": _("new photos not accepted: %(count)s"),
        "removals_accepted": _("photos removed: %(count)s"),
        "removals_declined": _("photos kept: %(count)s"),
    }
    for key, text in photos.items():
        if details.get(key):
            parts.append(text % {"count": len(details[key])})
    return "; ".join(parts)


def describe(t: Transition) -> str:
    """What happened, as a sentence fragment in the active language (no message, no who)."""
    d = t.details if isinstance(t.details, dict) else {}
    changed = t.from_status != t.to_status
    if t.kind == Kind.STATUS or (t.kind == Kind.LEGACY and changed and t.from_status):
        return _("%(to)s (before: %(from)s)") % {
            "to": status_label(t.to_status),
            "from": status_label(t.from_status),
        }
    if t.kind == Kind.SUBMITTED:
        return _("submitted the place")
    if t.kind == Kind.OWNER_EDIT:
        if d.get("resubmitted"):
            return _("changed the place and sent it again for review")
        return _("changed the place")
    if t.kind == Kind.UPDATE_PROPOSED:
        return _("proposed changes, waiting for review")
    if t.kind == Kind.UPDATE_DECIDED:
        return _decided(d)
    if t.kind == Kind.QUESTION:
        return _("asked the owner")
    if t.kind == Kind.REPLY:
        return _("replied")
    if t.kind == Kind.TRUST:
        return (
            _("marked the owner as trusted")
            if d.get("trusted")
            else _("no longer trusts the owner")
        )
    if t.kind == Kind.NEW_LINK:
        return _("issued a new private link (earlier links no longer work)")
    if t.kind == Kind.FRESH_LINK:
        return _("sent a fresh private link to the stored address")
    if t.kind == Kind.CONFIRMED:
        return _("confirmed the place as current")
    if t.kind == Kind.CONFIRM_REQUESTED:
        return _("asked the owner to confirm the place")
    if t.kind == Kind.FLAGGED:
        return _("not confirmed by the owner: flagged for the moderators")
    if t.kind == Kind.IMPORTED:
        text = _("updated from %(source)s") if d.get("updated") else _("imported from %(source)s")
        return text % {"source": d.get("source", "")}
    if t.kind == Kind.CONFLICT_RESOLVED:
        return (
            _("import conflict resolved: partner version taken")
            if d.get("incoming")
            else _("import conflict resolved: local version kept")
        )
    if t.kind == Kind.DEMO:
        return _("demo record created")
    if not t.from_status:  # an older first entry: the status the place started in
        return status_label(t.to_status)
    return ""


@dataclass(frozen=True)
class Entry:
    transition: Transition
    when: datetime
    who: str
    text: str  # what happened
    message: str  # what a person wrote (escaped by the template), or ""


def entry(t: Transition, place: Place) -> Entry:
    text, message = describe(t), t.message
    if not is_conversation(t) and message:
        # An older entry keeps the note the system wrote then, in the language of that moment.
        text, message = "; ".join(part for part in (text, message) if part), ""
    return Entry(t, t.created_at, who(t, place), text, message)


def history(place: Place) -> list[Entry]:
    """The place's log, newest first, each entry a sentence of the active language."""
    return [entry(t, place) for t in place.transitions.select_related("actor")]


def is_conversation(t: Transition) -> bool:
    if not t.message.strip():
        return False
    if t.kind in CONVERSATION:
        return True
    # An older entry: a moderator's review decision with its message to the submitter (the
    # other older entries with an actor are notes the system wrote, e.g. "update accepted").
    return (
        t.kind == Kind.LEGACY
        and t.actor_id is not None
        and not t.actor_label
        and bool(t.from_status)
        and t.from_status != t.to_status
    )


@dataclass(frozen=True)
class Message:
    when: datetime
    who: str
    about: str  # what the message belongs to ("changes requested", "question", ...), or ""
    text: str
    from_staff: bool


def _about(t: Transition, for_owner: bool) -> str:
    if t.kind == Kind.QUESTION:
        if (t.details or {}).get("update"):
            return (
                _("Question about your proposed changes")
                if for_owner
                else _("Question about the proposed changes")
            )
        return _("Question")
    if t.kind == Kind.REPLY:
        return _("Reply")
    if t.kind == Kind.UPDATE_DECIDED:
        return capfirst(_decided(t.details or {}))
    return capfirst(status_label(t.to_status))


def thread(place: Place, *, for_owner: bool = False) -> list[Message]:
    """The messages between the editorial team and the submitter/owner, oldest first. On the
    owner's page the team is "Editorial team" and the owner "You" (staff names stay in the back
    office); on the review page each side by name."""
    entries = (
        place.transitions.exclude(message="").select_related("actor").order_by("created_at", "pk")
    )
    result = []
    for t in entries:
        if not is_conversation(t):
            continue
        from_staff = t.kind != Kind.REPLY
        if for_owner:
            name = _("Editorial team") if from_staff else _("You")
        else:
            name = who(t, place)
        result.append(Message(t.created_at, name, _about(t, for_owner), t.message, from_staff))
    return result
