"""Public pages of the creative places: search (map and list), detail, region portal, social card.

Places that are not public are shown only to their moderators."""

from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language

from standortlotse.accounts import policy, twofactor
from standortlotse.core.ogimage import card_response
from standortlotse.geo.models import Region
from standortlotse.places import selectors
from standortlotse.places.forms import PlaceSearchForm
from standortlotse.places.models import Place, RegionSettings
from standortlotse.places.presenters import json_ld
from standortlotse.properties.selectors import published_properties

PAGE_SIZE = 24


def search_criteria(form) -> dict:
    form.is_valid()
    return {k: v for k, v in form.cleaned_data.items() if v}


def search(request):
    form = PlaceSearchForm(request.GET or None)
    criteria = search_criteria(form) if form.is_bound else {}
    page = Paginator(selectors.search(criteria), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "places/search.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "map_query": _api_query(criteria),
        },
    )


def _api_query(criteria: dict) -> str:
    query = QueryDict(mutable=True)
    for key in ("q", "field", "type", "offer"):
        if criteria.get(key):
            query.setlist(
                key, criteria[key] if isinstance(criteria[key], list) else [criteria[key]]
            )
    if criteria.get("region"):
        query["region"] = criteria["region"].slug
    if criteria.get("municipality"):
        query["municipality"] = criteria["municipality"].ags
    return query.urlencode()


def detail(request, pk):
    place = get_object_or_404(
        Place.objects.select_related("municipality__district", "region").prefetch_related(
            "attributes", "photos"
        ),
        pk=pk,
    )
    if not place.is_public and not policy.can_moderate(twofactor.acting_user(request), place):
        raise Http404
    return render(
        request,
        "places/detail.html",
        {
            "place": place,
            "nearby_places": selectors.nearby_places(place),
            "nearby_properties": selectors.nearby_properties(place),
            "json_ld": json_ld(place, request),
            "absolute_url": request.build_absolute_uri(place.get_absolute_url()),
            "og_image": request.build_absolute_uri(reverse("places:og_image", args=[place.pk])),
            "map_data": {"lat": place.lat, "lon": place.lon, "title": place.name, "outline": None},
        },
    )


def region_portal(request, slug):
    region = get_object_or_404(Region, slug=slug)
    rules = RegionSettings.for_region(region)
    places = selectors.search({"region": region})
    return render(
        request,
        "places/region.html",
        {
            "region": region,
            "intro": rules.intro(get_language() or "de"),
            "places": places[:12],
            "place_count": places.count(),
            "property_count": region_property_count(region),
        },
    )


def region_property_count(region) -> int:
    return published_properties().filter(municipality__district__regions=region).count()


def og_image(request, pk):
    """The social card of a place (Open Graph image), drawn here and cached."""
    place = get_object_or_404(Place.objects.select_related("municipality"), pk=pk)
    if not place.is_public and not policy.can_moderate(twofactor.acting_user(request), place):
        raise Http404
    return card_response(place, place.name, f"{place.pitch} · {place.municipality.name}")
