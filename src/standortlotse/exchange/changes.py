"""The change feed: every change of public data since a point in time, deletions included.

For the state's own capture system and partner portals. Each change is either an ``upsert``
(the record as it is now, in the exchange format) or a ``delete`` (the record left the public
set: deleted, archived, unpublished). Consumers page with the opaque ``cursor`` of the previous
answer and store it for the next run. Access with an API key per consumer organisation (header
``X-API-Key``), each key with read scopes and a rate limit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypedDict

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError
from ninja.security import APIKeyHeader

from standortlotse.core import ratelimit
from standortlotse.core.apiinput import checked_time
from standortlotse.core.apischema import errors
from standortlotse.exchange.models import ApiKey, Tombstone
from standortlotse.places import exchange as places_exchange
from standortlotse.places.models import Place
from standortlotse.places.models import Status as PlaceStatus
from standortlotse.properties.exports import json_record
from standortlotse.properties.models import Property
from standortlotse.properties.models import Status as PropertyStatus

MAX_LIMIT = 1000


# --- keys ----------------------------------------------------------------------------------------


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(
    organisation, name: str, scopes: list[str], requests_per_hour: int = 600
) -> tuple[ApiKey, str]:
    """A new key; the returned plain key (``prefix.secret``) is shown once and never stored."""
    unknown = set(scopes) - set(ApiKey.Scope.values)
    if unknown or not scopes:
        raise ValueError(f"unknown or missing scopes: {sorted(unknown) or 'none'}")
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        organisation=organisation,
        name=name,
        prefix=prefix,
        secret_hash=_hash(secret),
        scopes=sorted(scopes),
        requests_per_hour=requests_per_hour,
    )
    return key, f"{prefix}.{secret}"


def key_for(plain: str) -> ApiKey | None:
    prefix, _, secret = (plain or "").partition(".")
    if not prefix or not secret:
        return None
    key = (
        ApiKey.objects.select_related("organisation")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if key is None or not hmac.compare_digest(key.secret_hash, _hash(secret)):
        return None
    return key


class KeyAuth(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request, key):
        found = key_for(key)
        if found is None:
            return None
        hour = int(timezone.now().timestamp() // 3600)
        if not ratelimit.hit_key(f"apikey:{found.pk}:{hour}", found.requests_per_hour, 3700):
            raise HttpError(429, "Rate limit of this API key reached; try again in the next hour.")
        if (
            found.last_used_at is None
            or (timezone.now() - found.last_used_at).total_seconds() > 300
        ):
            ApiKey.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        return found


# --- deletions -------------------------------------------------------------------------------------


@receiver(post_delete, sender=Property, dispatch_uid="tombstone_property")
def _property_deleted(sender, instance, **kwargs):
    if instance.published_at:
        Tombstone.objects.create(entity="properties", key=str(instance.pk))


@receiver(post_delete, sender=Place, dispatch_uid="tombstone_place")
def _place_deleted(sender, instance, **kwargs):
    if instance.published_at:
        Tombstone.objects.create(entity="places", key=str(instance.uid))


# --- the feed ------------------------------------------------------------------------------------


def _cursor(moment: datetime, rank: int, pk: int) -> str:
    raw = json.dumps([moment.isoformat(), rank, pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


MAX_CURSOR_LENGTH = 200
MAX_KEY = 2**63 - 1  # primary keys are 64-bit (BigAutoField)


def _parse_cursor(cursor: str) -> tuple[datetime, int, int]:
    """The (time, rank, key) of a cursor this feed handed out; anything else is a 400 with a
    clear message (the cursor is opaque to consumers, so every part is checked here)."""
    invalid = "cursor is not valid ({}); pass the cursor of the previous answer unchanged"
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise HttpError(400, invalid.format(f"longer than {MAX_CURSOR_LENGTH} characters"))
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii"))
        value = json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, TypeError):  # bad base64, bad UTF-8, bad JSON, NaN/Infinity
        raise HttpError(400, invalid.format("not a cursor of this feed")) from None
    if not isinstance(value, list) or len(value) != 3:
        raise HttpError(400, invalid.format("not a cursor of this feed"))
    moment, rank, pk = value
    # Numbers must be plain integers: 1e999 (infinity), 1.5 or true are refused, not converted.
    if type(rank) is not int or rank not in (0, 1):
        raise HttpError(400, invalid.format("unknown position kind"))
    if type(pk) is not int or not 0 <= pk <= MAX_KEY:
        raise HttpError(400, invalid.format(f"position must be an integer from 0 to {MAX_KEY}"))
    try:
        if not isinstance(moment, str):
            raise TypeError
        parsed = datetime.fromisoformat(moment)
    except (ValueError, TypeError):
        raise HttpError(400, invalid.format("time is not an ISO 8601 date and time")) from None
    if parsed.tzinfo is None:
        raise HttpError(400, invalid.format("time has no time zone"))
    return parsed, rank, pk


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not allowed")


def _property_record(prop: Property) -> dict:
    record = json_record(prop)
    record["id"] = prop.pk
    record["url"] = settings.SITE_URL.rstrip("/") + prop.get_absolute_url()
    record["updated_at"] = prop.updated_at.isoformat()
    return record


class Entity(TypedDict):
    """How the change feed reads one kind of record."""

    queryset: Callable[[], QuerySet[Any]]  # every record that was ever published
    key: Callable[[Any], str]
    public: Callable[[Any], bool]
    record: Callable[[Any], dict]


ENTITIES: dict[str, Entity] = {
    "properties": {
        "queryset": lambda: Property.objects.filter(published_at__isnull=False).select_related(
            "municipality"
        ),
        "key": lambda p: str(p.pk),
        "public": lambda p: p.status == PropertyStatus.PUBLISHED,
        "record": _property_record,
    },
    "places": {
        "queryset": lambda: (
            Place.objects.filter(published_at__isnull=False)
            .select_related("municipality", "region")
            .prefetch_related("photos", "attributes")
        ),
        "key": lambda p: str(p.uid),
        "public": lambda p: p.status == PlaceStatus.PUBLISHED,
        "record": places_exchange.record_of,
    },
}


def changes(entity: str, since: datetime | None, cursor: str | None, limit: int) -> dict:
    """A page of changes, oldest first: record changes (rank 0) and deletions (rank 1) merged by
    time. The cursor is (time, rank, primary key) of the last item delivered."""
    spec = ENTITIES[entity]
    records = spec["queryset"]().order_by("updated_at", "pk")
    tombstones = Tombstone.objects.filter(entity=entity).order_by("deleted_at", "pk")
    if cursor:
        moment, rank, pk = _parse_cursor(cursor)
        if rank == 0:
            records = records.filter(Q(updated_at__gt=moment) | Q(updated_at=moment, pk__gt=pk))
            tombstones = tombstones.filter(deleted_at__gte=moment)
        else:
            records = records.filter(updated_at__gt=moment)
            tombstones = tombstones.filter(
                Q(deleted_at__gt=moment) | Q(deleted_at=moment, pk__gt=pk)
            )
    elif since is not None:
        records = records.filter(updated_at__gte=since)
        tombstones = tombstones.filter(deleted_at__gte=since)
    merged = [(r.updated_at, 0, r.pk, r) for r in records[: limit + 1]]
    merged += [(t.deleted_at, 1, t.pk, t) for t in tombstones[: limit + 1]]
    merged.sort(key=lambda item: item[:3])
    page = merged[:limit]
    items = []
    for moment, rank, _pk, obj in page:
        if rank == 1:
            items.append({"action": "delete", "id": obj.key, "changed_at": moment.isoformat()})
        elif not spec["public"](obj):
            items.append(
                {"action": "delete", "id": spec["key"](obj), "changed_at": moment.isoformat()}
            )
        else:
            items.append(
                {
                    "action": "upsert",
                    "id": spec["key"](obj),
                    "changed_at": moment.isoformat(),
                    "record": spec["record"](obj),
                }
            )
    next_cursor = _cursor(*page[-1][:3]) if page else cursor
    return {"entity": entity, "changes": items, "cursor": next_cursor, "more": len(merged) > limit}


router = Router(tags=["Change feed (API key)"])


def _check_scope(request, entity):
    if entity not in request.auth.scopes:
        raise HttpError(403, f"This API key has no read scope for {entity}.")


@router.get(
    "/changes/{entity}",
    auth=KeyAuth(),
    response={200: dict, **errors(400, 401, 403, 404, 422, 429)},
    summary="Changes of public properties or places since a time (API key)",
    description=(
        "All changes of public records, oldest first, deletions included (`action: delete` when a "
        "record was deleted, archived or unpublished). Start with `since` (ISO 8601) or nothing "
        "(everything), then pass the `cursor` of each answer to get the next page; keep the last "
        "cursor for the next run. Header `X-API-Key: <key>`; keys are issued per organisation with "
        "read scopes `properties` and/or `places` and a rate limit (HTTP 429 when exceeded)."
    ),
)
def change_feed(
    request, entity: str, since: datetime | None = None, cursor: str | None = None, limit: int = 500
):
    if entity not in ENTITIES:
        raise HttpError(404, "entity must be 'properties' or 'places'")
    _check_scope(request, entity)
    if not 1 <= limit <= MAX_LIMIT:
        raise HttpError(400, f"limit must be between 1 and {MAX_LIMIT}")
    return changes(entity, checked_time(since, "since"), cursor, limit)
