"""The page behind the maps' "Map sources" link: where the background map and the outlines come
from, their licences, and that the browser asks no third party for them."""

from django.conf import settings
from django.shortcuts import render


def map_sources(request):
    return render(
        request,
        "geo/map_sources.html",
        {
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "tiles_on": bool(settings.MAP_TILE_UPSTREAM),
        },
    )
