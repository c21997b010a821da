from django.contrib import admin

from standortlotse.geo.models import District, Municipality, Region, State


@admin.register(State)
class StateAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "state"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "ags", "association", "district"]
    list_filter = ["district"]
    search_fields = ["name", "ags"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "brand_colour"]
    fields = ["name", "slug", "districts", "brand_colour", "logo", "publish_requirements"]
    filter_horizontal = ["districts"]
