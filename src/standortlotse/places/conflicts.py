"""What a moderator compares when a partner changed a place that was also edited here
(``ImportConflict``): the stored place beside the partner's version, only the fields that
differ, each named by its label and shown as people read it (choice labels, the municipality by
name, the story through the HTML sanitiser, "–" for empty). ``resolve_conflict`` in
``places/exchange.py`` then keeps one side."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from standortlotse.core.sanitize import clean_html
from standortlotse.geo.models import Municipality
from standortlotse.places.exchange import GROUP_OF, content_of
from standortlotse.places.forms import CONTENT_FIELDS
from standortlotse.places.models import ATTRIBUTE_GROUPS, ImportConflict, Place

EMPTY = "–"

# The exchanged content (exchange.content_of) in the order of the place form; names that are no
# model field are labelled here, the rest by the model field's verbose name.
# The record's fields in the order of the editor form (forms.CONTENT_FIELDS), the vocabulary
# lists after the pitch as the form shows them, the municipality by its key as records hold it.
ORDER = [
    *CONTENT_FIELDS[:2],
    "fields",
    "types",
    "offers",
    *("municipality_ags" if name == "municipality" else name for name in CONTENT_FIELDS[2:]),
]
LABELS = {
    "municipality_ags": _("municipality"),
    "fields": _("Fields"),
    "types": _("Type of place"),
    "offers": _("Offers"),
}


def label(name: str) -> str:
    if name in LABELS:
        return capfirst(str(LABELS[name]))
    try:
        return capfirst(str(Place._meta.get_field(name).verbose_name))
    except Exception:  # noqa: BLE001 - a key of an older record that is no field any more
        return name


@dataclass(frozen=True)
class Difference:
    name: str  # the key in the exchanged content (for tests and anchors, never shown)
    label: str
    local: str | SafeString
    incoming: str | SafeString


@dataclass
class Comparison:
    """One waiting version of the partner's record against the place as stored here."""

    conflict: ImportConflict
    differences: list[Difference] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # labels of the fields both sides share


def display(name: str, value, municipality_names: dict[str, str] | None = None):
    """A value of the exchanged content as people read it; partner text stays text (escaped by
    the template), the story is only ever shown as the sanitiser leaves it."""
    if value in (None, "", []):
        return EMPTY
    if name in GROUP_OF:
        choices = dict(ATTRIBUTE_GROUPS[GROUP_OF[name]].choices)
        return ", ".join(str(choices.get(v, v)) for v in value)
    if name == "municipality_ags":
        return (municipality_names or {}).get(str(value), str(value))
    if name in ("story", "story_en"):
        cleaned = clean_html(str(value))
        return mark_safe(cleaned) if cleaned.strip() else EMPTY
    if name in ("lat", "lon"):
        try:
            return formats.number_format(float(value), use_l10n=True)
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _same(name: str, local, incoming) -> bool:
    if name in ("lat", "lon"):
        try:
            return round(float(local), 6) == round(float(incoming), 6)
        except (TypeError, ValueError):
            return local == incoming
    if local in (None, "", []) and incoming in (None, "", []):
        return True
    return local == incoming


def compare(
    local: dict, incoming: dict, municipality_names: dict[str, str] | None = None
) -> tuple[list[Difference], list[str]]:
    """(the differing fields, the labels of the equal ones) of two exchanged contents. A name
    the partner's version does not carry (an older conflict) is no difference."""
    names = [n for n in ORDER if n in local] + [n for n in local if n not in ORDER]
    differences, unchanged = [], []
    for name in names:
        if name not in incoming:
            continue
        if _same(name, local[name], incoming[name]):
            unchanged.append(label(name))
        else:
            differences.append(
                Difference(
                    name=name,
                    label=label(name),
                    local=display(name, local[name], municipality_names),
                    incoming=display(name, incoming[name], municipality_names),
                )
            )
    return differences, unchanged


def open_conflicts(place: Place) -> list[Comparison]:
    """The partner's versions that wait for a decision on this place, newest first, each
    compared with the place as it is stored now."""
    waiting = list(place.import_conflicts.filter(resolved=False).order_by("-created_at", "-pk"))
    if not waiting:
        return []
    local = content_of(place)
    keys = {local["municipality_ags"]} | {
        str(c.data.get("municipality_ags") or "") for c in waiting
    }
    names = dict(Municipality.objects.filter(ags__in=keys).values_list("ags", "name"))
    result = []
    for conflict in waiting:
        data = conflict.data if isinstance(conflict.data, dict) else {}
        differences, unchanged = compare(local, data, names)
        result.append(Comparison(conflict, differences, unchanged))
    return result
