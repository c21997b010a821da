"""sitemap.xml for search engines: every public page type, in German and English (hreflang)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from standortlotse.geo.models import District, Municipality, Region
from standortlotse.guides.models import Guide
from standortlotse.guides.services import upcoming_events
from standortlotse.places.selectors import published_places
from standortlotse.properties.selectors import published_properties


class I18nSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class StaticPages(I18nSitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "home",
            "properties:search",
            "places:search",
            "cases:profile",
            "inquiries:contact",
            "places:submit_choose",
            "guides:entry",
            "guides:guide_list",
            "guides:contacts",
            "guides:events",
            "properties:statistics",
            "transparency:ranking",
            "profiles:index",
            "profiles:compare",
            "accessibility",
            "regions",
        ]

    def location(self, item):
        return reverse(item)


class PropertyPages(I18nSitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        # Every segment: a house or building plot has its public page too.
        return (
            published_properties(segment=None)
            .select_related(None)
            .only("pk", "updated_at")
            .order_by("pk")
        )

    def lastmod(self, item):
        return item.updated_at


class PlacePages(I18nSitemap):
    changefreq = "monthly"

    def items(self):
        return (
            published_places()
            .select_related(None)
            .prefetch_related(None)
            .only("pk", "updated_at")
            .order_by("pk")
        )

    def lastmod(self, item):
        return item.updated_at


class RegionPages(I18nSitemap):
    def items(self):
        return Region.objects.order_by("pk")

    def location(self, item):
        return reverse("places:region", args=[item.slug])


class RegionHomePages(I18nSitemap):
    """Each region's start page (/regionen/<slug>/) beside its places portal."""

    def items(self):
        return Region.objects.order_by("pk")

    def location(self, item):
        return reverse("region_home", args=[item.slug])


class GuidePages(I18nSitemap):
    changefreq = "monthly"

    def items(self):
        return Guide.objects.published().select_related("region").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class EventPages(I18nSitemap):
    changefreq = "weekly"

    def items(self):
        return upcoming_events()

    def lastmod(self, item):
        return item.updated_at


class ProfilePages(I18nSitemap):
    """The location profile of every municipality, district and region."""

    changefreq = "monthly"

    def items(self):
        return [
            *(("region", r.slug) for r in Region.objects.order_by("pk")),
            *(("district", d.key) for d in District.objects.order_by("pk").only("key")),
            *(("municipality", m.ags) for m in Municipality.objects.order_by("pk").only("ags")),
        ]

    def location(self, item):
        kind, key = item
        return reverse(f"profiles:{kind}", args=[key])


SITEMAPS = {
    "pages": StaticPages,
    "properties": PropertyPages,
    "places": PlacePages,
    "regions": RegionPages,
    "region-homes": RegionHomePages,
    "guides": GuidePages,
    "events": EventPages,
    "profiles": ProfilePages,
}
