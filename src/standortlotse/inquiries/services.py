"""Inquiries: receiving, routing, answering, response times and retention (data subject rights:
inquiries/privacy.py)."""

from datetime import timedelta
from statistics import median

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from standortlotse.accounts import policy
from standortlotse.accounts.recipients import organisation_addresses, queue_staff_email
from standortlotse.core.mail import queue_email, undeliverable_notice
from standortlotse.core.validators import validate_email_address
from standortlotse.inquiries import routing
from standortlotse.inquiries.models import Inquiry, Note, RetentionPolicy, Status

ANONYMISED_EMAIL = "anonymised@invalid"


@transaction.atomic
def receive(
    form,
    *,
    language="de",
    property=None,
    place=None,
    region=None,
    municipality=None,
    organisation=None,
    page_url="",
    confirm=True,
) -> Inquiry:
    """Store and route an inquiry. ``organisation`` (a contact chosen from the directory) is the
    recipient itself; otherwise the routing decides. ``confirm=False``: the caller confirms to
    the visitor itself (one mail for an inquiry about several properties)."""
    inquiry = form.save(commit=False)
    _store(inquiry, language, property, place, region, municipality, organisation, page_url)
    if confirm:
        with translation.override(inquiry.language):
            queue_email(
                inquiry.email,
                "inquiries/email/confirmation",
                {"inquiry": inquiry, "inquiries": [inquiry]},
                notice=_notice(inquiry),
            )
    return inquiry


@transaction.atomic
def receive_many(form, properties, *, language="de", page_url="", note="") -> list[Inquiry]:
    """One inquiry about several properties (the comparison, an investor's profile results):
    one inquiry per property, each routed by the property's contact rule (staff told in their
    own language), and one confirmation naming them all with their reference numbers.

    ``note`` is added to each message for staff (default: which properties were asked about
    together); ``page_url`` is where it was sent from (default: each property's page)."""
    inquiries = []
    titles = ", ".join(p.title for p in properties)
    if not note and len(properties) > 1:
        with translation.override(settings.LANGUAGE_CODE):  # read by staff
            note = _("(Sent about %(count)s compared properties: %(titles)s)") % {
                "count": len(properties),
                "titles": titles,
            }
    for prop in properties:
        inquiry = Inquiry(**{name: form.cleaned_data[name] for name in form.Meta.fields})
        if note:
            inquiry.message += "\n\n" + note
        _store(inquiry, language, prop, None, None, None, None, page_url or prop.get_absolute_url())
        inquiries.append(inquiry)
    first = inquiries[0]
    with translation.override(first.language):
        queue_email(
            first.email,
            "inquiries/email/confirmation",
            {"inquiry": first, "inquiries": inquiries, "message": form.cleaned_data["message"]},
            notice=_notice(first),
        )
    return inquiries


def _store(inquiry, language, property, place, region, municipality, organisation, page_url):
    """Route and save an inquiry and tell who receives it (the confirmation is the caller's)."""
    person = None
    if organisation is not None:
        inquiry.recipient, inquiry.region = organisation, region
    elif property is not None:
        # The same rule as the detail page: the contact shown is the one the inquiry reaches.
        contact = routing.property_contact(property, inquiry.topic)
        inquiry.recipient = contact.organisation
        inquiry.region = routing.region_of(property=property)
        person = contact.email if contact.named else None
    else:
        inquiry.recipient, inquiry.region = routing.route(
            topic=inquiry.topic,
            property=property,
            place=place,
            region=region,
            municipality=municipality,
        )
    inquiry.property, inquiry.place = property, place
    inquiry.language, inquiry.page_url = language, page_url[:300]
    inquiry.save()
    notice = _notice(inquiry)
    # Staff get the mail in their own language (accounts.StaffPreference), not the visitor's.
    staff = organisation_addresses(inquiry.recipient)
    queue_staff_email(staff, "inquiries/email/new", {"inquiry": inquiry}, notice=notice)
    if person and person.strip().lower() not in {address.lower() for address in staff}:
        # The contact person named on the property page gets the message itself, in the
        # language they read mail in (German unless they are staff who chose otherwise).
        queue_staff_email(
            person,
            "inquiries/email/for_property",
            {"inquiry": inquiry, "prop": property},
            reply_to=[inquiry.email],
            notice=notice,
        )
    with translation.override(settings.LANGUAGE_CODE):
        if place is not None and place.contact_email:
            # The place's own contact has no back-office access: they get the message itself.
            queue_email(
                place.contact_email,
                "inquiries/email/for_place",
                {"inquiry": inquiry, "place": place},
                reply_to=[inquiry.email],
                notice=_place_notice(place),
            )
    return inquiry


def _notice(inquiry: Inquiry) -> dict:
    """Whom to tell when a mail about this inquiry can never be sent (core.mail)."""
    with translation.override(settings.LANGUAGE_CODE):
        record = _("inquiry %(id)s about %(about)s") % {
            "id": inquiry.pk,
            "about": inquiry.subject_title(),
        }
    return undeliverable_notice(
        routing.notice_recipients(inquiry.region),
        record,
        settings.SITE_URL.rstrip("/") + reverse("inquiries:detail", args=[inquiry.pk]),
    )


def _place_notice(place) -> dict:
    with translation.override(settings.LANGUAGE_CODE):
        record = _("the place “%(name)s” (public contact email)") % {"name": place.name}
    return undeliverable_notice(
        routing.notice_recipients(place.region),
        record,
        settings.SITE_URL.rstrip("/") + reverse("places:review", args=[place.pk]),
    )


def _require(user, inquiry):
    if not policy.visible_inquiries(user, Inquiry.objects.filter(pk=inquiry.pk)).exists():
        raise PermissionDenied


