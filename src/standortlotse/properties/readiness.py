"""Site readiness (Baureife), like certified sites: what could stop a project on a property.

A property has one checklist item per question a site selector asks first (building rights,
grid connection, water, contamination, flood zone, archaeology, soil, ownership, access road),
each with a status, a short note and optionally documents (``PropertyDocument.readiness_item``),
plus the figures some items have (grid kVA, water m³/day). The readiness level is derived from
the statuses alone (``level``): the one rule the model stores, the search filters on and the
pages and the matching show.

This module knows no model: the model (``Property.readiness_*`` fields), the forms, the API, the
import and the matching all read the items and the rule from here.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import models
from django.utils.translation import pgettext_lazy


class ItemStatus(models.TextChoices):
    CLEAR = "clear", pgettext_lazy("readiness", "clear")
    OPEN = "open", pgettext_lazy("readiness", "open")
    ISSUE = "issue", pgettext_lazy("readiness", "obstacle")
    UNKNOWN = "unknown", pgettext_lazy("readiness", "unknown")


class Level(models.TextChoices):
    READY = "ready", pgettext_lazy("readiness", "ready to build")
    MOSTLY = "mostly", pgettext_lazy("readiness", "mostly clear")
    CLARIFYING = "clarifying", pgettext_lazy("readiness", "being clarified")


# "mostly clear": no obstacle and at most this many items open or unknown.
MOSTLY_MAX_OPEN = 2


@dataclass(frozen=True)
class Item:
    key: str
    label: object  # lazy text
    # The item's figures and facts besides status and note (model field names, in form order).
    extra: tuple[str, ...] = ()

    @property
    def status_field(self) -> str:
        return f"readiness_{self.key}_status"

    @property
    def note_field(self) -> str:
        return f"readiness_{self.key}_note"

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.status_field, *self.extra, self.note_field)


ITEMS: tuple[Item, ...] = (
    Item(
        "building_rights",
        pgettext_lazy("readiness", "building rights"),
        ("readiness_permitted_uses",),
    ),
    Item(
        "grid",
        pgettext_lazy("readiness", "grid connection"),
        (
            "readiness_grid_kva",
            "readiness_grid_operator",
            "readiness_grid_upgrade_kva",
            "readiness_grid_upgrade_date",
        ),
    ),
    Item(
        "water",
        pgettext_lazy("readiness", "water and waste water"),
        ("readiness_water_m3_day", "readiness_waste_water_m3_day"),
    ),
    Item("contamination", pgettext_lazy("readiness", "contamination survey (Altlasten)")),
    Item("flood", pgettext_lazy("readiness", "flood zone")),
    Item("archaeology", pgettext_lazy("readiness", "archaeology (Bodendenkmal)")),
    Item("soil", pgettext_lazy("readiness", "soil survey")),
    Item(
        "ownership",
        pgettext_lazy("readiness", "ownership and willingness to sell"),
        ("readiness_willing_to_sell",),
    ),
    Item("access", pgettext_lazy("readiness", "access road")),
)
ITEMS_BY_KEY = {item.key: item for item in ITEMS}
ITEM_CHOICES = [(item.key, item.label) for item in ITEMS]
STATUS_FIELDS = tuple(item.status_field for item in ITEMS)
# Every field of the checklist, in the order of the form, the API and the import columns.
FIELDS = tuple(name for item in ITEMS for name in item.fields)


def level(statuses: Iterable[str]) -> str:
    """The readiness level of a checklist given its items' statuses (one per item).

    * ready to build: every item clear;
    * mostly clear: no obstacle, and at most MOSTLY_MAX_OPEN items open or unknown;
    * being clarified: anything else (an obstacle, or more open questions).
    """
    statuses = list(statuses)
    if not statuses:
        return Level.CLARIFYING
    if ItemStatus.ISSUE in statuses:
        return Level.CLARIFYING
    unresolved = sum(1 for status in statuses if status != ItemStatus.CLEAR)
    if unresolved == 0:
        return Level.READY
    if unresolved <= MOSTLY_MAX_OPEN:
        return Level.MOSTLY
    return Level.CLARIFYING


def statuses_of(record) -> dict[str, str]:
    """Item key → status of a property (or anything with the ``readiness_*_status`` fields)."""
    return {item.key: getattr(record, item.status_field) for item in ITEMS}


def level_of(record) -> str:
    return level(statuses_of(record).values())


def missing(statuses: Mapping[str, str]) -> list[Item]:
    """The items not clear, in checklist order: what editors still have to clarify."""
    return [item for item in ITEMS if statuses.get(item.key) != ItemStatus.CLEAR]


def is_filled(record) -> bool:
    """Whether anything of the checklist is known (a status other than unknown, or a figure):
    the public page shows the section only then, never an empty heading."""
    for item in ITEMS:
        if getattr(record, item.status_field) != ItemStatus.UNKNOWN:
            return True
        for name in (*item.extra, item.note_field):
            if getattr(record, name) not in (None, ""):
                return True
    return False


# The search filter (page and API): "ready" only ready-to-build sites, "mostly" ready or mostly
# clear ("at least mostly clear"), "clarifying" those being clarified.
FILTER_LEVELS = {
    Level.READY.value: (Level.READY,),
    Level.MOSTLY.value: (Level.READY, Level.MOSTLY),
    Level.CLARIFYING.value: (Level.CLARIFYING,),
}


def format_kva(kva: int | float) -> str:
    """A capacity as people write it: kVA below 1000, MVA from 1000 ("630 kVA", "2 MVA",
    "2,5 MVA" in German)."""
    from django.utils.formats import number_format

    if kva >= 1000:
        mva = kva / 1000
        decimals = 0 if mva == int(mva) else (1 if mva * 10 == int(mva * 10) else 2)
        return f"{number_format(mva, decimal_pos=decimals)}\u00a0MVA"
    return f"{number_format(kva, decimal_pos=0)}\u00a0kVA"
