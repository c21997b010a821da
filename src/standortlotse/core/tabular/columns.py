"""Which column of a file fills which field: header names, units written in headers, choices.

An import target names its columns, the header names people use for them (aliases, written
any way: they are compared folded, ``textsearch.fold``) and their labels; this module matches
a file's headers to them. Nothing here knows a domain app.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.utils import translation

from standortlotse.core.tabular import values
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
    column used once, the first header wins); by header words only (``suggest_columns``
    weighs the values too)."""
    return suggest_columns(headers, specs_from_index(dict.fromkeys(index.values()), index))


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


# --- suggestions from header words and the column's values ---------------------------------

SAMPLE_SIZE = 50
SAMPLE_ROWS = 500  # rows read at most to find the samples


@dataclass(frozen=True)
class ColumnSpec:
    """What an import target says about one of its columns, for suggesting the mapping.

    ``words`` (folded) are its own header names (each word belongs to one column); ``also``
    (folded) are header names it shares with another column and wins only if its values fit
    better ("Autobahn (km)" is a distance, "Autobahn" with "A 14 Stendal" the junction).
    ``units`` are the units a header may name for it ("Fläche (ha)"); a header naming a unit
    another column takes and this one does not ("(km)" for a name) never maps to it.
    ``test`` says whether one sample value fits; with ``strict`` a column whose values mostly
    do not fit is never suggested, with ``from_values`` a column of fitting values is suggested
    even without a known header (a column of GE/GI/MI is the zoning).
    """

    name: str
    words: frozenset[str] = frozenset()
    also: frozenset[str] = frozenset()
    units: tuple[str, ...] = ()
    test: Callable[[object], bool] | None = None
    strict: bool = False
    from_values: bool = False


def specs_from_index(
    columns: Iterable[str], index: Mapping[str, str], **extra: dict
) -> list[ColumnSpec]:
    """One spec per column, its words taken from ``index`` (folded header → column), the
    rest from ``extra[column]`` (keyword arguments of ``ColumnSpec``)."""
    words: dict[str, set[str]] = {}
    for word, column in index.items():
        words.setdefault(column, set()).add(word)
    return [
        ColumnSpec(name, frozenset(words.get(name, ())), **extra.get(name, {})) for name in columns
    ]


def _bare(header: str) -> str:
    return _UNIT_HINT.sub("", header)


def _fits(test, samples: list) -> float:
    hits = 0
    for value in samples:
        try:
            hits += bool(test(value))
        except (ValueError, TypeError, ArithmeticError):
            pass
    return hits / len(samples)


def score(header: str, samples: list, spec: ColumnSpec, known_units: set[str]) -> float:
    """How well a column of the file (its header and sample values) fits ``spec``: 0 not at
    all; a header word of its own counts 3, a shared one 2, each weighed by the share of
    values that fit; values alone count up to 1.5 (``from_values``)."""
    unit = header_unit(header)
    if unit in known_units and unit not in spec.units:
        return 0.0
    names = {fold(header), fold(_bare(header))}
    words = 3.0 if names & spec.words else 2.0 if names & spec.also else 0.0
    fit = _fits(spec.test, samples) if spec.test and samples else None
    if fit is None:
        return words * 0.9
    if spec.strict and fit < 0.5:
        return 0.0
    if words:
        return words * (0.2 + 0.8 * fit)
    if spec.from_values and len(samples) >= 3 and fit >= 0.8:
        return 1.5 * fit
    return 0.0


def suggest_columns(
    headers: list[str], specs: list[ColumnSpec], samples: Mapping[str, list] | None = None
) -> dict[str, str]:
    """Header → column by the best scores: each header fills at most one column, each column
    takes at most one header (ties: the earlier header, then the earlier column)."""
    samples = samples or {}
    known_units = {unit for spec in specs for unit in spec.units}
    scored = []
    for h_pos, header in enumerate(headers):
        for c_pos, spec in enumerate(specs):
            points = score(header, samples.get(header, []), spec, known_units)
            if points > 0:
                scored.append((-points, h_pos, c_pos, header, spec.name))
    result: dict[str, str] = {}
    taken: set[str] = set()
    for _points, _h, _c, header, name in sorted(scored):
        if header not in result and name not in taken:
            result[header] = name
            taken.add(name)
    return result


def candidates(
    header: str, samples: list, specs: list[ColumnSpec], minimum: float = 0.0
) -> list[str]:
    """The columns ``header`` could fill, best first."""
    known_units = {unit for spec in specs for unit in spec.units}
    scored = [(score(header, samples, spec, known_units), spec.name) for spec in specs]
    return [name for points, name in sorted(scored, key=lambda s: -s[0]) if points > minimum]


def sample_values(rows, headers: list[str], size: int = SAMPLE_SIZE) -> dict[str, list]:
    """The first ``size`` non-blank values of each column (reading at most SAMPLE_ROWS rows)."""
    result: dict[str, list] = {h: [] for h in headers}
    if not headers:
        return result
    for count, row in enumerate(rows, start=1):
        for header in headers:
            value = row.cells.get(header)
            if not values.is_blank(value) and len(result[header]) < size:
                result[header].append(value)
        if count >= SAMPLE_ROWS or all(len(v) >= size for v in result.values()):
            break
    return result


def shown_samples(values: list, count: int = 3) -> list[str]:
    """The first ``count`` distinct values, as text, for showing beside the column (numbers from
    Excel with a decimal comma, dates as DD.MM.YYYY)."""
    shown: list[str] = []
    for value in values:
        if isinstance(value, float):  # as Excel shows it to a German user: 12,5
            value = int(value) if value.is_integer() else str(value).replace(".", ",")
        if hasattr(value, "strftime"):
            value = value.strftime("%d.%m.%Y")
        written = str(value).strip()[:60]
        if written and written not in shown:
            shown.append(written)
        if len(shown) == count:
            break
    return shown


def file_shape(headers: Iterable[str]) -> str:
    """A key for the shape of a file: the set of its folded headers (order and spelling aside)."""
    folded = sorted({fold(h) for h in headers} - {""})
    return hashlib.sha256("\n".join(folded).encode()).hexdigest()
