"""The transparency index as the pages show it: sorted rows, hectares, durations, links."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from standortlotse.core.units import hectares_value
from standortlotse.inquiries.presenters import duration_text

# The columns of the ranking in their order: key, heading, the snapshot's field, best first is
# the largest value (True) or the smallest (False).
COLUMNS = [
    ("confirmed", _("Confirmed in the last 6 months"), "confirmed_pct", True),
    ("age", _("Median age of the data"), "median_age_days", False),
    ("complete", _("With the fields investors need"), "complete_pct", True),
    ("answer", _("Median time to first answer"), "median_answer_seconds", False),
    ("area", _("Available area"), "area_m2", True),
]
SORTS = {key: (field, best_high) for key, _label, field, best_high in COLUMNS}
DEFAULT_SORT = "name"

# --- the municipality's own page, registered by the app that has one ---------------------------

_municipality_url: Callable | None = None


def set_municipality_url(rule: Callable | None) -> None:
    """``rule(municipality_id, ags) -> str | None``: the public page of a municipality (the
    location profile); the ranking links a municipality's name to it. Without a rule (or
    ``None`` from it) the name is plain text."""
    global _municipality_url
    _municipality_url = rule


def municipality_url(row: dict) -> str:
    if _municipality_url is None:
        return ""
    return _municipality_url(row["id"], row["key"]) or ""


# --- sorting ---------------------------------------------------------------------------------


def parse_sort(value: str | None) -> tuple[str, bool]:
    """``?sort=confirmed`` (best first), ``?sort=-confirmed`` (reversed), ``name`` (A–Z, the
    default) / ``-name``; anything else is the default."""
    value = (value or "").strip()
    reverse_order = value.startswith("-")
    key = value.lstrip("-")
    if key != "name" and key not in SORTS:
        return DEFAULT_SORT, False
    return key, reverse_order


def sorted_rows(rows: list[dict], key: str, reverse_order: bool = False) -> list[dict]:
    """The rows by one figure, best first (or reversed); rows without the figure (no records,
    too few inquiries) always last, in the order of names. ``rows`` come in name order."""
    if key == "name":
        return list(reversed(rows)) if reverse_order else list(rows)
    field, best_high = SORTS[key]
    with_value = [r for r in rows if r.get(field) is not None]
    without = [r for r in rows if r.get(field) is None]
    descending = best_high != reverse_order
    # stable either way (reverse=True too): equal values keep the name order
    with_value.sort(key=lambda r: r[field], reverse=descending)
    return with_value + without


def sort_links(base: str, key: str, reverse_order: bool) -> list[dict]:
    """One link per column: to its best-first order, or reversed when it is the current one."""
    links = []
    for column, label in [("name", _("Name")), *[(c[0], c[1]) for c in COLUMNS]]:
        current = column == key
        target = f"-{column}" if current and not reverse_order else column
        links.append(
            {
                "key": column,
                "label": label,
                "url": f"{base}?{urlencode({'sort': target})}",
                "current": current,
                "aria_sort": _aria_sort(column, reverse_order) if current else "",
            }
        )
    return links


def sort_label(key: str) -> str:
    return str(_("Name") if key == "name" else next(c[1] for c in COLUMNS if c[0] == key))


def _aria_sort(column: str, reverse_order: bool) -> str:
    if column == "name":
        return "descending" if reverse_order else "ascending"
    _field, best_high = SORTS[column]
    return "descending" if best_high != reverse_order else "ascending"


# --- formatting ------------------------------------------------------------------------------


def age_text(days: float | None) -> str:
    if days is None:
        return "–"
    whole = round(days)
    return ngettext("%(count)d day", "%(count)d days", whole) % {"count": whole}


def percent_text(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{number_format(value, decimal_pos=0 if value == int(value) else 1)}\u00a0%"


def displayed(row: dict) -> dict:
    """A snapshot row with what the page shows besides the numbers."""
    answer = row.get("median_answer_seconds")
    return {
        **row,
        "url": municipality_url(row) if "district" in row else "",
        "search_url": (
            f"{reverse('properties:search')}?{urlencode({'municipality': row['id']})}"
            if "district" in row and row["published"]
            else ""
        ),
        "confirmed_text": percent_text(row["confirmed_pct"]),
        "complete_text": percent_text(row["complete_pct"]),
        "age_text": age_text(row["median_age_days"]),
        "answer_text": duration_text(timedelta(seconds=answer)) if answer is not None else "",
        "area_ha": hectares_value(row["area_m2"], 1),
    }


def computed_at(data: dict) -> datetime | None:
    try:
        return datetime.fromisoformat(data["computed_at"])
    except (KeyError, ValueError):
        return None
