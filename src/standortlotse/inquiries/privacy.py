"""Personal data of inquiries (and of feedback on the accessibility statement, which is sent
through the same contact form) for the data subject rights (privacy app)."""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from standortlotse.accounts import policy
from standortlotse.inquiries import services
from standortlotse.inquiries.models import Inquiry, Note
from standortlotse.privacy.registry import Provider, plain, register


def accessibility_pages() -> set[str]:
    pages = set()
    for language in ("de", "en"):
        with translation.override(language):
            pages.add(reverse("accessibility"))
    return pages


class _InquiryData(Provider):
    model = Inquiry
    email_fields = {"email": ("name", "organisation_name", "phone")}
    text_fields = ("message",)
    erase_by = "anonymise"  # the figures (response times per organisation) stay

    def visible(self, user, queryset):
        return policy.visible_inquiries(user, queryset)

    def export(self, inquiry):
        return {
            "id": str(inquiry.uid), "created_at": plain(inquiry.created_at), "name": inquiry.name,
            "organisation": inquiry.organisation_name, "email": inquiry.email, "phone": inquiry.phone,
            "topic": inquiry.topic, "message": inquiry.message, "about": inquiry.subject_title(),
            "page": inquiry.page_url, "status": inquiry.status, "recipient": inquiry.recipient.name,
            "answers": [n.text for n in inquiry.notes.all() if n.kind == Note.Kind.ANSWER],
        }

    def anonymise(self, inquiry, email, also=()):
        if inquiry.email.strip().lower() != email:
            super().anonymise(inquiry, email, also)  # someone else's inquiry that quotes the address
            return
        services.anonymise(inquiry, text=_("[removed on request of the person]"))


@register
class InquiryProvider(_InquiryData):
    key = "inquiries"
    label = gettext_lazy("inquiries")

    def find(self, email, identifiers=frozenset(), model=None):
        return super().find(email, identifiers, model).exclude(page_url__in=accessibility_pages())


@register
class AccessibilityFeedbackProvider(_InquiryData):
    key = "accessibility_feedback"
    label = gettext_lazy("feedback on the accessibility statement")

    def find(self, email, identifiers=frozenset(), model=None):
        return super().find(email, identifiers, model).filter(page_url__in=accessibility_pages())
