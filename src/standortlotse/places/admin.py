from django.contrib import admin

from standortlotse.accounts import policy
from standortlotse.places.models import (
    FeedRun,
    PartnerFeed,
    Place,
    PlacePhoto,
    RegionSettings,
    Transition,
)


class PhotoInline(admin.TabularInline):
    model = PlacePhoto
    extra = 0


class TransitionInline(admin.TabularInline):
    model = Transition
    extra = 0
    readonly_fields = [
        "from_status",
        "to_status",
        "kind",
        "details",
        "actor",
        "actor_label",
        "message",
        "created_at",
    ]
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


class FeedRunInline(admin.TabularInline):
    model = FeedRun
    extra = 0
    can_delete = False
    fields = readonly_fields = [
        "started_at",
        "http_status",
        "new",
        "updated",
        "unchanged",
        "conflicts",
        "errors",
        "message",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PartnerFeed)
class PartnerFeedAdmin(admin.ModelAdmin):
    """The mapping is checked by PartnerFeed.clean() (partners.mapping_errors): each error names
    the unknown key or value and lists what is accepted."""

    list_display = ["name", "format", "region", "url", "active"]
    list_filter = ["format", "region", "active"]
    inlines = [FeedRunInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.filter(region__in=policy.moderated_regions(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            kwargs["queryset"] = policy.moderated_regions(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
