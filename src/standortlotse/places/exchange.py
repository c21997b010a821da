"""Exchanging places with partner networks: the open feed format and its import.

One record format serves the JSON feed, the GeoJSON feed (as feature properties) and the CSV
template (lists joined by ';'). Imports match by (source, external ID), preview first, and never
overwrite a local edit: when both sides changed, the incoming record is kept as a conflict.
"""

import copy
import csv
import hashlib
import io
import json
import os
import tempfile
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from standortlotse.accounts import policy
from standortlotse.core.fields import concrete_field
from standortlotse.core.sanitize import clean_html
from standortlotse.core.spreadsheet import safe_cell
from standortlotse.core.tabular import readers, values
from standortlotse.core.tabular.coordinates import distance_km
from standortlotse.core.textsearch import fold
from standortlotse.core.validators import validate_web_url
from standortlotse.geo.models import Municipality
from standortlotse.places.models import (
    ATTRIBUTE_GROUPS,
    ImportConflict,
    Place,
    PlaceAttribute,
    Status,
    Transition,
)

FORMAT_VERSION = "standortlotse-places/1"
TEXT_FIELDS = [
    "name",
    "pitch",
    "story",
    "street",
    "postcode",
    "locality",
    "opening_info",
    "website",
    "contact_name",
    "contact_email",
    "contact_phone",
    "former_use",
    "languages",
    "accessibility",
]
LIST_FIELDS = ["fields", "types", "offers", "social_links", "tags"]
CSV_COLUMNS = (
    ["id", "municipality_ags", "lat", "lon"] + TEXT_FIELDS + LIST_FIELDS + ["licence", "updated_at"]
)
GROUP_OF = {"fields": "field", "types": "type", "offers": "offer"}


def content_of(place: Place) -> dict:
    """The exchanged content of a place (what an import compares and writes)."""
    data = {name: getattr(place, name) for name in TEXT_FIELDS}
    data.update(
        {
            "municipality_ags": place.municipality.ags,
            "lat": round(place.lat, 6),
            "lon": round(place.lon, 6),
            "fields": place.values_of("field"),
            "types": place.values_of("type"),
            "offers": place.values_of("offer"),
            "social_links": place.social_link_list(),
            "tags": place.tag_list(),
        }
    )
    return data


def record_of(place: Place, request=None) -> dict:
    record = {"id": str(place.uid), **content_of(place)}
    record["licence"] = place.licence
    record["updated_at"] = place.updated_at.isoformat()
    record["url"] = settings.SITE_URL.rstrip("/") + place.get_absolute_url()
    record["region"] = place.region.slug
    record["verified_on"] = place.verified_on.isoformat() if place.verified_on else None
    record["photos"] = [
        {"url": settings.SITE_URL.rstrip("/") + p.image.url, "alt": p.alt_text, "credit": p.credit}
        for p in place.photos.all()
    ]
    return record


def json_feed(places) -> dict:
    return {
        "format": FORMAT_VERSION,
        "generated_at": timezone.now().isoformat(),
        "licence": "CC-BY-4.0",
        "attribution": settings.SITE_NAME,
        "places": [record_of(p) for p in places],
    }


def geojson_feed(places) -> dict:
    features = []
    for place in places:
        record = record_of(place)
        features.append(
            {
                "type": "Feature",
                "id": record["id"],
                "geometry": {
                    "type": "Point",
                    "coordinates": [record.pop("lon"), record.pop("lat")],
                },
                "properties": record,
            }
        )
    return {
        "type": "FeatureCollection",
        "format": FORMAT_VERSION,
        "licence": "CC-BY-4.0",
        "features": features,
    }


def csv_template(places=()) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for place in places:
        record = record_of(place)
        for name in LIST_FIELDS:
            record[name] = ";".join(record[name])
        writer.writerow({k: safe_cell(v) for k, v in record.items()})
    return out.getvalue()


# --- parsing ---------------------------------------------------------------------------------


def parse(raw: bytes, filename: str) -> list[dict]:
    """Records from a JSON feed, or any file the bulk import reads (CSV, XLSX, GeoJSON,
    GeoPackage, zipped Shapefile), checked by the same hostile-file rules."""
    suffix = os.path.splitext(filename.lower())[1]
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        handle.write(raw)
        handle.flush()
        try:
            kind = readers.sniff(handle.name, filename)
            if kind == "geojson":
                data = _json(raw)
                if isinstance(data, dict) and isinstance(data.get("places"), list):
                    return data["places"]
            table = readers.open_table(handle.name, filename, set(TEXT_FIELDS) | set(LIST_FIELDS))
            return [_record(row) for row in table.rows()]
        except readers.Refused as refused:
            raise ValidationError(str(refused)) from None


def _json(raw: bytes):
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError(
            _("The file is neither valid JSON nor CSV (%(error)s).") % {"error": str(error)}
        ) from None


