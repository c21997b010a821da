"""What a moderator reads of an owner's proposed change (``PendingUpdate``) on a place's review
page: each changed field beside the place as it is stored, by its label, each value as people
read it (``conflicts.display``: choice labels, the municipality by name, lists joined, the story
only as the HTML sanitiser leaves it, any other text escaped by the template); latitude and
longitude as one map point; the photos it adds (held) and removes. The moderator takes each
change on its own (``services.decide_update``), so every change has a name to choose it by.
The place's log is read through places/log.py."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from standortlotse.core.tabular.coordinates import distance_km
from standortlotse.geo.models import Municipality
from standortlotse.places import conflicts
from standortlotse.places.forms import CONTENT_FIELDS, OWNER_FIELDS
from standortlotse.places.log import POINT, field_label
from standortlotse.places.models import HeldPhoto, PendingUpdate, Place, PlacePhoto

# A proposal's attribute groups (``PlaceForm.attribute_values``) by the names of the exchanged
# content (``exchange.GROUP_OF``), whose labels and choices ``conflicts`` knows.
GROUP_NAMES = {"field": "fields", "type": "types", "offer": "offers"}
# The changes in the order of the owner's form (places/_place_fields.html): the texts, the
# vocabulary lists, then where and the rest; the map point where latitude and longitude stand.
ORDER = [
    *CONTENT_FIELDS[:5],
    *GROUP_NAMES.values(),
    *(POINT if name == "lat" else name for name in CONTENT_FIELDS[5:] if name != "lon"),
    *OWNER_FIELDS,
]


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
    added_photos: list[HeldPhoto] = field(default_factory=list)
    removed_photos: list[PlacePhoto] = field(default_factory=list)  # still on the place
    point: tuple[float, float] | None = None  # the proposed map point, if it moves
    form: object = None  # the moderator's decision form (views), if any

    @property
    def is_empty(self) -> bool:
        return not (self.changes or self.added_photos or self.removed_photos)


def proposed_values(update: PendingUpdate) -> dict:
    """The update's values by the names of its changes (form fields, "fields"/"types"/"offers"
    for the vocabulary lists, ``POINT`` for latitude and longitude together)."""
    data = update.data if isinstance(update.data, dict) else {}
    proposed = dict(data.get("fields") or {})
    for group, values in (data.get("attributes") or {}).items():
        if group in GROUP_NAMES:
            proposed[GROUP_NAMES[group]] = list(values or [])
    # Latitude and longitude are one change, the map point.
    if "lat" in proposed or "lon" in proposed:
        proposed[POINT] = (proposed.pop("lat", None), proposed.pop("lon", None))
    # In the order of the form (the stored JSON keeps no order on PostgreSQL).
    return dict(sorted(proposed.items(), key=lambda item: _position(item[0])))


def _position(name: str) -> tuple[int, str]:
    return (ORDER.index(name), "") if name in ORDER else (len(ORDER), name)


def removed_photo_ids(update: PendingUpdate) -> list[int]:
    data = update.data if isinstance(update.data, dict) else {}
    return [int(pk) for pk in data.get("remove_photos") or []]


def _point(value):
    try:
        lat, lon = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    return lat, lon


def point_text(point) -> str:
    """A map point as people read it ("52,604000° N, 11,864000° O"; "–" for none)."""
    if point is None:
        return conflicts.EMPTY
    lat, lon = (formats.number_format(v, 6, use_l10n=True) for v in point)
    return _("%(lat)s° N, %(lon)s° E") % {"lat": lat, "lon": lon}


def _stored(place: Place, name: str):
    if name == POINT:
        return (place.lat, place.lon)
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
    if name == POINT:
        a, b = _point(now), _point(proposed)
        return (
            a is None
            or b is None
            or all(round(x, 6) == round(y, 6) for x, y in zip(a, b, strict=True))
        )
    if name in GROUP_NAMES.values():
        return sorted(now or []) == sorted(proposed or [])
    if name == "municipality":
        return str(now or "") == str(proposed or "")
    return conflicts._same(name, now, proposed)


def proposal(update: PendingUpdate) -> Proposal:
    """The fields the owner changed (label, value now, value proposed), the labels of those left
    unchanged, and the photos the update adds and removes."""
    place = update.place
    proposed = proposed_values(update)
    keys = {place.municipality_id, proposed.get("municipality")} - {None, ""}
    names = dict(
        Municipality.objects.filter(pk__in=[int(k) for k in keys]).values_list("pk", "name")
    )
    result = Proposal(update)
    for name, value in proposed.items():
        now = _stored(place, name)
        label = field_label(name)
        if _same(name, now, value):
            result.unchanged.append(label)
        elif name == POINT:
            result.point = _point(value)
            moved = distance_km(place.lat, place.lon, *result.point)
            shown = _("%(point)s (%(distance)s km from the point now)") % {
                "point": point_text(result.point),
                "distance": formats.number_format(moved, 2, use_l10n=True),
            }
            result.changes.append(Proposed(name, label, point_text(_point(now)), shown))
        else:
            result.changes.append(
                Proposed(name, label, _shown(name, now, names), _shown(name, value, names))
            )
    result.added_photos = list(update.photos.all())
    wanted = removed_photo_ids(update)
    result.removed_photos = [p for p in place.photos.all() if p.pk in wanted]
    return result


def proposals(place: Place) -> list[Proposal]:
    return [proposal(u) for u in place.pending_updates.prefetch_related("photos")]
