from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from standortlotse.accounts import policy
from standortlotse.properties.models import Property, PropertyDocument, PropertyPhoto


class PhotoInline(admin.TabularInline):
    model = PropertyPhoto
    extra = 0


class DocumentInline(admin.TabularInline):
    model = PropertyDocument
    extra = 0


@admin.register(Property)
class PropertyAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "municipality", "status", "verified_on", "is_demo"]
    list_filter = ["status", "kind", "is_demo", "municipality__district"]
    search_fields = ["title", "external_id"]
    raw_id_fields = ["municipality"]
    inlines = [PhotoInline, DocumentInline]

    # The admin follows the same policy as the back office.
    def get_queryset(self, request):
        return policy.editable_records(request.user, super().get_queryset(request))