def members_of(organisation):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(memberships__organisation=organisation, is_active=True)
        .distinct()
    )


@transaction.atomic
def assign(user, inquiry: Inquiry, assignee) -> None:
    _require(user, inquiry)
    if assignee is not None and not members_of(inquiry.recipient).filter(pk=assignee.pk).exists():
        raise PermissionDenied
    inquiry.assigned_to = assignee
    if inquiry.status == Status.NEW:
        inquiry.status = Status.IN_PROGRESS
    inquiry.save(update_fields=["assigned_to", "status"])
    Note.objects.create(
        inquiry=inquiry,
        author=user,
        kind=Note.Kind.EVENT,
        text=_("Assigned to %(name)s.") % {"name": assignee.get_username() if assignee else "–"},
    )


@transaction.atomic
def add_note(user, inquiry: Inquiry, text: str) -> Note:
    _require(user, inquiry)
    return Note.objects.create(inquiry=inquiry, author=user, kind=Note.Kind.NOTE, text=text)


def _is_address(address: str) -> bool:
    try:
        validate_email_address(address)
    except ValidationError:
        return False
    return True


def answer_reply_to(user, inquiry: Inquiry) -> list[str]:
    """Where the inquirer's reply to an answer goes: the staff member who answered and the
    receiving organisation's own address (so a reply reaches the office when that person is
    away), the valid ones only (an invalid Reply-To would make the mail undeliverable)."""
    found: list[str] = []
    for address in (user.email, inquiry.recipient.email):
        address = (address or "").strip()
        if address and address.lower() not in {a.lower() for a in found} and _is_address(address):
            found.append(address)
    return found


@transaction.atomic
def answer(user, inquiry: Inquiry, text: str) -> Note:
    """Send ``text`` to the inquirer from the platform (Reply-To: ``answer_reply_to``), keep it
    in the inquiry's thread and count the time to the first answer."""
    _require(user, inquiry)
    if inquiry.anonymised_at:
        raise PermissionDenied
    note = Note.objects.create(inquiry=inquiry, author=user, kind=Note.Kind.ANSWER, text=text)
    inquiry.first_answered_at = inquiry.first_answered_at or note.created_at
    inquiry.status = Status.ANSWERED
    inquiry.save(update_fields=["first_answered_at", "status"])
    with translation.override(inquiry.language):
        queue_email(
            inquiry.email,
            "inquiries/email/answer",
            {"inquiry": inquiry, "text": text, "sender": user},
            reply_to=answer_reply_to(user, inquiry) or None,
            notice=_notice(inquiry),
        )
    return note


@transaction.atomic
def set_status(user, inquiry: Inquiry, status: str) -> None:
    _require(user, inquiry)
    inquiry.status = status
    inquiry.closed_at = timezone.now() if status == Status.CLOSED else None
    inquiry.save(update_fields=["status", "closed_at"])
    Note.objects.create(
        inquiry=inquiry,
        author=user,
        kind=Note.Kind.EVENT,
        text=_("Status: %(status)s.") % {"status": inquiry.get_status_display()},
    )


def _figures(seconds: list[float]) -> dict:
    middle = timedelta(seconds=median(seconds)) if seconds else None
    return {
        "answered": len(seconds),
        "median": middle,
        "median_hours": round(middle.total_seconds() / 3600, 1) if middle else None,
    }


def response_times(inquiries) -> list[dict]:
    """Per organisation: number of inquiries, how many were answered and the median time to the
    first answer (``median``, a timedelta; ``median_hours``), sorted by name."""
    per_org = {}
    rows = inquiries.select_related("recipient").only(
        "recipient", "created_at", "first_answered_at"
    )
    for inquiry in rows:
        row = per_org.setdefault(
            inquiry.recipient_id, {"organisation": inquiry.recipient, "count": 0, "seconds": []}
        )
        row["count"] += 1
        if inquiry.first_answered_at:
            row["seconds"].append((inquiry.first_answered_at - inquiry.created_at).total_seconds())
    result = [{**row, **_figures(row.pop("seconds"))} for row in per_org.values()]
    return sorted(result, key=lambda r: r["organisation"].name)


def response_time_overall(inquiries) -> dict:
    """All ``inquiries`` together: count, answered and the median time to the first answer."""
    answered = inquiries.exclude(first_answered_at=None).values_list(
        "created_at", "first_answered_at"
    )
    seconds = [(first - created).total_seconds() for created, first in answered]
    return {"count": inquiries.count(), **_figures(seconds)}


def anonymise(inquiry: Inquiry, now=None, text=None) -> None:
    """Remove the inquirer's data, keep the figures. ``text`` replaces message and answers."""
    text = text or _("[removed after the retention period]")
    inquiry.name = "–"
    inquiry.organisation_name = ""
    inquiry.email = ANONYMISED_EMAIL
    inquiry.phone = ""
    inquiry.message = text
    inquiry.page_url = ""
    inquiry.anonymised_at = now or timezone.now()
    inquiry.save()
    inquiry.notes.exclude(kind=Note.Kind.EVENT).update(text=text)


def apply_retention(now=None) -> int:
    """Anonymise closed inquiries whose retention period (per region, default 12 months) is over."""
    now = now or timezone.now()
    months = {p.region_id: p.months_after_closing for p in RetentionPolicy.objects.all()}
    done = 0
    for inquiry in Inquiry.objects.filter(
        status=Status.CLOSED, anonymised_at=None, closed_at__isnull=False
    ):
        keep = months.get(inquiry.region_id, 12)
        if inquiry.closed_at <= now - timedelta(days=round(30.44 * keep)):
            with transaction.atomic():
                anonymise(inquiry, now)
            done += 1
    return done
