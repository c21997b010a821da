from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.i18n import set_language

from standortlotse.api import api
from standortlotse.core import tiles
from standortlotse.core import views as core_views
from standortlotse.core.uploads import serve_media
from standortlotse.portal import views as portal_views
from standortlotse.portal.sitemaps import SITEMAPS
from standortlotse.search import views as search_views

urlpatterns = [
    path("api/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("health/", core_views.health, name="health"),
    path("health/ready/", core_views.health_ready, name="health-ready"),
    # Background map tiles through our own origin (core/tiles.py; nginx caches them in production).
    path("karte/kacheln/<int:z>/<int:x>/<int:y>.png", tiles.tile, name="map_tile"),
    path("robots.txt", portal_views.robots_txt, name="robots_txt"),
    path("theme/<slug:slug>.css", portal_views.region_theme, name="theme_css"),
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS}, name="sitemap_index"),
    path(
        "sitemap-<section>.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]

urlpatterns += i18n_patterns(
    path("", portal_views.home, name="home"),
    path("", include("standortlotse.properties.urls")),
    path("", include("standortlotse.accounts.urls")),
    path("", include("standortlotse.places.urls")),
    path("", include("standortlotse.inquiries.urls")),
    path("", include("standortlotse.cases.urls")),
    path("", include("standortlotse.exchange.urls")),
    # Before the guides: "lotse/<region>/<slug>/" would take "lotse/wohnen/<municipality>/".
    path("lotse/wohnen/", portal_views.housing_choose, name="housing_choose"),
    path("lotse/wohnen/<slug:municipality>/", portal_views.housing, name="housing"),
    path("", include("standortlotse.guides.urls")),
    path("", include("standortlotse.reach.urls")),
    path("", include("standortlotse.transparency.urls")),
    path("", include("standortlotse.profiles.urls")),
    path("", include("standortlotse.privacy.urls")),
    path("", include("standortlotse.geo.urls")),
    path("suche/", search_views.search, name="search"),
    path("", include("standortlotse.search.urls")),
    path("barrierefreiheit/", portal_views.accessibility, name="accessibility"),
    path("regionen/", portal_views.regions, name="regions"),
    path("regionen/<slug:slug>/", portal_views.region_home, name="region_home"),
    path("datenpflege/regionen/", portal_views.agency_overview, name="agency_overview"),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

if settings.DEBUG or settings.SERVE_MEDIA:
    urlpatterns += [path("media/<path:path>", serve_media)]

handler404 = "standortlotse.core.views.page_not_found"
handler500 = "standortlotse.core.views.server_error"
