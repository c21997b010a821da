"""JSON API of the property register: public read endpoints, editor write endpoints.

The schemas are in properties/schemas.py."""

import json
from typing import Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.forms.models import model_to_dict
from django.http import JsonResponse
from django.urls import reverse
from ninja import Query, Router
from ninja import Status as Reply
from ninja.errors import HttpError

from standortlotse.accounts import policy, twofactor
from standortlotse.accounts.apiauth import staff_session
from standortlotse.core import ratelimit
from standortlotse.core.apiinput import checked_offset
from standortlotse.core.apischema import FieldErrors, errors
from standortlotse.properties import facts, selectors, services
from standortlotse.properties.forms import OVERRIDE_PREFIX, PhotoForm, PropertyForm
from standortlotse.properties.models import Availability, Kind, Property, PropertyPhoto
from standortlotse.properties.schemas import (
    Filters,
    Page,
    PhotoOut,
    PropertyDetail,
    PropertyWrite,
)

router = Router(tags=["properties"])


# The optional body of an action (read by hand: the actions are posted without a body too).
ACTION_BODY = {
    "requestBody": {
        "required": False,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "override_reason": {
                            "type": "string",
                            "description": (
                                "A regional moderator's reason for publishing a record below "
                                "its region's publication requirements; kept in the history."
                            ),
                        }
                    },
                }
            }
        },
    }
}


def _override_reason(request) -> str:
    if request.content_type != "application/json":
        return request.POST.get("override_reason", "")
    try:
        data = json.loads(request.body) if request.body else {}
    except ValueError:
        raise HttpError(400, "Cannot parse request body") from None
    reason = data.get("override_reason", "") if isinstance(data, dict) else ""
    if not isinstance(reason, str):
        raise FieldErrors({"override_reason": ["Give the reason as text."]})
    return reason


MAX_LIMIT = 200
MAX_GEOJSON_LIMIT = 5000


def _detail_url_template() -> str:
    """One reverse() for many features: the detail URL differs only in the id."""
    return reverse("properties:detail", args=[0]).replace("/0/", "/{}/")


def _window(limit: int, offset: int, cap: int) -> tuple[int, int]:
    if limit < 1 or limit > cap:
        raise HttpError(422, f"limit must be between 1 and {cap}")
    return limit, checked_offset(offset)


@router.get(
    "/properties", response={200: Page, **errors(422)}, summary="Search published properties"
)
def list_properties(request, filters: Query[Filters], limit: int = 50, offset: int = 0):
    limit, offset = _window(limit, offset, MAX_LIMIT)
    results = selectors.search(filters.criteria())
    items = list(results[offset : offset + limit])
    counted = selectors.count_for_page(results, items, limit, offset)
    return {
        "count": counted.value,
        "count_exact": counted.exact,
        "limit": limit,
        "offset": offset,
        "items": items,
    }


@router.get(
    "/properties.geojson",
    summary="Published properties as a GeoJSON FeatureCollection",
    response={200: dict, **errors(422)},
)
def properties_geojson(request, filters: Query[Filters], limit: int = 1000, offset: int = 0):
    limit, offset = _window(limit, offset, MAX_GEOJSON_LIMIT)
    # The first photo for the map's popup (its small card copy, else the photo itself): one
    # subquery, not a query per feature.
    first_photo = PropertyPhoto.objects.filter(property=OuterRef("pk")).order_by("position", "pk")
    results = (
        selectors.search(filters.criteria())
        .annotate(
            photo=Subquery(
                first_photo.annotate(
                    card=Coalesce(NullIf("thumbnail", Value("")), "image", output_field=CharField())
                ).values("card")[:1]
            ),
            photo_alt=Subquery(first_photo.values("alt_text")[:1]),
        )
        .values(
            "pk",
            "title",
            "kind",
            "lat",
            "lon",
            "area_available_m2",
            "availability",
            "municipality__name",
            "photo",
            "photo_alt",
        )[offset : offset + limit]
    )
    kinds = dict(Kind.choices)
    availabilities = dict(Availability.choices)
    storage = PropertyPhoto._meta.get_field("image").storage
    url_template = _detail_url_template()
    features = [
        {
            "type": "Feature",
            "id": row["pk"],
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
            "properties": {
                "title": row["title"],
                "kind": row["kind"],
                "kind_label": str(kinds.get(row["kind"], row["kind"])),
                "area_available_m2": row["area_available_m2"],
                "availability": row["availability"],
                "availability_label": str(availabilities.get(row["availability"], "")),
                "municipality": row["municipality__name"],
                "url": url_template.format(row["pk"]),
                "photo": storage.url(row["photo"]) if row["photo"] else None,
                "photo_alt": row["photo_alt"] or "",
            },
        }
        for row in results
    ]
    # Built here already: skip the schema round trip for up to 5,000 features.
    return JsonResponse({"type": "FeatureCollection", "features": features})


