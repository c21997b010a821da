"""Personal data of the investor service (search profiles with their alerts, case contacts) for
the data subject rights (privacy app)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from standortlotse.accounts import policy
from standortlotse.cases.models import Activity, AlertSent, Case, SearchProfile
from standortlotse.privacy.registry import Provider, plain, register, visible_by


@register
class SearchProfileProvider(Provider):
    """A profile with ``alerts`` is the alert subscription; it is deleted (its case keeps the
    requirements it copied)."""

    key = "search_profiles"
    label = _("search profiles and alert subscriptions")
    model = SearchProfile
    email_fields = {"email": ()}
    export_fields = (
        "uid",
        "created_at",
        "alerts",
        "kinds",
        "area_min_m2",
        "area_max_m2",
        "zoning",
        "available_by",
        "price_max",
        "motorway_km_max",
        "need_rail_siding",
        "need_electricity_mw",
        "need_broadband_mbits",
        "need_operation_24_7",
        "need_grid_kva",
        "weights",
    )

    def export(self, profile):
        data = super().export(profile)
        data["districts"] = [d.name for d in profile.districts.all()]
        return data


@register
class AlertSentProvider(Provider):
    key = "alerts_sent"
    label = _("alert mails sent")
    model = AlertSent

    def condition(self, email, identifiers):
        return Q(profile__email__iexact=email)

    def export(self, alert):
        return {
            "profile": str(alert.profile.uid),
            "property": alert.property.title,
            "sent_at": plain(alert.sent_at),
        }


@register
class CaseContactProvider(Provider):
    """The case stays with its organisation (pipeline figures); the contact person goes."""

    key = "case_contacts"
    label = _("contact persons of investor cases")
    model = Case
    email_fields = {"contact_email": ("contact_name", "contact_phone")}
    text_fields = ("description", "lost_reason")
    export_fields = (
        "id",
        "company",
        "sector",
        "contact_name",
        "contact_email",
        "contact_phone",
        "description",
        "stage",
        "created_at",
    )
    erase_by = "anonymise"
    visible = visible_by(policy.owned_cases)  # contact persons: the owning organisation only

    def export(self, case):
        data = super().export(case)
        data["owner"] = case.owner.name
        return data


@register
class CaseActivityProvider(Provider):
    """Entries of a case's log that quote the address (e.g. a note of a call)."""

    key = "case_activities"
    label = _("entries in case logs")
    model = Activity
    text_fields = ("text",)
    export_fields = ("case_id", "created_at", "text")
    erase_by = "anonymise"
    visible = visible_by(policy.owned_cases, through="case")  # the log, as its case
