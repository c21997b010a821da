"""What a page under /en/ must not show: German words, raw choice codes, German dates and numbers.

``visible_text`` takes the text a visitor reads (text nodes, <title>, alt/title/aria-label/
placeholder and button values; no <script>, <style>, <code>, nothing inside an element marked
lang="de", e.g. the language switch's "Deutsch"). ``content_strings`` collects what people
wrote into the database (titles, descriptions, names of municipalities and organisations):
that stays in the language it was written in and is taken out before the checks, except a
German text whose record has an English version (``title_de`` with a ``title_en``, a place's
``pitch`` with a ``pitch_en``): /en/ must show the English one. ``problems`` then names every
German word, raw code, German date and German number left in a page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.apps import apps
from django.db import models
from django.utils import translation

# Frequent words of the German interface (lower case); umlauts and ß are caught separately.
GERMAN_WORDS = frozenset(
    """
    und oder nicht mit ohne von vom zum zur der die das den dem des ein eine einen einem einer
    ist sind wird werden wurde wurden hat haben kann können ihre ihr ihren sie wir uns auf aus bei
    nach noch nur auch alle alles keine kein neu neue neuen neuer jetzt hier bitte mehr weitere
    seite suche suchen speichern abbrechen löschen bearbeiten anlegen zurück weiter senden absenden
    anmelden abmelden fläche flächen gewerbefläche gewerbeflächen halle hallen büro büros immobilie
    immobilien objekt objekte gemeinde gemeinden landkreis kreis orte ort ratgeber kontakt kontakte
    anfrage anfragen veranstaltung veranstaltungen verlauf statistik karte liste ergebnis ergebnisse
    eigentümer eigentümerin zustimmung status entwurf veröffentlicht archiviert geprüft verfügbar
    sofort ab kauf miete pacht preis preise auf anfrage ja nein unbekannt gesamt summe anzahl
    datum uhr heute gestern morgen woche monat jahr montag dienstag mittwoch donnerstag freitag
    samstag sonntag januar februar märz april mai juni juli august september oktober november
    dezember hinweis hinweise fehler pflichtfeld erforderlich datei hochladen vorschau bestätigen
    verwerfen zuordnung spalte spalten zeile zeilen wert werte gültig ungültig
    """.split()
)
# Words that are German and English alike (or names) and therefore never count.
NOT_GERMAN = frozenset({"die", "status", "august", "september", "november", "april", "hat"})
GERMAN = GERMAN_WORDS - NOT_GERMAN
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+(?:-[A-Za-zÄÖÜäöüß]+)*")
_UMLAUT = re.compile(r"[äöüÄÖÜß]")
_MONTHS_DE = "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
_MONTHS_EN = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
# Django's American defaults ("12/18/2026", "Dec. 18, 2026"): the site writes "18 Dec 2026".
US_DATE = re.compile(
    rf"\b\d{{1,2}}/\d{{1,2}}/\d{{4}}\b|\b(?:{_MONTHS_EN})[a-z]*\.? \d{{1,2}}, \d{{4}}\b"
)
GERMAN_DATE = re.compile(
    rf"\b\d{{1,2}}\.\d{{1,2}}\.(?:\d{{4}}|\d{{2}})\b|\b\d{{1,2}}\.\s?(?:{_MONTHS_DE})\b"
)
_UNITS = r"(?:ha|m²|m2|km|%|€|MW|kV|m|Mbit/s|MBit/s)"
# A decimal comma (1 or 2 decimals: "4,4 ha"; "3,952 m²" is English thousands) or thousands
# points ("12.000 m²") before a unit.
GERMAN_NUMBER = re.compile(
    rf"(?<![\d.,])\d+,\d{{1,2}}\s?{_UNITS}(?!\w)"
    rf"|(?<![\d.,])\d{{1,3}}(?:\.\d{{3}})+(?:,\d+)?\s?{_UNITS}(?!\w)"
)
# Paths of this site are German by design ("/immobilien/12/").
_URL = re.compile(r"(?:https?://|(?<![\w/])/)[\w\-./?=&%]+")
# German on purpose in English text: proper names and the German headers the import reads.
GERMAN_ON_PURPOSE = [
    "Karte von morgen",
    "Gauß-Krüger",
    "Schlichtungsstelle nach § 16 BGG",
    "Breite/Länge",
    "Rechtswert/Hochwert",
    "Ostwert/Nordwert",
    "Außenbereich § 35",
]


def import_vocabulary() -> list[str]:
    """The values the property import accepts, as the import's pages list them (German words
    such as "sofort" are accepted input there, not interface text)."""
    from standortlotse.exchange.views import COLUMNS
    from standortlotse.properties.importing import accepted_forms

    return [form for name in COLUMNS for form in accepted_forms(name) if len(form) >= 2]


_SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")

# <textarea> holds what an editor is writing (e.g. the German version of a text), <mark> the
# words of a search query found in a text.
SKIPPED_TAGS = {
    "script",
    "style",
    "code",
    "kbd",
    "samp",
    "pre",
    "template",
    "svg",
    "textarea",
    "mark",
}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
# What search engines and link previews show of a page.
SHOWN_META = {"description", "og:title", "og:description", "og:image:alt", "twitter:title"}
VISIBLE_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder", "aria-description")


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.segments: list[str] = []

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skipped = (
            self.skipping
            or tag in SKIPPED_TAGS
            or (attrs.get("lang") or "").startswith("de")
            or (tag == "input" and attrs.get("type") == "hidden")
        )
        if not skipped:
            for name in VISIBLE_ATTRIBUTES:
                if attrs.get(name):
                    self.segments.append(attrs[name])
            if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
                self.segments.append(attrs["value"])
            meta = attrs.get("name") or attrs.get("property")
            if tag == "meta" and meta in SHOWN_META and attrs.get("content"):
                self.segments.append(attrs["content"])
        if tag not in VOID_TAGS:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag):
        # Pop up to the matching open tag (forgiving about unclosed <p>, <li>).
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.segments.append(data)


def visible_text(html: str) -> list[str]:
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return [" ".join(s.split()) for s in parser.segments if s.strip()]


def choice_codes() -> set[str]:
    """Every stored value of a choice field of the project's models whose English label differs
    from it ("business_park" is "business park"; "office" is its own label and not a code), but
    for a value that is the English label of some field."""
    codes, labels = set(), set()
    with translation.override("en"):
        for model in apps.get_models():
            if not model.__module__.startswith("standortlotse."):
                continue
            for field in model._meta.get_fields():
                labels.add(str(getattr(field, "verbose_name", "")).lower())
                # A list of choices (zonings) has them on its base field or as item_choices.
                field = getattr(field, "base_field", field)
                choices = getattr(field, "flatchoices", None) or getattr(field, "item_choices", [])
                for value, label in choices:
                    if (
                        isinstance(value, str)
                        and re.search(r"\w", value)  # not the history's "+", "-", "~"
                        and str(label).lower() != value.lower()
                    ):
                        codes.add(value)
    # A code that is also the English label of a field ("water": the readiness item and the
    # property's water connection) is an English word where a page shows it.
    return {code for code in codes if code.lower() not in labels}


_TEXT_FIELDS = (models.CharField, models.TextField)


def _field_texts(value: str) -> list[str]:
    if "<" in value and ">" in value:
        return visible_text(value)
    lines = [line.strip(" #*-\t") for line in value.splitlines()]
    return [" ".join(value.split()), *[" ".join(line.split()) for line in lines if line]]


def content_strings(english_twins: bool = True) -> list[str]:
    """The texts people stored (longest first), as a page shows them; with ``english_twins`` a
    German text whose record has an English one is left out, so that a public page under /en/
    showing it still counts as German (the back office shows both versions to edit and review)."""
    found: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("standortlotse."):
            continue
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, _TEXT_FIELDS) and not f.choices and f.name != "search_text"
        ]
        if not fields:
            continue
        names = {f.name for f in fields}
        for row in model._default_manager.values(*names):
            for name, value in row.items():
                if not value or not isinstance(value, str):
                    continue
                # title_de / title_en, or a place's pitch with its optional pitch_en
                twin = name[:-3] + "_en" if name.endswith("_de") else f"{name}_en"
                if english_twins and twin in names and row.get(twin):
                    continue  # shown in English under /en/
                found.update(t for t in _field_texts(value) if len(t) >= 3)
    user_model = apps.get_model("auth", "User")
    for row in user_model.objects.values("username", "first_name", "last_name"):
        found.update(v for v in row.values() if v and len(v) >= 3)
    found.update(GERMAN_ON_PURPOSE)
    return sorted(found, key=len, reverse=True)


class Checker:
    """Finds what is German (or a raw code) in a page's visible text, once the stored content is
    taken out."""

    def __init__(self, content: list[str], codes: set[str]):
        self.index: dict[str, list[str]] = {}
        for text in content:
            if text in codes:
                continue  # a status stored without choices ("published") is still a code
            words = _WORD.findall(text)
            self.index.setdefault(words[0].lower() if words else "", []).append(text)
        self.codes = codes
        self.snake_codes = {c for c in codes if "_" in c}

    def strip_content(self, segment: str) -> str:
        candidates = list(self.index.get("", ()))  # texts without a word ("12.500 m²")
        for word in {w.lower() for w in _WORD.findall(segment)}:
            candidates.extend(self.index.get(word, ()))
        shortened = segment.endswith("…") and segment[:-1].rstrip()
        for text in sorted(candidates, key=len, reverse=True):
            if text in segment:
                segment = segment.replace(text, " ")
            elif shortened and text.startswith(shortened):  # truncatechars
                segment = " "
        return segment

    def problems(self, segments: list[str], typed: tuple[str, ...] = ()) -> list[str]:
        """``typed``: what the visitor typed into the page's address (a search word)."""
        found = []
        for raw in segments:
            segment = self.strip_content(raw)
            for text in typed:
                if len(text) >= 3:
                    segment = segment.replace(text, " ")
            segment = _URL.sub(" ", segment).strip()
            if not segment:
                continue
            if segment in self.codes:
                found.append(f"raw code {segment!r} in {raw!r}")
            for code in _SNAKE.findall(segment):
                found.append(f"raw code {code!r} in {raw!r}")
            for match in GERMAN_DATE.findall(segment):
                found.append(f"German date {match!r} in {raw!r}")
            for match in US_DATE.findall(segment):
                found.append(f"American date {match!r} in {raw!r}")
            for match in GERMAN_NUMBER.findall(segment):
                found.append(f"German number {match!r} in {raw!r}")
            for word in _WORD.findall(segment):
                for part in word.split("-"):
                    if part.lower() in GERMAN or _UMLAUT.search(part):
                        found.append(f"German word {part!r} in {raw!r}")
        return found
