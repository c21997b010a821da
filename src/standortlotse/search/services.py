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
    dropped: str = ""  # a word left out because all words together found nothing
    understood: list[tuple[str, str]] = field(default_factory=list)  # label, query without it
    units: list[str] = field(default_factory=list)  # what can be left out, one at a time
    fulfilled: int = 0  # properties shown that meet every understood filter

    @property
    def total(self):
        return sum(len(g.hits) for g in self.groups)


def _strip_tags(html: str) -> str:
    import nh3

    return nh3.clean(html or "", tags=set())


# Words that say which kind of result is wanted: that group comes first ("coworking" shows the
# coworking places first). Place types and offers also find places by their attributes.
PLACE_TYPE_WORDS = {
    "coworking": ("type", "coworking"),
    "cowork": ("type", "coworking"),
    "coliving": ("type", "coliving"),
    "makerspace": ("type", "maker_space"),
    "maker": ("type", "maker_space"),
    "kreativort": ("type", "creative_hub"),
    "kreativorte": ("type", "creative_hub"),
    "probewohnen": ("offer", "trial_living"),
    "schreibtisch": ("offer", "desks"),
    "desk": ("offer", "desks"),
    "desks": ("offer", "desks"),
    "dorfladen": ("type", "village_shop"),
    "grunderzentrum": ("type", "founders_hub"),
    "gruenderzentrum": ("type", "founders_hub"),
}
GROUP_WORDS = {
    "places": {"kreativ", "creative", "place", "places", "ort", "orte", "workation"},
    "guides": {"guide", "guides", "ratgeber", "leitfaden", "wohnen", "living", "foerderung"},
    "events": {"event", "events", "veranstaltung", "veranstaltungen", "termin", "termine"},
    "contacts": {"ansprechpartner", "ansprechpartnerin", "kontakt", "contact", "contacts"},
}
GROUP_ORDER = ["properties", "places", "guides", "events", "contacts"]


def _place_attributes(words: list[str]) -> list[tuple[str, str]]:
    return [PLACE_TYPE_WORDS[fold(w)] for w in words if fold(w) in PLACE_TYPE_WORDS]


def _first_group(words: list[str], meaning) -> str:
    if _place_attributes(words):
        return "places"
    folded = {fold(w) for w in words}
    for key, vocabulary in GROUP_WORDS.items():
        if folded & vocabulary:
            return key
    if meaning.parts:
        return "properties"
    return ""


def search(query: str, language: str = "de") -> Result:
    """The one search. Attribute words ("Halle", "Gleisanschluss", "ab 2 ha", "an der A14")
    filter the properties (``properties.query``); when the words together find nothing, one word
    is left out (the one whose absence finds most) and the result says so."""
    query = (query or "").strip()[:200]
    fixed, changed = corrected(query)
    result = _search(fixed, language)
    result.corrected_from = query if changed else ""
    if result.terms and not result.total:
        # Leave out one understood part ("ab 2 ha") or one text word at a time.
        from standortlotse.properties.query import remove_span

        best = None
        for unit in result.units:
            rest = remove_span(fixed, unit)
            if not rest.strip() or rest == fixed:
                continue
            attempt = _search(rest, language)
            score = (attempt.fulfilled, attempt.total)
            if attempt.total and (best is None or score > best[2]):
                best = (attempt, unit, score)
        if best:
            best[0].dropped = best[1]
            best[0].corrected_from = result.corrected_from
            return best[0]
    return result


def _search(fixed: str, language: str) -> Result:
    from standortlotse.properties.query import STOP_WORDS, interpret, remove_span
    from standortlotse.properties.searching import municipality_lookup
    from standortlotse.properties.selectors import SearchCriteria
    from standortlotse.properties.selectors import search as property_search

    meaning = interpret(fixed, municipality_lookup())
    words = [w for w in fixed.split() if fold(w) not in STOP_WORDS]
    terms = textsearch.query_words(" ".join(words))
    result = Result(fixed, terms, [])
    result.understood = [(part.label, meaning.without(part)) for part in meaning.parts]
    result.units = [part.span for part in meaning.parts] + meaning.text.split()
    if not terms:
        return result
    en = language.startswith("en")

    def take(queryset, with_terms=True):
        if with_terms:
            queryset = textsearch.filter_matches(queryset, terms)
        rows = list(queryset[: PER_GROUP + 1])
        return rows[:PER_GROUP], len(rows) > PER_GROUP

    more_query = {"q": fixed}
    if meaning.parts:
        # Attribute words rank: what fulfils them comes first, then what merely mentions them.
        from django.db.models import Case, IntegerField, Value, When

        fulfilled = property_search(SearchCriteria(q=meaning.text, **meaning.filters)).values("pk")
        wanted = Q(pk__in=fulfilled)
        # Words rank ("Halle": halls first, then what mentions a hall); numbers always filter
        # ("ab 2 ha", "A14") and are no words to find in a text.
        text, numbers = fixed, {}
        for part in meaning.parts:
            if part.key in ("area_min", "area_max", "motorway"):
                text = remove_span(text, part.span)
                numbers.update(part.filters)
        words_text = " ".join(w for w in text.split() if fold(w) not in STOP_WORDS)
        if textsearch.query_words(words_text):
            mentioned = property_search(SearchCriteria(q=words_text, **numbers))
            wanted |= Q(pk__in=mentioned.values("pk"))
        ranked = (
            published_properties()
            .filter(wanted)
            .annotate(
                fulfils=Case(
                    When(pk__in=fulfilled, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("fulfils", "-published_at", "-pk")
        )
        props, more = take(ranked, with_terms=False)
        result.fulfilled = sum(1 for p in props if p.fulfils == 0)
    else:
        # Plain words find every segment: "Bauplatz Arendsee" finds the building plot too.
        props, more = take(published_properties(segment=None).order_by("-published_at", "-pk"))
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
            reverse("properties:search") + "?" + urlencode(more_query),
            more,
        )
    )

    attributes = _place_attributes(words)
    places_qs = published_places()
    if attributes:
        from django.db.models import Case, IntegerField, Value, When

        from standortlotse.places.models import Place, PlaceAttribute

        wanted = Q()
        for group, value in attributes:
            wanted |= Q(group=group, value=value)
        with_attribute = PlaceAttribute.objects.filter(wanted).values("place")
        other_terms = [
            t
            for t in terms
            if t
            not in textsearch.query_words(" ".join(w for w in words if fold(w) in PLACE_TYPE_WORDS))
        ]
        text_ids = (
            textsearch.filter_matches(Place.objects.all(), other_terms).values("pk")
            if other_terms
            else None
        )
        matching = Q(pk__in=with_attribute)
        if text_ids is not None:
            matching = Q(pk__in=with_attribute) & Q(pk__in=text_ids)
        everything = textsearch.filter_matches(Place.objects.all(), terms).values("pk")
        places_qs = places_qs.filter(matching | Q(pk__in=everything)).annotate(
            wanted=Case(
                When(pk__in=with_attribute, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        places, more = take(places_qs.order_by("wanted", "name", "pk"), with_terms=False)
    else:
        places, more = take(places_qs.order_by("name", "pk"))
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
    first = _first_group(words, meaning)
    if first:
        result.groups.sort(key=lambda g: (g.key != first, GROUP_ORDER.index(g.key)))
    return result
