"""Partner maps: reading their feeds, mapping their categories and tags, pulling them on schedule,
and the GoGoCarto export of our published places.

Each reader turns a partner's file into the records `places/exchange.py` plans and applies (our
feed's fields), with the partner's ID as `id`, its version as `version` where it keeps one, and
its categories and tags under `partner_categories` / `partner_tags` until `apply_mapping` turns
them into our fields, types, offers and tags. Formats:

- Karte von morgen: a list of OpenFairDB entries (`GET /v0/entries/<ids>`: id, version, title,
  description, lat, lng, street, zip, city, email, telephone, homepage, opening_hours,
  categories as IDs, tags, license), or its CSV export of entries (`/v0/export/entries.csv`:
  id, created_at, version, title, …, contact_email, contact_phone, categories, tags, license).
- GoGoCarto: the JSON export (`/api/elements.json`: `data` of elements with id, name,
  geo.latitude/longitude, address.streetAddress/postalCode/addressLocality, categories, …,
  updatedAt) and the CSV export (the same fields as columns).

CSV files are read by `core.tabular.readers` (encoding, delimiter and header row as for every
upload).
- schema.org Place / LocalBusiness (and subtypes) as JSON-LD: one object, a list or `@graph`.

Our export for partner maps is GoGoCarto's JSON (`gogocarto_feed`): a GoGoCarto map takes in a
JSON URL as an external source and refreshes it itself, so the Netzwerk Zukunftsorte map can pull
our places; Karte von morgen only takes writes through its authenticated API.
"""

import html
import json
import os
import re
import tempfile
from dataclasses import dataclass, field

import nh3
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from standortlotse.core import fetch
from standortlotse.core.tabular import readers
from standortlotse.core.textsearch import fold
from standortlotse.places import exchange
from standortlotse.places.models import (
    ATTRIBUTE_GROUPS,
    FeedFormat,
    FeedRun,
    PartnerFeed,
)

KVM_INITIATIVE = "2cd00bebec0c48ba9db761da48678134"
KVM_COMPANY = "77b3c33a92554bcf8e8c2c86cedd6f6f"
KVM_EVENT = "c2dc278a2d6a4b9b8a50cb606fc017ed"

# What the partners' opaque category IDs mean (shown beside them in the mapping table).
WORD_LABELS = {
    KVM_INITIATIVE: gettext_lazy("Karte von morgen: initiative (non-profit)"),
    KVM_COMPANY: gettext_lazy("Karte von morgen: company"),
    KVM_EVENT: gettext_lazy("Karte von morgen: event"),
}

TARGETS = {"fields": "field", "types": "type", "offers": "offer", "tags": None}
SECTIONS = ("categories", "tags", "default")


def _to(fields=(), types=(), offers=(), tags=()) -> dict:
    target = {"fields": list(fields), "types": list(types), "offers": list(offers)}
    if tags:
        target["tags"] = list(tags)
    return {k: v for k, v in target.items() if v}


