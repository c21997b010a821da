from django.contrib import admin, messages

from standortlotse.exchange import changes
from standortlotse.exchange.models import ApiKey, ImportJob


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "organisation",
        "prefix",
        "scopes",
        "requests_per_hour",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = ("prefix", "last_used_at", "created_at")
    fields = (
        "organisation",
        "name",
        "scopes",
        "requests_per_hour",
        "revoked_at",
        "prefix",
        "created_at",
        "last_used_at",
    )

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        key, plain = changes.create_key(
            obj.organisation, obj.name, obj.scopes, obj.requests_per_hour
        )
        obj.pk, obj.prefix = key.pk, key.prefix
        messages.warning(request, f"API key (shown only now, copy it): {plain}")


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("filename", "created_by", "state", "created_at")
    list_filter = ("state",)
    readonly_fields = [f.name for f in ImportJob._meta.fields]
