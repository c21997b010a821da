from django.contrib import admin

from standortlotse.accounts import policy
from standortlotse.places.models import Place, PlacePhoto, RegionSettings, Transition


class PhotoInline(admin.TabularInline):
    model = PlacePhoto
    extra = 0


class TransitionInline(admin.TabularInline):
    model = Transition
    extra = 0
    readonly_fields = ["from_status", "to_status", "actor", "actor_label", "message", "created_at"]
    can_delete = False


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "municipality",
        "region",
        "status",
        "verified_on",
        "unconfirmed",
        "is_demo",
    ]
    list_filter = ["status", "region", "unconfirmed", "is_demo"]
    search_fields = ["name", "external_id"]
    raw_id_fields = ["municipality"]
    inlines = [PhotoInline, TransitionInline]

    def get_queryset(self, request):
        return policy.moderated_records(request.user, super().get_queryset(request))


@admin.register(RegionSettings)
class RegionSettingsAdmin(admin.ModelAdmin):
    list_display = ["region", "moderator_email", "confirm_every_days"]