# Words partner maps use for the kinds of place we list (German, English, French: GoGoCarto maps
# are often French). Keys are compared folded (case, accents, punctuation do not matter).
COMMON_WORDS = {
    "coworking": _to(["work"], ["coworking"], ["desks"]),
    "co-working": _to(["work"], ["coworking"], ["desks"]),
    "coworking-space": _to(["work"], ["coworking"], ["desks"]),
    "coliving": _to(["housing"], ["coliving"]),
    "co-living": _to(["housing"], ["coliving"]),
    "wohnprojekt": _to(["housing"], ["coliving"]),
    "gemeinschaftliches wohnen": _to(["housing"], ["coliving"]),
    "habitat partage": _to(["housing"], ["coliving"]),
    "probewohnen": _to(["housing"], ["coliving"], ["trial_living"]),
    "makerspace": _to(["work"], ["maker_space"], ["workshop"]),
    "maker space": _to(["work"], ["maker_space"], ["workshop"]),
    "fablab": _to(["work"], ["maker_space"], ["workshop"]),
    "offene werkstatt": _to(["work"], ["maker_space"], ["workshop"]),
    "repaircafe": _to(["life"], ["maker_space"], ["workshop"]),
    "repair cafe": _to(["life"], ["maker_space"], ["workshop"]),
    "kreativort": _to(["work"], ["creative_hub"]),
    "kreativzentrum": _to(["work"], ["creative_hub"]),
    "tiers-lieu": _to(["work"], ["creative_hub"]),
    "tiers lieu": _to(["work"], ["creative_hub"]),
    "zukunftsort": _to(["work"], ["creative_hub"]),
    "kultur": _to(["life"], ["culture"], ["events"]),
    "kulturzentrum": _to(["life"], ["culture"], ["events"]),
    "culture": _to(["life"], ["culture"], ["events"]),
    "dorfladen": _to(["life"], ["village_shop"]),
    "dorftreff": _to(["life"], ["village_shop"], ["cafe"]),
    "epicerie": _to(["life"], ["village_shop"]),
    "cafe": _to(["life"], offers=["cafe"]),
    "café associatif": _to(["life"], ["village_shop"], ["cafe"]),
    "grunderzentrum": _to(["work"], ["founders_hub"], ["advice"]),
    "gruenderzentrum": _to(["work"], ["founders_hub"], ["advice"]),
    "startup": _to(["work"], ["founders_hub"]),
    "workation": _to(["life"], ["work_from_country"]),
    "landurlaub": _to(["life"], ["work_from_country"]),
    "residenz": _to(["life"], ["culture"], ["residencies"]),
    "kuenstlerresidenz": _to(["life"], ["culture"], ["residencies"]),
    "atelier": _to(["work"], ["creative_hub"], ["rooms"]),
    "veranstaltungen": _to(offers=["events"]),
    "beratung": _to(offers=["advice"]),
}

DEFAULT_MAPPINGS = {
    FeedFormat.KVM: {
        # Karte von morgen's three categories say little about the kind of place; its tags do.
        "categories": {
            KVM_INITIATIVE: {},
            KVM_COMPANY: _to(["work"]),
            KVM_EVENT: _to(offers=["events"]),
        },
        "tags": COMMON_WORDS,
        "default": _to(["life"], ["other"]),
    },
    FeedFormat.GOGOCARTO: {
        "categories": COMMON_WORDS,
        "tags": COMMON_WORDS,
        "default": _to(["life"], ["other"]),
    },
}
DEFAULT_MAPPINGS[FeedFormat.KVM_CSV] = {
    **DEFAULT_MAPPINGS[FeedFormat.KVM],
    # older OpenFairDB servers name the three categories instead of giving their IDs
    "categories": {
        **DEFAULT_MAPPINGS[FeedFormat.KVM]["categories"],
        "non-profit": {},
        "commercial": _to(["work"]),
        "event": _to(offers=["events"]),
    },
}
DEFAULT_MAPPINGS[FeedFormat.GOGOCARTO_CSV] = DEFAULT_MAPPINGS[FeedFormat.GOGOCARTO]
DEFAULT_MAPPINGS[FeedFormat.JSONLD] = DEFAULT_MAPPINGS[FeedFormat.GOGOCARTO]


def default_mapping(format: str) -> dict:
    return DEFAULT_MAPPINGS.get(format, {})


# --- the mapping's shape -----------------------------------------------------------------------


def mapping_errors(mapping) -> list[str]:
    """What is wrong with a mapping, each message naming the key and listing what is accepted."""
    if mapping in (None, ""):
        return []
    if not isinstance(mapping, dict):
        return [_("The mapping must be a JSON object with the keys categories, tags, default.")]
    errors = []
    for section, entries in mapping.items():
        if section not in SECTIONS:
            errors.append(
                _('Unknown key "%(key)s" in the mapping. Accepted: %(accepted)s.')
                % {"key": section, "accepted": ", ".join(SECTIONS)}
            )
            continue
        targets = {"": entries} if section == "default" else entries
        if not isinstance(targets, dict):
            errors.append(
                _("%(section)s: must be a JSON object (partner word → target).")
                % {"section": section}
            )
            continue
        for word, target in targets.items():
            where = f"{section} › {word}" if word else section
            errors.extend(_target_errors(where, target))
    return errors


