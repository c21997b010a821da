"""What a moderator reads on a place's review page: an owner's proposed change (``PendingUpdate``)
beside the place as it is stored, and the place's log (``Transition``) — each field by its label,
each value as people read it (``conflicts.display``: choice labels, the municipality by name,
lists joined, the story only as the HTML sanitiser leaves it, any other text escaped by the
template), each status by its label ("veröffentlicht", not ``published``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from standortlotse.geo.models import Municipality
from standortlotse.places import conflicts
from standortlotse.places.models import PendingUpdate, Place, Status, Transition

# A proposal's attribute groups (``PlaceForm.attribute_values``) by the names of the exchanged
# content (``exchange.GROUP_OF``), whose labels and choices ``conflicts`` knows.
GROUP_NAMES = {"field": "fields", "type": "types", "offer": "offers"}


@dataclass(frozen=True)
class Proposed:
    name: str  # the form's field name (for tests and anchors, never shown)
    label: str
    now: str | SafeString
    proposed: str | SafeString


@dataclass
class Proposal:
    update: PendingUpdate
    changes: list[Proposed] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # labels of the fields left as they are


def _stored(place: Place, name: str):
    if name == "municipality":
        return place.municipality_id
    if name in GROUP_NAMES.values():
        group = next(g for g, n in GROUP_NAMES.items() if n == name)
        return place.values_of(group)
    return getattr(place, name, None)


def _shown(name: str, value, municipalities: dict[int, str]):
    if name == "municipality":
        if value in (None, ""):
            return conflicts.EMPTY
        return municipalities.get(int(value), str(value))
    if name == "social_links" and isinstance(value, str):
        value = [line.strip() for line in value.splitlines() if line.strip()]
    return conflicts.display(name, value)


def _same(name: str, now, proposed) -> bool:
    if name in GROUP_NAMES.values():
        return sorted(now or []) == sorted(proposed or [])
    if name == "municipality":
        return str(now or "") == str(proposed or "")
    return conflicts._same(name, now, proposed)


def proposal(update: PendingUpdate) -> Proposal:
    """The fields the owner changed (label, value now, value proposed) and the labels of those
    left unchanged."""
    place = update.place
    data = update.data if isinstance(update.data, dict) else {}
    proposed = dict(data.get("fields") or {})
    for group, values in (data.get("attributes") or {}).items():
        if group in GROUP_NAMES:
            proposed[GROUP_NAMES[group]] = list(values or [])
    keys = {place.municipality_id, proposed.get("municipality")} - {None, ""}
    names = dict(
        Municipality.objects.filter(pk__in=[int(k) for k in keys]).values_list("pk", "name")
    )
    result = Proposal(update)
    for name, value in proposed.items():
        now = _stored(place, name)
        label = conflicts.label(name)
        if _same(name, now, value):
            result.unchanged.append(label)
        else:
            result.changes.append(
                Proposed(name, label, _shown(name, now, names), _shown(name, value, names))
            )
    return result


def proposals(place: Place) -> list[Proposal]:
    return [proposal(u) for u in place.pending_updates.prefetch_related("photos")]


STATUS_LABELS = dict(Status.choices)


def status_label(value: str) -> str:
    """A status as people read it; "–" for none (the first entry of a log)."""
    if not value:
        return conflicts.EMPTY
    return str(STATUS_LABELS.get(value, value))


@dataclass(frozen=True)
class Entry:
    transition: Transition
    from_label: str
    to_label: str

    @property
    def changed(self) -> bool:
        return self.transition.from_status != self.transition.to_status


def history(place: Place) -> list[Entry]:
    """The place's log, newest first, with the statuses by their labels."""
    return [
        Entry(t, status_label(t.from_status), status_label(t.to_status))
        for t in place.transitions.select_related("actor")
    ]
