from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language


def site(request):
    language = get_language() or settings.LANGUAGE_CODE
    return {
        "SITE_NAME": settings.SITE_NAME,
        # The tile path on our own origin ("" without an upstream: outlines and markers only).
        "MAP_TILE_URL": settings.MAP_TILE_URL if settings.MAP_TILE_UPSTREAM else "",
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        "MAP_TILE_MAX_ZOOM": settings.MAP_TILE_MAX_ZOOM,
        "MAP_TILE_BOUNDS": ",".join(f"{v:g}" for v in settings.MAP_TILE_BOUNDS),
        # Links to the page in the other languages (language switch, hreflang).
        "language_links": language_links(request, language),
        "lang_prefix": "" if language == settings.LANGUAGE_CODE else f"/{language}",
    }


def language_links(request, current) -> list[dict]:
    query = request.META.get("QUERY_STRING", "")
    links = []
    for code, _name in settings.LANGUAGES:
        path = translate_url(request.path, code)
        links.append(
            {
                "code": code,
                "path": path,
                "url": path + (f"?{query}" if query else ""),
                "current": code == current,
            }
        )
    return links
