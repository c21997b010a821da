"""Contact forms (public) and the inquiry inbox (back office)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from standortlotse.accounts import policy
from standortlotse.accounts.decorators import editor_required
from standortlotse.core.forms import within_rate_limit
from standortlotse.geo.models import Municipality
from standortlotse.guides.models import Contact, Topic
from standortlotse.inquiries import presenters, services
from standortlotse.inquiries.forms import AnswerForm, AssignForm, InquiryForm, NoteForm, StatusForm
from standortlotse.inquiries.models import Inquiry, Status
from standortlotse.places.models import Place
from standortlotse.places.models import Status as PlaceStatus
from standortlotse.properties.models import Property
from standortlotse.properties.models import Status as PropertyStatus
from standortlotse.properties.selectors import MAX_COMPARE


def _target(kind, pk):
    if kind == "immobilie":
        prop = get_object_or_404(Property, pk=pk, status=PropertyStatus.PUBLISHED)
        return {"property": prop}, Topic.PROPERTY, prop.title, prop.get_absolute_url()
    if kind == "ort":
        place = get_object_or_404(Place, pk=pk, status=PlaceStatus.PUBLISHED)
        return {"place": place}, Topic.PLACE, place.name, place.get_absolute_url()
    if kind == "kontakt":
        contact = get_object_or_404(
            Contact.objects.published().select_related("organisation", "region"), pk=pk
        )
        topic = contact.topics[0] if contact.topics else Topic.OTHER
        return (
            {"organisation": contact.organisation, "region": contact.region},
            topic,
            str(contact),
            contact.get_absolute_url(),
        )
    if kind == "gemeinde":
        municipality = get_object_or_404(Municipality, pk=pk)
        return (
            {"municipality": municipality, "region": municipality.region},
            Topic.OTHER,
            municipality.name,
            "",
        )
    if kind == "barrierefreiheit":
        return {}, Topic.OTHER, _("accessibility"), reverse("accessibility")
    if kind is None:
        return {}, Topic.OTHER, "", ""
    raise Http404


# The thanks page finds the just-sent inquiry through this signed cookie (see contact()).
THANKS_COOKIE = "inquiry_sent"
THANKS_COOKIE_SECONDS = 3600


def _compared(request, kind) -> list[Property]:
    """The properties of an inquiry from the comparison (``?ids=1,2,3``, up to four)."""
    if kind is not None or not request.GET.get("ids"):
        return []
    wanted = []
    for part in ",".join(request.GET.getlist("ids")).split(","):
        if part.strip().isdigit() and int(part) not in wanted:
            wanted.append(int(part))
    found = Property.objects.filter(pk__in=wanted[:MAX_COMPARE], status=PropertyStatus.PUBLISHED)
    by_pk = {p.pk: p for p in found.select_related("municipality__district")}
    return [by_pk[pk] for pk in wanted if pk in by_pk]


def contact(request, kind=None, pk=None):
    properties = _compared(request, kind)
    if len(properties) == 1:
        kind, pk = "immobilie", properties[0].pk
    target, topic, title, back_url = _target(kind, pk)
    if len(properties) > 1:
        topic, title = Topic.PROPERTY, ", ".join(p.title for p in properties)
        back_url = reverse("properties:compare") + "?ids=" + ",".join(str(p.pk) for p in properties)
    form = InquiryForm(request.POST or None, initial={"topic": request.GET.get("thema") or topic})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if within_rate_limit(request, form, "inquiry", settings.INQUIRIES_PER_HOUR):
                language = get_language() or "de"
                if len(properties) > 1:
                    sent = services.receive_many(
                        form, properties, language=language, page_url=back_url
                    )
                else:
                    sent = [services.receive(form, language=language, page_url=back_url, **target)]
                # A signed cookie, not the session: after the inquiry's commit nothing else is
                # written to the database, so a database failure cannot turn a saved inquiry into
                # an error page (docs/faults.md).
                response = redirect("inquiries:thanks")
                response.set_signed_cookie(
                    THANKS_COOKIE,
                    ",".join(str(inquiry.pk) for inquiry in sent),
                    salt=THANKS_COOKIE,
                    max_age=THANKS_COOKIE_SECONDS,
                    httponly=True,
                    secure=settings.SESSION_COOKIE_SECURE,
                    samesite="Lax",
                )
                return response
            status = 429
    return render(
        request,
        "inquiries/contact.html",
        {"form": form, "title": title, "back_url": back_url, "properties": properties},
        status=status,
    )


def thanks(request):
    value = request.get_signed_cookie(
        THANKS_COOKIE, default="", salt=THANKS_COOKIE, max_age=THANKS_COOKIE_SECONDS
    )
    pks = [int(part) for part in value.split(",") if part.isdigit()]
    found = Inquiry.objects.filter(pk__in=pks).select_related("recipient", "property", "place")
    by_pk = {inquiry.pk: inquiry for inquiry in found}
    inquiries = [by_pk[pk] for pk in pks if pk in by_pk]
    return render(
        request,
        "inquiries/thanks.html",
        {"inquiry": inquiries[0] if inquiries else None, "inquiries": inquiries},
    )


# --- inbox --------------------------------------------------------------------------------------


def _visible(request):
    return policy.visible_inquiries(request.user, Inquiry.objects.all())


@editor_required
def inbox(request):
    inquiries = _visible(request).select_related("recipient", "assigned_to", "property", "place")
    status = request.GET.get("status", "")
    if status in Status.values:
        inquiries = inquiries.filter(status=status)
    elif status != "all":
        inquiries = inquiries.exclude(status=Status.CLOSED)
    mine = bool(request.GET.get("mine"))
    if mine:
        inquiries = inquiries.filter(assigned_to=request.user)
    shown = list(inquiries[:200])
    for inquiry in shown:
        inquiry.subject = presenters.subject_of(inquiry)
    per_organisation = services.response_times(_visible(request))
    return render(
        request,
        "inquiries/inbox.html",
        {
            "inquiries": shown,
            "status": status,
            "mine": mine,
            "statuses": Status.choices,
            "response_times": per_organisation,
            "overall": services.response_time_overall(_visible(request))
            if len(per_organisation) > 1
            else None,
        },
    )


@editor_required
def inquiry_detail(request, pk):
    inquiry = get_object_or_404(
        _visible(request).select_related("recipient", "assigned_to", "property", "place"), pk=pk
    )
    members = services.members_of(inquiry.recipient)
    forms = {
        "answer_form": AnswerForm(),
        "note_form": NoteForm(),
        "assign_form": AssignForm(initial={"assigned_to": inquiry.assigned_to_id}, members=members),
        "status_form": StatusForm(initial={"status": inquiry.status}),
    }
    if request.method == "POST":
        action = request.POST.get("action")
        form_class = {"answer": AnswerForm, "note": NoteForm, "status": StatusForm}.get(action)
        if action == "assign":
            form = AssignForm(request.POST, members=members)
        elif form_class:
            form = form_class(request.POST)
        else:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            if action == "answer":
                services.answer(request.user, inquiry, data["text"])
                messages.success(request, _("The answer was sent."))
            elif action == "note":
                services.add_note(request.user, inquiry, data["text"])
            elif action == "assign":
                services.assign(request.user, inquiry, data["assigned_to"])
            else:
                services.set_status(request.user, inquiry, data["status"])
            return redirect("inquiries:detail", pk=pk)
        forms[f"{action}_form"] = form
    return render(
        request,
        "inquiries/detail.html",
        {
            "inquiry": inquiry,
            "subject": presenters.subject_of(inquiry, request.user),
            "thread": presenters.thread(inquiry),
            "response_time": presenters.response_time_text(inquiry),
            "reply_to": services.answer_reply_to(request.user, inquiry),
            **forms,
        },
    )