@router.get(
    "/properties/clusters",
    summary="Published properties clustered for a map view (GeoJSON)",
    description=(
        "For maps with many properties: the matches in `bbox` grouped into grid cells of about "
        "64 pixels at the given `zoom` (web map zoom levels 0–20). A cell with several properties "
        "is one feature with `count`; a cell with one property is that property with `title` "
        "and `url`. Same filters as /api/properties."
    ),
    response={200: dict, **errors(422)},
)
def properties_clusters(request, filters: Query[Filters], zoom: int = 8):
    if not 0 <= zoom <= 20:
        raise HttpError(422, "zoom must be between 0 and 20")
    criteria = filters.criteria()
    features = selectors.clusters(criteria, zoom)
    url_template = _detail_url_template()
    for feature in features:
        if "id" in feature:
            feature["properties"]["url"] = url_template.format(feature["id"])
    return JsonResponse({"type": "FeatureCollection", "zoom": zoom, "features": features})


def _visible(request, pk) -> Property:
    return selectors.visible_property(twofactor.acting_user(request), pk)


@router.get(
    "/properties/{int:pk}", response={200: PropertyDetail, **errors(404)}, summary="One property"
)
def get_property(request, pk: int):
    return _visible(request, pk)


# --- Editor write access (session login + CSRF token) ----------------------------------------


def _form_data(instance: Property | None, payload: PropertyWrite) -> dict:
    # Start from the stored record, or from the model's defaults for a new one.
    data = model_to_dict(instance or Property(), fields=PropertyForm.Meta.fields)
    given = payload.dict(exclude_unset=True)
    # The overrides of the location facts: the record's, changed by the payload's (fact → reason).
    overrides = dict((instance.fact_overrides if instance else None) or {})
    asked = given.pop("fact_overrides", None) or {}
    unknown = sorted(set(asked) - set(facts.FACTS))
    if unknown:
        raise FieldErrors(
            {
                "fact_overrides": [
                    f"Unknown fact(s): {', '.join(unknown)}. Known: {', '.join(facts.FACTS)}."
                ]
            }
        )
    overrides.update(asked)
    data.update(given)
    for fact, reason in overrides.items():
        data[OVERRIDE_PREFIX + fact] = reason
    outline = data.get("outline")
    data["outline"] = json.dumps(outline) if outline else ""
    return {key: ("" if value is None else value) for key, value in data.items()}


def _save(request, payload: PropertyWrite, instance: Property | None):
    form = PropertyForm(_form_data(instance, payload), instance=instance, user=request.user)
    if not form.is_valid():
        raise FieldErrors({key: list(errors) for key, errors in form.errors.items()})
    prop = form.save(commit=False)
    if not policy.can_edit(request.user, prop):
        raise HttpError(403, "You may not edit records of this municipality.")
    prop._change_reason = "api"
    prop.save()
    return prop


def _editable_for_write(request, pk) -> Property:
    prop = Property.objects.filter(pk=pk).first()
    if prop is None or not (prop.is_public or policy.can_edit(request.user, prop)):
        raise HttpError(404, "Not found")
    if not policy.can_edit(request.user, prop):
        raise HttpError(403, "You may not edit records of this municipality.")
    return prop


@router.post(
    "/properties",
    auth=staff_session,
    response={201: PropertyDetail, **errors(400, 401, 403, 422)},
    summary="Create a property (draft)",
)
def create_property(request, payload: PropertyWrite):
    if not policy.is_editor(request.user):
        raise HttpError(403, "Only editors may create records.")
    return Reply(201, _save(request, payload, None))


@router.patch(
    "/properties/{int:pk}",
    auth=staff_session,
    response={200: PropertyDetail, **errors(400, 401, 403, 404, 422)},
    summary="Change fields of a property",
)
def update_property(request, pk: int, payload: PropertyWrite):
    prop = _editable_for_write(request, pk)
    return _save(request, payload, prop)


