"""Which column of a file fills which field: header names, units written in headers, choices.

An import target names its columns, the header names people use for them (aliases, written
any way: they are compared folded, ``textsearch.fold``) and their labels; this module matches
a file's headers to them. Nothing here knows a domain app.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from django.utils import translation

from standortlotse.core.textsearch import fold

LANGUAGES = ("de", "en")


def header_index(
    columns: Iterable[str],
    aliases: Mapping[str, Iterable[str]],
    labels: Callable[[str], Iterable[str]],
) -> dict[str, str]:
    """Folded header name → column: the aliases, then the labels of each column; a column's
    own name always means that column."""
    columns = list(columns)
    index: dict[str, str] = {}
    for name in columns:
        for alias in aliases.get(name, []):
            index.setdefault(fold(alias), name)
    for name in columns:
        for label in labels(name):
            index.setdefault(fold(label), name)
        index[fold(name)] = name
    return index


_UNIT_HINT = re.compile(
    r"[\(\[]\s*([^)\]]+?)\s*[\)\]]|\bin\s+(ha|m²|m2|qm|km|€)\s*$", re.IGNORECASE
)


def header_unit(header: str) -> str:
    """The unit a header names ("Fläche (ha)", "Entfernung in km"), lower case, or ""."""
    match = _UNIT_HINT.search(header)
    return (match.group(1) or match.group(2)).strip().lower() if match else ""


def suggest(headers: list[str], index: Mapping[str, str]) -> dict[str, str]:
    """Header → column for the headers ``index`` recognises, with or without their unit (each
    column used once, the first header wins)."""
    result: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        bare = _UNIT_HINT.sub("", header)
        for candidate in (fold(header), fold(bare)):
            column = index.get(candidate)
            if column and column not in used:
                result[header] = column
                used.add(column)
                break
    return result


def field_labels(model_field) -> list[str]:
    """A model field's verbose name in every language of the site: headers people write."""
    result = []
    for language in LANGUAGES:
        with translation.override(language):
            result.append(str(model_field.verbose_name))
    return result


def choice_synonyms(model_field, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Folded word → choice value: each value's code and label in every language (also the part
    of a label before an en dash), then ``extra`` (folded synonyms of the target's own)."""
    synonyms = {}
    for value, _label in model_field.choices:
        synonyms[fold(value)] = value
        for language in LANGUAGES:
            with translation.override(language):
                label = str(dict(model_field.choices)[value])
            synonyms[fold(label)] = value
            synonyms[fold(label.split("–")[0])] = value
    for key, value in (extra or {}).items():
        synonyms[key] = str(value)
    return synonyms
