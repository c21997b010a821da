from django.contrib import admin

from standortlotse.inquiries.models import RetentionPolicy, RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["region", "topic", "organisation"]
    list_filter = ["region", "topic"]


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ["region", "months_after_closing"]
