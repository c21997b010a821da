from django.contrib import admin

from standortlotse.cases.models import Case, SearchProfile


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["pk", "stage", "source", "owner", "created_at"]
    list_filter = ["stage", "source"]


@admin.register(SearchProfile)
class SearchProfileAdmin(admin.ModelAdmin):
    list_display = ["uid", "email", "alerts", "created_at"]