def _record(row) -> dict:
    record = {}
    for key, value in row.cells.items():
        if value is None:
            value = ""
        if key in LIST_FIELDS:
            value = (
                json.loads(value)
                if isinstance(value, str) and value.startswith("[")
                else [x.strip() for x in str(value).split(";") if x.strip()]
            )
        elif isinstance(value, str):
            value = values.text(value)  # also undoes the export's formula guard ("'=…")
        record[key.strip()] = value
    geometry = row.geometry or {}
    if geometry.get("type") == "Point":
        record["lon"], record["lat"] = geometry["coordinates"][:2]
    record.setdefault("id", record.get("id") or "")
    record[readers.LINE] = row.number  # the line of the file, for the preview and the report
    return record


# --- planning and applying -------------------------------------------------------------------


@dataclass
class Row:
    number: int
    action: str  # new, update, unchanged, conflict, error
    external_id: str
    name: str
    data: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    place: Place | None = None
    version: str = ""  # the partner's version of the record, if it keeps one
    licence: str = ""  # the partner's licence of the record (KvM's `license`), if it names one
    notes: list[str] = field(default_factory=list)


def _normalise(record: dict) -> tuple[dict, list[str]]:
    errors: list[str] = []
    data: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = record.get(name) or ""
        data[name] = str(value).strip()
    data["story"] = clean_html(data["story"])
    if not data["name"]:
        errors.append(_("name is missing"))
    try:
        data["lat"] = round(float(str(record.get("lat")).replace(",", ".")), 6)
        data["lon"] = round(float(str(record.get("lon")).replace(",", ".")), 6)
        if not (-90 <= data["lat"] <= 90 and -180 <= data["lon"] <= 180):
            raise ValueError
    except (TypeError, ValueError):
        errors.append(_("coordinates are missing or invalid"))
    data["municipality_ags"] = str(record.get("municipality_ags") or "").strip()
    for list_name in LIST_FIELDS:
        value = record.get(list_name) or []
        if isinstance(value, str):
            value = [x.strip() for x in value.split(";") if x.strip()]
        data[list_name] = (
            sorted(str(x).strip() for x in value if str(x).strip())
            if list_name in GROUP_OF
            else [str(x).strip() for x in value]
        )
    for list_name, group in GROUP_OF.items():
        allowed = set(ATTRIBUTE_GROUPS[group].values)
        unknown = [v for v in data[list_name] if v not in allowed]
        if unknown:
            errors.append(
                _("unknown %(name)s: %(values)s")
                % {"name": list_name, "values": ", ".join(unknown)}
            )
    if not data["fields"]:
        errors.append(_("at least one field is required"))
    errors.extend(field_errors(data))
    return data, errors


def _refusal(name: str, error: ValidationError) -> str:
    return _("%(field)s: %(message)s") % {
        "field": concrete_field(Place, name).verbose_name,
        "message": " ".join(error.messages),
    }


def field_errors(data: dict) -> list[str]:
    """The model's field rules (length, control and invisible characters, http(s) web addresses,
    email syntax) for an incoming record: a feed stores nothing the place form would refuse."""
    errors = []
    for name in TEXT_FIELDS:
        if data.get(name):
            try:
                concrete_field(Place, name).run_validators(data[name])
            except ValidationError as error:
                errors.append(_refusal(name, error))
    for link in data.get("social_links") or []:
        try:
            validate_web_url(link)
        except ValidationError as error:
            errors.append(_refusal("social_links", error))
    try:
        concrete_field(Place, "tags").run_validators(", ".join(data.get("tags") or []))
    except ValidationError as error:
        errors.append(_refusal("tags", error))
    return errors


def _assign(place: Place, data: dict, municipality) -> None:
    for name in TEXT_FIELDS:
        setattr(place, name, data[name])
    place.municipality = municipality
    place.lat, place.lon = data["lat"], data["lon"]
    place.social_links = "\n".join(data["social_links"])
    place.tags = ", ".join(data["tags"])


def record_rule_errors(place: Place | None, data: dict, municipality) -> list[str]:
    """The place as the record would leave it, checked by the model's record rules (the same
    as the forms and the admin); each message names the field. The stored place is not touched."""
    candidate = copy.copy(place) if place is not None else Place()
    _assign(candidate, data, municipality)
    return [
        _("%(field)s: %(message)s")
        % {"field": concrete_field(Place, name).verbose_name, "message": message}
        for name, messages in candidate.record_errors().items()
        for message in messages
    ]