# --- Photos (the publication gate asks for one by default) --------------------------------------

# The multipart body of a photo upload (read by the web form's PhotoForm, so the rules are the
# form's: the same validation and re-encoding as /datenpflege/, errors per field as for PATCH).
PHOTO_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["image", "alt_text"],
                    "properties": {
                        "image": {
                            "type": "string",
                            "format": "binary",
                            "description": (
                                "A JPEG, PNG or WebP photo (at most the upload limit). It is "
                                "decoded and stored re-encoded as JPEG of at most 1920 px, "
                                "without its metadata, under a random name; a file that is no "
                                "such photo (SVG, HTML, a polyglot, a broken image) is refused "
                                "with 422 under `image`."
                            ),
                        },
                        "alt_text": {
                            "type": "string",
                            "maxLength": 250,
                            "description": "What the photo shows, for people who cannot see it.",
                        },
                        "credit": {"type": "string", "maxLength": 150, "default": ""},
                    },
                }
            }
        },
    }
}


@router.get(
    "/properties/{int:pk}/photos",
    response={200: list[PhotoOut], **errors(404)},
    summary="The photos of a property",
    description="Of a published property for everybody, of a draft for its editors.",
)
def list_photos(request, pk: int):
    return list(_visible(request, pk).photos.all())


@router.post(
    "/properties/{int:pk}/photos",
    auth=staff_session,
    response={201: PhotoOut, **errors(400, 401, 403, 404, 422, 429)},
    summary="Add a photo to a property (multipart)",
    description=(
        "Multipart form data with `image`, `alt_text` and optionally `credit`, checked as the "
        "editors' web form checks them: 422 with the messages per field. The photo goes last; a "
        "record of a region that requires a photo can be published once it has one. At most "
        "STANDORTLOTSE_API_PHOTOS_PER_HOUR uploads per user and hour (429)."
    ),
    openapi_extra=PHOTO_BODY,
)
def add_photo(request, pk: int):
    prop = _editable_for_write(request, pk)
    limit = settings.API_PHOTOS_PER_HOUR
    if not ratelimit.hit(request, f"api-photo:{request.user.pk}", limit, 3600):
        raise HttpError(429, "Too many photo uploads in the last hour; try again later.")
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        raise FieldErrors({key: list(messages) for key, messages in form.errors.items()})
    data = form.cleaned_data
    photo = services.add_photo(request.user, prop, data["image"], data["alt_text"], data["credit"])
    return Reply(201, photo)


@router.delete(
    "/properties/{int:pk}/photos/{int:photo_pk}",
    auth=staff_session,
    response={204: None, **errors(401, 403, 404)},
    summary="Remove a photo of a property",
    description=(
        "Never refused for the publication requirements (a photo may have to go at once): a "
        "published record of a region that requires a photo stays public, but publishing it "
        "again needs one."
    ),
)
def delete_photo(request, pk: int, photo_pk: int):
    prop = _editable_for_write(request, pk)
    photo = prop.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise HttpError(404, "Not found")
    services.remove_photo(request.user, photo)
    return Reply(204, None)


@router.post(
    "/properties/{int:pk}/{action}",
    auth=staff_session,
    response={200: PropertyDetail, **errors(400, 401, 403, 404, 422)},
    summary="publish, archive, unpublish or confirm a property",
    description=(
        "Publishing needs what the record's region requires (`publication.py`): otherwise 422 "
        "with a message per missing field (the photos under `photos`). A regional moderator "
        "may publish anyway with `override_reason` in the body; anyone else gets 403 for it."
    ),
    openapi_extra=ACTION_BODY,
)
def property_action(
    request, pk: int, action: Literal["publish", "archive", "unpublish", "confirm"]
):
    prop = _editable_for_write(request, pk)
    reason = _override_reason(request) if action == "publish" else ""
    try:
        if action == "confirm":
            services.confirm_current(request.user, prop)
        else:
            services.change_status(request.user, prop, action, override_reason=reason)
    except PermissionDenied as denied:
        raise HttpError(403, "Only a regional moderator may publish below the gate.") from denied
    except ValidationError as error:
        if hasattr(error, "error_dict"):  # a record rule: answered per field, like a PATCH
            raise FieldErrors(error.message_dict) from error
        raise HttpError(422, " ".join(error.messages)) from error
    return prop
