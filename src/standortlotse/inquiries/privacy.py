"""Personal data of inquiries (and of feedback on the accessibility statement, which is sent
through the same contact form) for the data subject rights (privacy app)."""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from standortlotse.accounts import policy
from standortlotse.inquiries import services
from standortlotse.inquiries.models import Inquiry, Note
from standortlotse.privacy.registry import Provider, address_in, plain, register, visible_by


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
    visible = visible_by(policy.visible_inquiries)
    accessibility_feedback = (
        False  # True: only the feedback on the accessibility statement; False: the others
    )

    def find(self, email, identifiers=frozenset(), model=None):
        found, pages = super().find(email, identifiers, model), accessibility_pages()
        return (
            found.filter(page_url__in=pages)
            if self.accessibility_feedback
            else found.exclude(page_url__in=pages)
        )

    def export(self, inquiry):
        return {
            "id": str(inquiry.uid),
            "created_at": plain(inquiry.created_at),
            "name": inquiry.name,
            "organisation": inquiry.organisation_name,
            "email": inquiry.email,
            "phone": inquiry.phone,
            "topic": inquiry.topic,
            "message": inquiry.message,
            "about": inquiry.subject_title(),
            "page": inquiry.page_url,
            "status": inquiry.status,
            "recipient": inquiry.recipient.name,
            "answers": [n.text for n in inquiry.notes.all() if n.kind == Note.Kind.ANSWER],
        }

    def anonymise(self, inquiry, email, also=()):
        if not address_in(inquiry, "email", email):
            super().anonymise(
                inquiry, email, also
            )  # someone else's inquiry that quotes the address
            return
        services.anonymise(inquiry, text=_("[removed on request of the person]"))


@register
class InquiryProvider(_InquiryData):
    key = "inquiries"
    label = gettext_lazy("inquiries")


@register
class AccessibilityFeedbackProvider(_InquiryData):
    key = "accessibility_feedback"
    label = gettext_lazy("feedback on the accessibility statement")
    accessibility_feedback = True