def fingerprint(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


# A partner record without a municipality key lies in the municipality its locality names, or
# else in the nearest one whose centre is at most this far away.
NEAREST_MUNICIPALITY_KM = 15


def _by_name(municipalities: dict) -> dict[str, list[Municipality]]:
    by_name: dict[str, list[Municipality]] = {}
    for municipality in municipalities.values():
        by_name.setdefault(fold(municipality.name), []).append(municipality)
    return by_name


def _municipality_key(data: dict, municipalities: dict, by_name: dict) -> tuple[str, str]:
    """(AGS, note) for a record that names no municipality key (partner maps do not know it)."""
    if data["municipality_ags"]:
        return data["municipality_ags"], ""
    locality = fold(data.get("locality") or "")
    if locality in by_name and len(by_name[locality]) == 1:
        return by_name[locality][0].ags, ""
    if "lat" not in data or "lon" not in data or not municipalities:
        return "", ""
    nearest = min(
        municipalities.values(),
        key=lambda m: distance_km(data["lat"], data["lon"], m.lat, m.lon),
    )
    distance = distance_km(data["lat"], data["lon"], nearest.lat, nearest.lon)
    if distance > NEAREST_MUNICIPALITY_KM:
        return "", ""
    return nearest.ags, _(
        "municipality %(name)s chosen by position (%(km).1f km from its centre)"
    ) % {"name": nearest.name, "km": distance}


def _waiting(conflicts: list[ImportConflict], version: str, data: dict) -> bool:
    """Whether this version of the partner's record already waits for review."""
    incoming = fingerprint(data)
    return any(
        (version and c.version == version) or fingerprint(c.data) == incoming for c in conflicts
    )


class Planner:
    """Plans a partner's records one at a time against what is stored once (the region's
    municipalities, the source's places, their open conflicts): the upload's preview and import
    (``places/importing.py``, batch by batch) and the scheduled pull (``plan``) use the same."""

    def __init__(self, source: str, region, check_ids: bool = True):
        self.source, self.region = source, region
        self.municipalities = {
            m.ags: m for m in Municipality.objects.filter(district__regions=region)
        }
        self.existing = {
            p.external_id: p
            for p in Place.objects.filter(source=source)
            .select_related("municipality")
            .prefetch_related("attributes")
        }
        self.open_conflicts: dict[int, list[ImportConflict]] = {}
        for conflict in ImportConflict.objects.filter(source=source, resolved=False):
            self.open_conflicts.setdefault(conflict.place_id, []).append(conflict)
        self.by_name = _by_name(self.municipalities)
        # A second row with an ID already seen is an error (the bulk import finds those in SQL).
        self.check_ids = check_ids
        self.seen: set[str] = set()

    def row(self, number: int, record: dict) -> Row:
        municipalities, region = self.municipalities, self.region
        external_id = str(record.get("id") or record.get("external_id") or "").strip()
        data, errors = _normalise(record)
        row = Row(
            number=number,
            action="error",
            external_id=external_id,
            name=data.get("name", ""),
            data=data,
            version=str(record.get("version") or "").strip(),
            licence=str(record.get("licence") or "").strip(),
        )
        if row.licence:
            try:
                concrete_field(Place, "licence").run_validators(row.licence)
            except ValidationError as error:
                errors.append(_refusal("licence", error))
        named = bool(data["municipality_ags"])
        data["municipality_ags"], note = _municipality_key(data, municipalities, self.by_name)
        if note:
            row.notes.append(note)
        if not external_id:
            errors.append(_("ID is missing"))
        elif self.check_ids and external_id in self.seen:
            errors.append(_("ID appears twice in the file"))
        self.seen.add(external_id)
        if not named and not data["municipality_ags"]:
            errors.append(
                _(
                    'locality "%(locality)s": no municipality of the region by this name or '
                    "within %(km)d km of the position"
                )
                % {"locality": data.get("locality") or "–", "km": NEAREST_MUNICIPALITY_KM}
            )
        elif data["municipality_ags"] not in municipalities:
            errors.append(
                _("municipality key %(ags)s: not in your municipalities")
                % {"ags": data["municipality_ags"] or "–"}
            )
        place = self.existing.get(external_id)
        if place is not None and place.region_id != region.pk:
            # Another region's place with the same partner ID: not ours to update, and not ours
            # to describe (no name, no municipality).
            errors.append(_("The place with this ID is not in your municipalities."))
        if not errors:
            errors.extend(record_rule_errors(place, data, municipalities[data["municipality_ags"]]))
        if errors:
            row.errors = errors
            return row
        row.place = place
        if place is None:
            row.action = "new"
        else:
            incoming = fingerprint(data)
            local = fingerprint(content_of(place))
            if incoming == place.import_hash or incoming == local:
                row.action = "unchanged"
            elif local == place.import_hash:
                row.action = "update"
            elif _waiting(self.open_conflicts.get(place.pk, []), row.version, data):
                row.action = "unchanged"
                row.notes.append(_("this version already waits for review as a conflict"))
            else:
                row.action = "conflict"
        return row


def plan(records: list[dict], source: str, region) -> list[Row]:
    planner = Planner(source, region)
    return [planner.row(number, record) for number, record in enumerate(records, start=1)]


def _write(place: Place, data: dict, municipality) -> None:
    """Save the place with the record's content: the field and record rules first, then one
    ``save()`` (HTML clean-up and search text as always), the attributes of every group in one
    statement each for the stale and the missing ones, and the import hash of the content as it
    will be stored, worked out before the save (``set_values`` per group and a second save did
    the same in 9 more statements per place)."""
    # Also for conflicts stored before these rules existed.
    errors = field_errors(data) + record_rule_errors(place, data, municipality)
    if errors:
        raise ValidationError(errors)
    _assign(place, data, municipality)
    place.story = clean_html(place.story)  # what save() stores, so that the hash fits it
    current = list(PlaceAttribute.objects.filter(place=place)) if place.pk else []
    wanted = {(group, value) for name, group in GROUP_OF.items() for value in data[name]}
    kept = [a for a in current if (a.group, a.value) in wanted]
    stale = [a.pk for a in current if (a.group, a.value) not in wanted]
    have = {(a.group, a.value) for a in kept}
    missing = [  # in the order set_values() creates them: per group, sorted
        PlaceAttribute(group=group, value=value)
        for group in GROUP_OF.values()
        for value in sorted({v for g, v in wanted - have if g == group})
    ]
    cache: dict = {"attributes": kept + missing}  # content_of reads them as if prefetched
    place._prefetched_objects_cache = cache  # type: ignore[attr-defined]
    place.import_hash = fingerprint(content_of(place))
    place.save()
    if stale:
        PlaceAttribute.objects.filter(pk__in=stale).delete()
    for attribute in missing:
        attribute.place = place
    PlaceAttribute.objects.bulk_create(missing)
    cache.pop("attributes", None)


@transaction.atomic
def apply(rows: list[Row], source: str, region, user) -> dict:
    """Write new and updated places (published, as the partner published them); keep conflicts."""
    municipalities = {m.ags: m for m in Municipality.objects.filter(district__regions=region)}
    counts = {"new": 0, "update": 0, "unchanged": 0, "conflict": 0, "error": 0}
    history: list[Transition] = []  # one entry per written place, stored together at the end
    for row in rows:
        counts[row.action] += 1
        if row.action == "new":
            place = Place(
                region=region,
                source=source,
                external_id=row.external_id,
                status=Status.PUBLISHED,
                # The partner record's contact is the owner, if it names an address; else the
                # place has no owner here (it is maintained at the partner).
                owner_name=row.data["contact_name"] if row.data["contact_email"] else "",
                owner_email=row.data["contact_email"],
                licence=row.licence or Place._meta.get_field("licence").default,
                published_at=timezone.now(),
                verified_on=timezone.localdate(),
            )
            _write(place, row.data, municipalities[row.data["municipality_ags"]])
            history.append(
                Transition(
                    place=place,
                    from_status="",
                    to_status=place.status,
                    actor=user,
                    actor_label="import",
                    kind=Transition.Kind.IMPORTED,
                    details={"source": source},
                )
            )
        elif row.action == "update":
            assert row.place is not None  # plan() sets it for every update and conflict
            if row.licence:  # the partner's licence as it stands now (also for older imports)
                row.place.licence = row.licence
            _write(row.place, row.data, municipalities[row.data["municipality_ags"]])
            history.append(
                Transition(
                    place=row.place,
                    from_status=row.place.status,
                    to_status=row.place.status,
                    actor=user,
                    actor_label="import",
                    kind=Transition.Kind.IMPORTED,
                    details={"source": source, "updated": True},
                )
            )
        elif row.action == "conflict":
            assert row.place is not None
            ImportConflict.objects.create(
                place=row.place, source=source, data=row.data, version=row.version
            )
    Transition.objects.bulk_create(history)
    return counts


@transaction.atomic
def resolve_conflict(user, conflict: ImportConflict, take_incoming: bool) -> None:
    """The moderator keeps the local version or takes the partner's; either way it is logged."""
    place = conflict.place
    if not policy.can_moderate(user, place):
        raise PermissionDenied
    if take_incoming:
        municipality = Municipality.objects.get(ags=conflict.data["municipality_ags"])
        _write(place, conflict.data, municipality)
    else:
        # Remember the partner's version as seen, so the next import does not raise it again.
        place.import_hash = fingerprint(conflict.data)
        place.save(update_fields=["import_hash"])
    conflict.resolved = True
    conflict.save(update_fields=["resolved"])
    Transition.objects.create(
        place=place,
        from_status=place.status,
        to_status=place.status,
        actor=user,
        kind=Transition.Kind.CONFLICT_RESOLVED,
        details={"incoming": take_incoming},
    )
