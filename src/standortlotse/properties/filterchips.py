"""The search form's active filters as chips: a label and the query that removes just that filter
(a plain link, no JavaScript needed)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from standortlotse.properties.query import area_label

SKIPPED = {"q", "sort"}


def _value_label(form, name, value) -> str:
    field = form.fields[name]
    if name in ("area_min", "area_max"):
        return area_label(value)
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    choices = dict(getattr(field, "choices", []) or [])
    if value in choices:
        return str(choices[value])
    return str(value)


def active(request, form) -> list[tuple[str, str]]:
    """(label, query string without this filter) for each valid filter that is set."""
    if not form.is_bound:
        return []
    data = getattr(form, "cleaned_data", {})
    chips = []
    for name, value in data.items():
        if name in SKIPPED or value in (None, "", []):
            continue
        label = str(form.fields[name].label)
        values = value if isinstance(value, list) else [value]
        for one in values:
            query = request.GET.copy()
            query.pop("page", None)
            if isinstance(value, list):
                query.setlist(name, [v for v in query.getlist(name) if v != str(one)])
            else:
                query.pop(name, None)
            chips.append((f"{label}: {_value_label(form, name, one)}", query.urlencode()))
    return chips
