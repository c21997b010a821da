"""One search across properties, places, guides, events and contacts.

Every kind keeps normalised words in ``search_text`` (see ``core.textsearch``: German stemming,
umlaut folding, prefix matching, FTS5 on SQLite, a GIN index on PostgreSQL). A query word that
is close to a municipality's name but not exact ("Tangermunde", "Gardelegn") is corrected to it
(typo tolerance for place names). Results come grouped by kind, a few per kind, with the matching
words highlighted.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from standortlotse.core import textsearch
from standortlotse.core.textsearch import fold
from standortlotse.geo.models import Municipality
from standortlotse.guides.models import Contact, Event, Guide
from standortlotse.places.selectors import published_places
from standortlotse.properties.selectors import published_properties

PER_GROUP = 5
_WORDS_CACHE_KEY = "onesearch:municipality-names:v1"


def _municipality_names() -> dict[str, str]:
    """Folded name → name of every municipality and locality we know (cached ten minutes)."""
    names = cache.get(_WORDS_CACHE_KEY)
    if names is None:
        names = {}
        for name in Municipality.objects.values_list("name", flat=True):
            for part in [name, *name.replace("(", " ").replace(")", " ").replace("-", " ").split()]:
                if len(part) >= 4:
                    names.setdefault(fold(part), part)
        cache.set(_WORDS_CACHE_KEY, names, 600)
    return names


def corrected(query: str) -> tuple[str, bool]:
    """The query with place-name typos corrected, and whether anything changed."""
    names = _municipality_names()
    words = query.split()
    changed = False
    for index, word in enumerate(words):
        key = fold(word)
        if len(key) < 5 or key in names:
            continue
        close = difflib.get_close_matches(key, names.keys(), n=1, cutoff=0.82)
        if close:
            words[index] = names[close[0]]
            changed = True
    return " ".join(words), changed


def highlight(text: str, terms: list[str], limit: int | None = None) -> str:
    """Escaped text with the words that match a query term (as prefix) wrapped in <mark>."""
    text = text or ""
    if limit and len(text) > limit:
        text = _excerpt(text, terms, limit)
    out, last = [], 0
    for match in textsearch._WORD.finditer(text):
        normalised = textsearch.normalise_word(match.group(0))
        if any(normalised.startswith(t) for t in terms):
            out.append(escape(text[last : match.start()]))
            out.append(f"<mark>{escape(match.group(0))}</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def _excerpt(text: str, terms: list[str], limit: int) -> str:
    for match in textsearch._WORD.finditer(text):
        if any(textsearch.normalise_word(match.group(0)).startswith(t) for t in terms):
            start = max(0, match.start() - limit // 3)
            snippet = text[start : start + limit]
            return ("… " if start else "") + snippet + (" …" if start + limit < len(text) else "")
    return text[:limit] + (" …" if len(text) > limit else "")


@dataclass
class Hit:
    title: str
    url: str
    meta: str
    snippet: str


@dataclass
class Group:
    key: str
    label: str
    hits: list[Hit] = field(default_factory=list)
    more_url: str = ""
    has_more: bool = False


@dataclass
class Result:
    query: str
    terms: list[str]
    groups: list[Group]
    corrected_from: str = ""

    @property
    def total(self):
        return sum(len(g.hits) for g in self.groups)


def _strip_tags(html: str) -> str:
    import nh3

    return nh3.clean(html or "", tags=set())


def search(query: str, language: str = "de") -> Result:
    query = (query or "").strip()[:200]
    fixed, changed = corrected(query)
    terms = textsearch.query_words(fixed)
    result = Result(fixed, terms, [], corrected_from=query if changed else "")
    if not terms:
        return result
    en = language.startswith("en")

    def take(queryset):
        rows = list(textsearch.filter_matches(queryset, terms)[: PER_GROUP + 1])
        return rows[:PER_GROUP], len(rows) > PER_GROUP

    props, more = take(published_properties().order_by("-published_at", "-pk"))
    result.groups.append(
        Group(
            "properties",
            _("Properties"),
            [
                Hit(
                    highlight(p.title, terms),
                    p.get_absolute_url(),
                    f"{p.get_kind_display()} · {p.municipality.name}",
                    highlight(p.description(language), terms, 180),
                )
                for p in props
            ],
            reverse("properties:search") + "?" + urlencode({"q": fixed}),
            more,
        )
    )

    places, more = take(published_places().order_by("name", "pk"))
    result.groups.append(
        Group(
            "places",
            _("Creative places"),
            [
                Hit(
                    highlight(p.name, terms),
                    p.get_absolute_url(),
                    p.municipality.name,
                    highlight(p.pitch, terms, 180),
                )
                for p in places
            ],
            reverse("places:search") + "?" + urlencode({"q": fixed}),
            more,
        )
    )

    guides, more = take(
        Guide.objects.published().select_related("region").order_by("title_de", "pk")
    )
    result.groups.append(
        Group(
            "guides",
            _("Guides"),
            [
                Hit(
                    highlight(g.title(language), terms),
                    g.get_absolute_url(),
                    g.get_theme_display(),
                    highlight(
                        g.summary(language) or _strip_tags(g.body_html(language)), terms, 180
                    ),
                )
                for g in guides
            ],
            "",
            more,
        )
    )

    upcoming = (
        Event.objects.published()
        .filter(
            Q(ends_at__gte=timezone.now()) | Q(ends_at__isnull=True, starts_at__gte=timezone.now())
        )
        .order_by("starts_at", "pk")
    )
    events, more = take(upcoming)
    result.groups.append(
        Group(
            "events",
            _("Events"),
            [
                Hit(
                    highlight(e.title(language), terms),
                    e.get_absolute_url(),
                    f"{date_format(timezone.localtime(e.starts_at), 'SHORT_DATETIME_FORMAT')} · {e.location}",
                    highlight(e.description(language), terms, 180),
                )
                for e in events
            ],
            reverse("guides:events"),
            more,
        )
    )

    contacts, more = take(
        Contact.objects.published()
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )
    result.groups.append(
        Group(
            "contacts",
            _("Contact persons"),
            [
                Hit(
                    highlight(c.organisation.name, terms),
                    c.get_absolute_url(),
                    highlight(c.person, terms),
                    highlight(c.role_en if en and c.role_en else c.role_de, terms, 180),
                )
                for c in contacts
            ],
            reverse("guides:contacts"),
            more,
        )
    )
    return result
