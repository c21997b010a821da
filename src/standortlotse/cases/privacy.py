"""Personal data of the investor service (search profiles with their alerts, case contacts) for
the data subject rights (privacy app)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from standortlotse.accounts import policy
from standortlotse.cases.models import (
    Activity,
    AlertSent,
    Case,
    OfferItem,
    OfferQuestion,
    SearchProfile,
)
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


def _owned_offer_records(self, user, queryset):
    """Records of site offers: as their case, the owning organisation only."""
    return queryset.filter(offer__case__in=policy.owned_cases(user, Case.objects.all()))


@register
class OfferQuestionProvider(Provider):
    """Questions the investor asked on the page of a site offer (the case's contact)."""

    key = "offer_questions"
    label = _("questions asked on site offers")
    model = OfferQuestion
    text_fields = ("text",)
    export_fields = ("asked_at", "text")
    visible = _owned_offer_records

    def condition(self, email, identifiers):
        return Q(offer__case__contact_email__iexact=email)

    def export(self, question):
        data = super().export(question)
        data["offer"] = str(question.offer)
        return data


@register
class OfferAnswerProvider(Provider):
    """The investor's answers to the properties of a site offer: the comment goes, the answer
    (interesting or not) stays with the case."""

    key = "offer_answers"
    label = _("answers to site offers")
    model = OfferItem
    text_fields = ("comment",)
    export_fields = ("verdict", "comment", "answered_at")
    erase_by = "anonymise"
    visible = _owned_offer_records

    def condition(self, email, identifiers):
        return Q(offer__case__contact_email__iexact=email) & ~Q(comment="")

    def export(self, item):
        data = super().export(item)
        data["offer"] = str(item.offer)
        data["property"] = item.property.title
        return data

    def anonymise(self, record, email: str, also=()) -> None:
        record.comment = ""
        record.save(update_fields=["comment"])