def _target_errors(where: str, target) -> list[str]:
    if not isinstance(target, dict):
        return [_("%(where)s: must be a JSON object.") % {"where": where}]
    errors = []
    for key, chosen in target.items():
        if key not in TARGETS:
            errors.append(
                _('%(where)s: unknown key "%(key)s". Accepted: %(accepted)s.')
                % {"where": where, "key": key, "accepted": ", ".join(TARGETS)}
            )
            continue
        if not isinstance(chosen, list) or not all(isinstance(v, str) for v in chosen):
            errors.append(
                _("%(where)s › %(key)s: must be a list of texts.") % {"where": where, "key": key}
            )
            continue
        group = TARGETS[key]
        if group is None:
            continue
        allowed = list(ATTRIBUTE_GROUPS[group].values)
        for value in chosen:
            if value not in allowed:
                errors.append(
                    _('%(where)s › %(key)s: unknown value "%(value)s". Accepted: %(accepted)s.')
                    % {"where": where, "key": key, "value": value, "accepted": ", ".join(allowed)}
                )
    return errors


def normal_mapping(mapping: dict) -> dict:
    """A mapping in one form for comparing: words folded, empty lists dropped, values sorted."""

    def target(t):
        return {k: sorted(v) for k, v in (t or {}).items() if v}

    return {
        "categories": {_key(w): target(t) for w, t in (mapping.get("categories") or {}).items()},
        "tags": {_key(w): target(t) for w, t in (mapping.get("tags") or {}).items()},
        "default": target(mapping.get("default")),
    }


def is_default_mapping(mapping: dict, format: str) -> bool:
    return normal_mapping(mapping) == normal_mapping(default_mapping(format))


# --- applying the mapping ----------------------------------------------------------------------


@dataclass
class Mapped:
    records: list[dict]
    unmapped_categories: list[str] = field(default_factory=list)


def _key(word) -> str:
    return fold(str(word), letters_only=False).strip()


OWN_WORD = re.compile(r"^(field|type|offer):([a-z_]+)$")


def apply_mapping(records: list[dict], mapping: dict) -> Mapped:
    """Our fields, types, offers and tags from each record's partner categories and tags.
    A partner tag no mapping names stays a tag; a category no mapping names is listed (and
    dropped). Our own words ("type:coworking", as our export writes them) map to themselves."""
    categories = {_key(k): v for k, v in (mapping.get("categories") or {}).items()}
    tags = {_key(k): v for k, v in (mapping.get("tags") or {}).items()}
    default = mapping.get("default") or {}
    unmapped: dict[str, None] = {}
    for record in records:
        if "partner_categories" not in record and "partner_tags" not in record:
            continue  # our own format: already in our words
        chosen: dict[str, list[str]] = {"fields": [], "types": [], "offers": [], "tags": []}
        own_tags = []
        hit = False
        for word in record.pop("partner_categories", []):
            target = _own(word) or categories.get(_key(word))
            if target is None:
                unmapped[str(word)] = None
                continue
            hit = hit or any(target.get(k) for k in ("fields", "types", "offers"))
            _add(chosen, target)
        for word in record.pop("partner_tags", []):
            target = _own(word) or tags.get(_key(word))
            if target is not None:
                hit = hit or any(target.get(k) for k in ("fields", "types", "offers"))
                _add(chosen, target)
            own_tags.append(str(word).lstrip("#").strip())
        if not hit:
            _add(chosen, default)
        if not chosen["fields"] and chosen["types"]:
            _add(chosen, default, only="fields")
        record["fields"] = sorted(set(chosen["fields"]))
        record["types"] = sorted(set(chosen["types"]))
        record["offers"] = sorted(set(chosen["offers"]))
        record["tags"] = _fitting_tags(own_tags + chosen["tags"])
    return Mapped(records, sorted(unmapped))


def _own(word) -> dict | None:
    match = OWN_WORD.match(str(word))
    if match and match.group(2) in ATTRIBUTE_GROUPS[match.group(1)].values:
        return {match.group(1) + "s": [match.group(2)]}
    return None


def _add(chosen: dict, target: dict, only: str | None = None) -> None:
    for key in TARGETS:
        if only is None or key == only:
            chosen[key].extend(target.get(key) or [])


def _fitting_tags(words: list[str]) -> list[str]:
    """Distinct tags, in order, as many as fit into the place's tag field (300 characters)."""
    kept: list[str] = []
    seen = set()
    for word in words:
        word = word.replace(",", " ").strip()
        if not word or word.lower() in seen or OWN_WORD.match(word):
            continue
        if len(", ".join([*kept, word])) > 300:
            break
        seen.add(word.lower())
        kept.append(word)
    return kept


