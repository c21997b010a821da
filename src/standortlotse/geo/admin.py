from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from standortlotse.geo.models import District, Municipality, Region, State


@admin.register(State)
class StateAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "state"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "ags", "association", "district", "vacancy_platform_name"]
    list_filter = ["district"]
    search_fields = ["name", "ags"]
    readonly_fields = ["slug"]
    fieldsets = [
        (None, {"fields": ["name", "ags", "slug", "association", "district", "lat", "lon"]}),
        (_("Reference data"), {"fields": ["postcodes", "funding"]}),
        (
            _("Housing"),
            {
                "fields": ["vacancy_platform_name", "vacancy_platform_url"],
                "description": _(
                    "Where the municipality lists vacant houses itself: the Wohnen overview "
                    "links to it (“More vacant houses on …”) instead of copying its houses."
                ),
            },
        ),
    ]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "brand_colour"]
    fields = ["name", "slug", "districts", "brand_colour", "logo", "publish_requirements"]
    filter_horizontal = ["districts"]
