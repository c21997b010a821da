from types import SimpleNamespace

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from standortlotse.accounts import policy
from standortlotse.core.validators import TEXT
from standortlotse.properties import facts, freshness, publication
from standortlotse.properties.models import (
    Property,
    PropertyDocument,
    PropertyPhoto,
    Status,
    Zoning,
)

ADMIN_NEEDS_REASON = _(
    "This value is computed (%(value)s). To enter another value, add the fact with a reason to "
    '“overridden location facts”, e.g. {"%(fact)s": "road distance per the town"}.'
)


class FactsAdminForm(forms.ModelForm):
    """The admin meets the location-facts rule of the editor form: a computed value is changed
    only with a reason (fact → reason in fact_overrides). Its model and fields come from the
    admin (modelform_factory)."""

    def clean_fact_overrides(self):
        value = self.cleaned_data.get("fact_overrides") or {}
        if not isinstance(value, dict) or not all(
            key in facts.FACTS and isinstance(reason, str) and reason.strip()
            for key, reason in value.items()
        ):
            raise forms.ValidationError(
                _("Give a JSON object of fact → reason; the facts are: %(facts)s.")
                % {"facts": ", ".join(facts.FACTS)}
            )
        return {key: reason.strip() for key, reason in value.items()}

    def clean(self):
        data = super().clean()
        overrides = data.get("fact_overrides")
        if overrides is None or data.get("lat") is None or data.get("lon") is None:
            return data
        results = facts.compute(data["lat"], data["lon"], data.get("municipality"))
        for spec in facts.FACTS.values():
            changed = [name for name in spec.fields if name in self.changed_data]
            values = {name: data.get(name) for name in spec.fields}
            result = results.get(spec.key)
            if spec.key not in overrides and changed and facts.differs(spec.key, values, result):
                self.add_error(
                    changed[0],
                    str(ADMIN_NEEDS_REASON)
                    % {"value": facts.computed_text(spec.key, result), "fact": spec.key},
                )
        return data


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


class PropertyAdminForm(FactsAdminForm):
    """The admin's form meets the record rules and the publication gate through
    ``Property.clean()``; a regional moderator may publish below the gate with a reason (as on
    the editor page), which the history keeps. Photos count as stored: a photo added in the same
    save counts from the next one."""

    override_reason = forms.CharField(
        label=_("Reason for publishing without all requirements"),
        required=False,
        max_length=publication.OVERRIDE_REASON_MAX,
        validators=TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Regional moderators only: publishes the record although it lacks what "
            "its region requires; kept in the history."
        ),
    )
    request = None  # set by PropertyAdmin.get_form

    class Meta:
        model = Property
        fields = "__all__"  # noqa: DJ007 -- the admin chooses them (ModelAdmin.get_form)

    def clean(self):
        data = super().clean()
        reason = (data.get("override_reason") or "").strip()
        self.instance._gate_override = ""
        if reason and data.get("status") == Status.PUBLISHED:
            user = getattr(self.request, "user", None)
            where = SimpleNamespace(municipality=data.get("municipality"))
            if not policy.can_override_gate(user, where):
                raise ValidationError(
                    {"override_reason": _("Only a regional moderator may publish below the gate.")}
                )
            self.instance._gate_override = " ".join(reason.split())
        return data


@admin.register(Property)
class PropertyAdmin(SimpleHistoryAdmin):
    form = PropertyAdminForm
    list_display = [
        "title",
        "kind",
        "zonings_shown",
        "municipality",
        "status",
        "verified_on",
        "freshness_shown",
        "readiness_level",
        "is_demo",
    ]
    list_filter = [
        "status",
        "kind",
        ZoningFilter,
        "readiness_level",
        "is_demo",
        "municipality__district",
    ]
    search_fields = ["title", "external_id"]
    raw_id_fields = ["municipality"]
    inlines = [PhotoInline, DocumentInline]
    # The readiness level is derived from the checklist on save (readiness.py).
    readonly_fields = ["location_facts_shown", "readiness_level"]

    @admin.display(description=_("computed location facts"))
    def location_facts_shown(self, obj):
        return (
            "; ".join(
                f"{facts.FACTS[key].label}: {facts.computed_text(key, value)}"
                for key, value in ((obj.location_facts or {}).get("computed") or {}).items()
            )
            or "–"
        )

    @admin.display(description=_("how current"))
    def freshness_shown(self, obj):
        state = freshness.staleness(obj)
        return f"{state.label}: {state.text}"

    @admin.display(description=_("zoning"))
    def zonings_shown(self, obj):
        return ", ".join(obj.zonings)

    # The admin follows the same policy as the back office.
    def get_queryset(self, request):
        return policy.editable_records(request.user, super().get_queryset(request))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def save_model(self, request, obj, form, change):
        # The history entry of an override names it, what was missing and why (publication.py).
        reason = getattr(obj, "_gate_override", "")
        if reason:
            gaps = obj.publication_gaps()
            if gaps:
                obj._change_reason = publication.override_change_reason(gaps, reason)
        if obj.status == Status.PUBLISHED and obj.published_at is None:
            obj.published_at = timezone.now()  # as change_status does
        super().save_model(request, obj, form, change)
