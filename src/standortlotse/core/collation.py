"""The one alphabetical order of names people read (municipalities, districts, regions, places):
German dictionary order after DIN 5007-1, whatever the database collates.

"ä", "ö", "ü" sort as "a", "o", "u" and "ß" as "ss", capitals like small letters, accents off
("Dähre" < "Diesdorf" < "Gardelegen"; "Ückermünde" among the U's, before "Uelzen"). SQLite
compares code points ("Ä" after "Z") and PostgreSQL's order depends on the database's locale,
so lists are put in this order in Python after fetching (they are short: a region's
municipalities, a district list). Equal keys ("Muller", "Müller") keep a stable order by the
name itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from django import forms

from standortlotse.core.textsearch import fold

T = TypeVar("T")


def sort_key(name) -> tuple[str, str]:
    text = str(name)
    return fold(text, umlauts="drop", letters_only=False), text


def sorted_by_name(items: Iterable[T], name: Callable[[T], object] = str) -> list[T]:
    """``items`` in German dictionary order of ``name(item)`` (default: the item's text)."""
    return sorted(items, key=lambda item: sort_key(name(item)))


class _CollatedIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in sorted_by_name(self.queryset):
            yield self.choice(obj)


class CollatedModelChoiceField(forms.ModelChoiceField):
    """A choice of records (municipality, district, region) listed in German dictionary order."""

    iterator = _CollatedIterator


class CollatedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = _CollatedIterator
