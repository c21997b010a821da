"""The region the site markets (settings.SITE_REGION): its name, logo and theme stylesheet."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from standortlotse.core.images import read_dimensions
from standortlotse.geo.models import Region

CACHE_KEY = "geo:site-region:v1"


def theme_version(brand_colour: str) -> str:
    """In the theme stylesheet's URL: a changed colour is a new URL, so it may be cached long."""
    return hashlib.sha256(brand_colour.encode()).hexdigest()[:10]


def site_region_info() -> dict | None:
    """Name, slug, theme version and logo of the site's region, cached until a region changes."""
    info = cache.get(CACHE_KEY)
    if info is None:
        region = (
            Region.objects.filter(slug=settings.SITE_REGION).first()
            or Region.objects.order_by("pk").first()
        )
        info = {}
        if region is not None:
            width, height = read_dimensions(region.logo) if region.logo else (None, None)
            info = {
                "name": region.name,
                "slug": region.slug,
                "theme_version": theme_version(region.brand_colour),
                "logo_url": region.logo.url if region.logo else "",
                "logo_width": width,
                "logo_height": height,
            }
        cache.set(CACHE_KEY, info, 300)
    return info or None


def region(request):
    return {"SITE_REGION": site_region_info()}


@receiver(post_save, sender=Region)
@receiver(post_delete, sender=Region)
def _forget_region(**kwargs):
    cache.delete(CACHE_KEY)