# --- readers -----------------------------------------------------------------------------------


class FormatRefused(ValueError):
    pass


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value if v)
    return str(value).strip()


def _story(text: str) -> str:
    """A partner's plain-text description as the story's HTML (paragraphs, escaped)."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


def _pitch(text: str, name: str) -> str:
    """The first sentence of the description (at most 200 characters), else the name."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text:
        return name[:200]
    sentence = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return sentence if len(sentence) <= 200 else sentence[:199].rsplit(" ", 1)[0] + "…"


def _words(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [w.strip() for w in re.split(r"[,;]", value) if w.strip()]
    if isinstance(value, list):
        words = []
        for item in value:
            if isinstance(item, dict):
                own = str(item.get("id") or "")
                item = own if OWN_WORD.match(own) else item.get("name") or own
            words.extend(_words(item) if isinstance(item, str) else [str(item)])
        return words
    return [str(value)]


def _record(
    *,
    id,
    name,
    description="",
    more="",
    lat=None,
    lon=None,
    street="",
    postcode="",
    locality="",
    email="",
    phone="",
    website="",
    opening="",
    contact="",
    categories=(),
    tags=(),
    version="",
    licence="",
    social=(),
) -> dict:
    name = _text(name)
    description = _text(description)
    record = {
        "id": _text(id),
        "name": name,
        "pitch": _pitch(description, name),
        "story": _story("\n\n".join(t for t in (description, _text(more)) if t)),
        "street": _text(street),
        "postcode": _text(postcode),
        "locality": _text(locality),
        "opening_info": _text(opening)[:300],
        "website": _text(website),
        "contact_name": _text(contact),
        "contact_email": _text(email).removeprefix("mailto:"),
        "contact_phone": _text(phone),
        "lat": lat,
        "lon": lon,
        "social_links": [s for s in social if s],
        "partner_categories": _words(categories),
        "partner_tags": _words(tags),
        "version": _text(version),
        "municipality_ags": "",
    }
    if licence:
        record["licence"] = _text(licence)
    return record


def read_kvm(data) -> list[dict]:
    entries = data.get("entries") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise FormatRefused(_("A Karte von morgen export is a list of entries."))
    return [
        _record(
            id=e.get("id"),
            name=e.get("title"),
            description=e.get("description"),
            lat=e.get("lat"),
            lon=e.get("lng"),
            street=e.get("street"),
            postcode=e.get("zip"),
            locality=e.get("city"),
            email=e.get("email"),
            phone=e.get("telephone"),
            website=e.get("homepage"),
            opening=e.get("opening_hours"),
            contact=e.get("contact_name"),
            categories=e.get("categories") or [],
            tags=e.get("tags") or [],
            version=e.get("version"),
            licence=e.get("license"),
            social=[link.get("url") for link in e.get("custom") or [] if isinstance(link, dict)],
        )
        for e in entries
        if isinstance(e, dict)
    ]


def read_gogocarto(data) -> list[dict]:
    elements = data.get("data") if isinstance(data, dict) else data
    if not isinstance(elements, list):
        raise FormatRefused(_("A GoGoCarto export carries its elements in the list data."))
    return [_gogocarto_element(e) for e in elements if isinstance(e, dict)]


def _gogocarto_element(e: dict) -> dict:
    geo = e.get("geo") or {}
    address = e.get("address") or {}
    if isinstance(address, str):
        address = {"customFormatedAddress": address}
    categories = e.get("categoriesFull") or e.get("categories") or e.get("taxonomy") or []
    return _record(
        id=e.get("id"),
        name=e.get("name") or e.get("title"),
        description=e.get("description"),
        more=e.get("descriptionMore"),
        lat=geo.get("latitude", e.get("latitude", e.get("lat"))),
        lon=geo.get("longitude", e.get("longitude", e.get("lng", e.get("long")))),
        street=address.get("streetAddress") or e.get("streetAddress"),
        postcode=address.get("postalCode") or e.get("postalCode"),
        locality=address.get("addressLocality") or e.get("addressLocality"),
        email=e.get("email"),
        phone=e.get("telephone"),
        website=e.get("website"),
        opening=e.get("openHoursString"),
        categories=categories,
        tags=e.get("tags") or [],
        version=e.get("updatedAt") or e.get("version"),
        licence=e.get("licence"),
    )


GOGOCARTO_COLUMNS = {
    "geo.latitude": "latitude",
    "geo.longitude": "longitude",
    "lat": "latitude",
    "lng": "longitude",
    "long": "longitude",
    "address.streetaddress": "streetAddress",
    "address.postalcode": "postalCode",
    "address.addresslocality": "addressLocality",
    "streetaddress": "streetAddress",
    "postalcode": "postalCode",
    "addresslocality": "addressLocality",
    "updatedat": "updatedAt",
    "openhoursstring": "openHoursString",
    "categoriesfull": "categories",
}


def _csv_rows(raw: bytes, columns) -> list[dict]:
    """The rows of a partner's CSV file as {column: text}, read by core.tabular.readers (encoding
    UTF-8 or Windows-1252, delimiter sniffed, header row found among the first rows)."""
    known = {fold(c) for c in columns}
    with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
        handle.write(raw)
        handle.flush()
        try:
            table = readers.read_csv(handle.name, known)
            return [
                {
                    **{
                        header.strip(): "" if value is None else str(value).strip()
                        for header, value in row.cells.items()
                    },
                    readers.LINE: row.number,  # the line of the file (readers.line_of)
                }
                for row in table.rows()
            ]
        except readers.Refused as refused:
            raise FormatRefused(str(refused)) from None


def read_gogocarto_csv(raw: bytes) -> list[dict]:
    elements = []
    for row in _csv_rows(raw, ["id", "name", "categories", *GOGOCARTO_COLUMNS]):
        element = {GOGOCARTO_COLUMNS.get(key.lower(), key): value for key, value in row.items()}
        for number in ("latitude", "longitude"):
            if element.get(number):
                element[number] = element[number].replace(",", ".")
        elements.append(element)
    return [_lined(_gogocarto_element(e), e) for e in elements]


def _lined(record: dict, row: dict) -> dict:
    """``record`` with the line of the file ``row`` was read from (``readers.LINE``)."""
    if readers.LINE in row:
        record[readers.LINE] = row[readers.LINE]
    return record


# The columns of OpenFairDB's CSV export of entries (`GET /v0/export/entries.csv`), as its
# CsvRecord writes them: comma separated, UTF-8, categories as IDs and tags each joined by ",".
# Older servers wrote created, email and telephone instead of created_at, contact_email and
# contact_phone, and categories by their names; both are read.
KVM_CSV_COLUMNS = (
    "id",
    "created_at",
    "created_by",
    "version",
    "title",
    "description",
    "lat",
    "lng",
    "street",
    "zip",
    "city",
    "country",
    "state",
    "homepage",
    "contact_name",
    "contact_email",
    "contact_phone",
    "opening_hours",
    "founded_on",
    "categories",
    "tags",
    "license",
    "image_url",
    "image_link_url",
    "avg_rating",
)
KVM_CSV_ALIASES = {"email": "contact_email", "telephone": "contact_phone", "created": "created_at"}


def read_kvm_csv(raw: bytes) -> list[dict]:
    records = []
    for row in _csv_rows(raw, KVM_CSV_COLUMNS):
        e = {KVM_CSV_ALIASES.get(key.lower(), key.lower()): value for key, value in row.items()}
        if not e.get("id") and not e.get("title"):
            continue
        records.append(
            _lined(
                _record(
                    id=e.get("id"),
                    name=e.get("title"),
                    description=e.get("description"),
                    lat=(e.get("lat") or "").replace(",", ".") or None,
                    lon=(e.get("lng") or "").replace(",", ".") or None,
                    street=e.get("street"),
                    postcode=e.get("zip"),
                    locality=e.get("city"),
                    email=e.get("contact_email"),
                    phone=e.get("contact_phone"),
                    website=e.get("homepage"),
                    opening=e.get("opening_hours"),
                    contact=e.get("contact_name"),
                    categories=e.get("categories") or "",
                    tags=e.get("tags") or "",
                    version=e.get("version"),
                    licence=e.get("license"),
                ),
                e,
            )
        )
    return records


def _is_kvm_csv(header: str) -> bool:
    words = {w.strip().strip('"').lower() for w in re.split(r"[,;\t]", header)}
    return {"id", "title", "lat", "lng"} <= words and ("version" in words or "tags" in words)


PLACE_TYPES = {
    "place",
    "localbusiness",
    "organization",
    "touristattraction",
    "civicstructure",
    "coworkingspace",
}


def read_jsonld(data) -> list[dict]:
    if isinstance(data, dict):
        items = data.get("@graph") if isinstance(data.get("@graph"), list) else [data]
    elif isinstance(data, list):
        items = data
    else:
        raise FormatRefused(_("JSON-LD must be an object, a list of objects or an @graph."))
    records = []
    for item in items:
        if not isinstance(item, dict):
            continue
        types = item.get("@type") or []
        types = [types] if isinstance(types, str) else list(types)
        if not (item.get("geo") or item.get("address")) and not any(
            t.lower() in PLACE_TYPES for t in types
        ):
            continue
        geo = item.get("geo") or {}
        address = item.get("address") or {}
        if isinstance(address, str):
            address = {"streetAddress": address}
        additional = item.get("additionalType") or []
        categories = types + ([additional] if isinstance(additional, str) else list(additional))
        same_as = item.get("sameAs") or []
        records.append(
            _record(
                id=item.get("@id") or item.get("identifier") or item.get("url"),
                name=item.get("name"),
                description=item.get("description"),
                lat=geo.get("latitude"),
                lon=geo.get("longitude"),
                street=address.get("streetAddress"),
                postcode=address.get("postalCode"),
                locality=address.get("addressLocality"),
                email=item.get("email"),
                phone=item.get("telephone"),
                website=item.get("url"),
                opening=item.get("openingHours"),
                categories=categories,
                tags=_words(item.get("keywords")),
                version=item.get("dateModified") or item.get("version"),
                licence=item.get("license"),
                social=[same_as] if isinstance(same_as, str) else same_as,
            )
        )
    return records


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def recognised(raw: bytes, filename: str = "") -> str | None:
    """The format the content shows, or None when it shows none (the file name only tells CSV
    from the rest). Our own feed is recognised by its shape (``places`` or a FeatureCollection,
    the CSV template's ``municipality_ags``) and a spreadsheet or GIS file is always ours."""
    head = raw.lstrip()[:1]
    if raw.startswith((b"PK\x03\x04", b"SQLite format 3\x00")):
        return FeedFormat.STANDORTLOTSE
    if head not in (b"{", b"["):
        if filename.lower().endswith(".csv") or b"," in raw[:2000] or b";" in raw[:2000]:
            # The header may follow title rows (as the readers find it): the first line that
            # shows a format decides.
            lines = _decode(raw[:4000]).lstrip("\ufeff").splitlines() if raw else []
            for header in (line.lower() for line in lines[: readers.HEADER_SEARCH_ROWS]):
                if _is_kvm_csv(header):
                    return FeedFormat.KVM_CSV
                if "municipality_ags" in header:
                    return FeedFormat.STANDORTLOTSE
                if "geo.latitude" in header or "latitude" in header:
                    return FeedFormat.GOGOCARTO_CSV
        return None
    try:
        data = json.loads(_decode(raw))
    except json.JSONDecodeError:
        return None
    return _detect_json(data)


def detect(raw: bytes, filename: str = "") -> str:
    """The format of a feed from its content; our own feed when it shows none (exchange.parse
    then names what is wrong with the file)."""
    return recognised(raw, filename) or FeedFormat.STANDORTLOTSE


PARTNERS = {
    FeedFormat.KVM: "kvm",
    FeedFormat.KVM_CSV: "kvm",
    FeedFormat.GOGOCARTO: "gogocarto",
    FeedFormat.GOGOCARTO_CSV: "gogocarto",
}


def choose_format(
    raw: bytes, filename: str, chosen: str = FeedFormat.AUTO, fallback: str = FeedFormat.AUTO
) -> tuple[str, str]:
    """(format, note) of a file: the chosen format; with "detect from the content", the format
    the content shows, and the partner feed's format (``fallback``) only when it shows none. When
    the content shows another partner's format than the feed's, the note says so (the file is
    read as what it is); the same partner's JSON for its CSV (or back) needs no note."""
    if chosen and chosen != FeedFormat.AUTO:
        return chosen, ""
    found = recognised(raw, filename)
    if found is None:
        if fallback and fallback != FeedFormat.AUTO:
            return fallback, ""
        return FeedFormat.STANDORTLOTSE, ""
    if not fallback or fallback == FeedFormat.AUTO or found == fallback:
        return found, ""
    if PARTNERS.get(found, found) == PARTNERS.get(fallback, fallback):
        return found, ""
    note = _(
        "The file is in the format “%(found)s”, not in the partner feed's format “%(feed)s”; "
        "it was read as %(found)s. Check that it is the right partner's file."
    ) % {"found": FeedFormat(found).label, "feed": FeedFormat(fallback).label}
    return found, note


def _detect_json(data) -> str | None:
    first = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else None
    if isinstance(data, dict):
        if "@context" in data or "@graph" in data or "@type" in data:
            return FeedFormat.JSONLD
        if isinstance(data.get("data"), list):
            return FeedFormat.GOGOCARTO
        if isinstance(data.get("entries"), list):
            return FeedFormat.KVM
        if isinstance(data.get("places"), list) or data.get("type") == "FeatureCollection":
            return FeedFormat.STANDORTLOTSE
        return None
    if first is not None:
        if "@type" in first or "@context" in first:
            return FeedFormat.JSONLD
        if "title" in first and "lng" in first:
            return FeedFormat.KVM
        if "geo" in first or "name" in first:
            return FeedFormat.GOGOCARTO
    return None


def _json_data(raw: bytes):
    """The parsed JSON; FormatRefused naming the line and column (not the parser's English)."""
    try:
        return json.loads(_decode(raw))
    except json.JSONDecodeError as error:
        raise FormatRefused(
            _("The file is not valid JSON (line %(line)d, column %(column)d).")
            % {"line": error.lineno, "column": error.colno}
        ) from None


SPREADSHEET_SUFFIXES = (".xlsx", ".gpkg", ".zip")


def _check_kind(raw: bytes, filename: str) -> None:
    """A file whose name says spreadsheet or GIS file must be one (core.tabular.readers.sniff:
    "is called .xlsx but its content is not Excel"), whatever format was chosen."""
    from django.core.exceptions import ValidationError

    suffix = os.path.splitext(filename.lower())[1]
    if suffix not in SPREADSHEET_SUFFIXES:
        return
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        handle.write(raw)
        handle.flush()
        try:
            readers.sniff(handle.name, filename)
        except readers.Refused as refused:
            raise ValidationError(str(refused)) from None


def read(raw: bytes, filename: str, format: str = FeedFormat.AUTO) -> tuple[list[dict], str]:
    """(records, format) from a partner's file; raises django's ValidationError with a message
    for users when the file cannot be read in that format."""
    from django.core.exceptions import ValidationError

    _check_kind(raw, filename)
    if format in (FeedFormat.AUTO, FeedFormat.STANDORTLOTSE):
        if raw.lstrip()[:1] in (b"{", b"["):
            try:
                _json_data(raw)
            except FormatRefused as refused:
                raise ValidationError(str(refused)) from None
    if format == FeedFormat.AUTO:
        format = detect(raw, filename)
    if format == FeedFormat.STANDORTLOTSE:
        return exchange.parse(raw, filename), format
    try:
        if format == FeedFormat.GOGOCARTO_CSV:
            return read_gogocarto_csv(raw), format
        if format == FeedFormat.KVM_CSV:
            return read_kvm_csv(raw), format
        data = _json_data(raw)
        reader = {
            FeedFormat.KVM: read_kvm,
            FeedFormat.GOGOCARTO: read_gogocarto,
            FeedFormat.JSONLD: read_jsonld,
        }[format]
        return reader(data), format
    except FormatRefused as refused:
        label = FeedFormat(format).label
        raise ValidationError(
            _("%(format)s: %(message)s") % {"format": label, "message": refused}
        ) from None


def mapping_for(feed: PartnerFeed | None, format: str) -> dict:
    if feed is not None and feed.mapping:
        return feed.mapping
    return default_mapping(format)


def read_and_map(
    raw: bytes, filename: str, format: str, feed: PartnerFeed | None = None
) -> tuple[Mapped, str]:
    records, format = read(raw, filename, format)
    return apply_mapping(records, mapping_for(feed, format)), format


# --- runs --------------------------------------------------------------------------------------


def record_run(
    feed: PartnerFeed, counts: dict, http_status=None, message="", unmapped=()
) -> FeedRun:
    """Log one pull or upload; `unmapped` are the partner's categories no mapping named (the
    feed's form offers them as new rows)."""
    return FeedRun.objects.create(
        feed=feed,
        http_status=http_status,
        new=counts.get("new", 0),
        updated=counts.get("update", 0),
        unchanged=counts.get("unchanged", 0),
        conflicts=counts.get("conflict", 0),
        errors=counts.get("error", 0),
        message=message,
        unmapped_categories=list(unmapped),
    )


def pull(feed: PartnerFeed) -> FeedRun:
    """Fetch a feed (conditionally), plan and apply it, and log the run: without a preview (that
    is the point of a scheduled feed), but with the same planner and writer as an upload through
    the import pipeline (``places/importing.py``): the same record rules, and a partner version
    that already waits for review as a conflict is not raised again."""
    from django.core.exceptions import ValidationError

    try:
        fetched = fetch.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
    except fetch.FetchRefused as refused:
        return record_run(feed, {}, message=str(refused))
    if fetched.status == 304:
        return record_run(feed, {}, http_status=304, message=_("Not changed since the last run."))
    filename = fetched.url.rsplit("/", 1)[-1].split("?")[0] or "feed"
    format, note = choose_format(fetched.body, filename, fallback=feed.format)
    try:
        mapped, format = read_and_map(fetched.body, filename, format, feed)
    except ValidationError as error:
        return record_run(feed, {}, http_status=fetched.status, message=" ".join(error.messages))
    with transaction.atomic():
        rows = exchange.plan(mapped.records, feed.name, feed.region)
        counts = exchange.apply(rows, feed.name, feed.region, None)
        feed.etag, feed.last_modified = fetched.etag, fetched.last_modified
        feed.save(update_fields=["etag", "last_modified"])
        message = note
        if mapped.unmapped_categories:
            message = " ".join(
                m
                for m in (
                    note,
                    _("Categories without mapping: %(names)s")
                    % {"names": ", ".join(mapped.unmapped_categories)},
                )
                if m
            )
        return record_run(
            feed,
            counts,
            http_status=fetched.status,
            message=message,
            unmapped=mapped.unmapped_categories,
        )


def pull_all() -> list[FeedRun]:
    return [pull(feed) for feed in PartnerFeed.objects.filter(active=True).exclude(url="")]


# --- our places for partner maps ---------------------------------------------------------------


def gogocarto_feed(places) -> dict:
    """Published places as a GoGoCarto JSON source (`data` of elements, the gogofull shape)."""
    site = settings.SITE_URL.rstrip("/")
    elements = []
    for place in places:
        words = [
            (f"{group}:{value}", label)
            for group in ("field", "type", "offer")
            for value, label in zip(place.values_of(group), place.labels_of(group), strict=True)
        ]
        elements.append(
            {
                "id": str(place.uid),
                "name": place.name,
                "geo": {"latitude": round(place.lat, 6), "longitude": round(place.lon, 6)},
                "address": {
                    "streetAddress": place.street,
                    "postalCode": place.postcode,
                    "addressLocality": place.locality or place.municipality.name,
                    "addressCountry": "DE",
                },
                "categories": [label for _word, label in words],
                "categoriesFull": [{"id": word, "name": label} for word, label in words],
                "tags": place.tag_list(),
                "description": place.pitch,
                "descriptionMore": html.unescape(nh3.clean(place.story or "", tags=set())),
                "email": place.contact_email,
                "telephone": place.contact_phone,
                "website": place.website,
                "openHoursString": place.opening_info,
                "url": site + place.get_absolute_url(),
                "updatedAt": place.updated_at.isoformat(),
                "licence": place.licence,
            }
        )
    return {
        "licence": "CC-BY-4.0",
        "attribution": settings.SITE_NAME,
        "ontology": "gogofull",
        "generated_at": timezone.now().isoformat(),
        "data": elements,
    }
