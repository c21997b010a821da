from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from standortlotse.accounts import policy
from standortlotse.properties.models import Property, PropertyDocument, PropertyPhoto, Zoning


class PhotoInline(admin.TabularInline):
    model = PropertyPhoto
    extra = 0


class DocumentInline(admin.TabularInline):
    model = PropertyDocument
    extra = 0


class ZoningFilter(admin.SimpleListFilter):
    """Records with this zoning among their zonings (a GE/GI plot is listed under GE and GI)."""

    title = _("zoning")
    parameter_name = "zoning"

    def lookups(self, request, model_admin):
        return Zoning.choices

    def queryset(self, request, queryset):
        if self.value() in Zoning.values:
            return queryset.filter(zonings__overlaps=[self.value()])
        return queryset


@admin.register(Property)
class PropertyAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "kind",
        "zonings_shown",
        "municipality",
        "status",
        "verified_on",
        "is_demo",
    ]
    list_filter = ["status", "kind", ZoningFilter, "is_demo", "municipality__district"]
    search_fields = ["title", "external_id"]
    raw_id_fields = ["municipality"]
    inlines = [PhotoInline, DocumentInline]

    @admin.display(description=_("zoning"))
    def zonings_shown(self, obj):
        return ", ".join(obj.zonings)

    # The admin follows the same policy as the back office.
    def get_queryset(self, request):
        return policy.editable_records(request.user, super().get_queryset(request))
