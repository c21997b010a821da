"""Public pages of the guides (Lotse), contacts and events, and their back office."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from standortlotse.accounts import policy, twofactor
from standortlotse.accounts.decorators import editor_required
from standortlotse.core.collation import sorted_by_name
from standortlotse.geo.models import Municipality
from standortlotse.guides import calendar, coverage, services
from standortlotse.guides.forms import ContactForm, EntryForm, EventForm, GuideForm
from standortlotse.guides.models import Audience, Contact, Event, Guide, Status, Theme, Topic


def _language():
    return (get_language() or "de")[:2]


def entry(request):
    """The guided entry: who, theme, municipality → a shareable overview.

    Incomplete answers (a first choice from the home page, "?wer=returner") or "change my
    answers" ("&aendern=1") preselect the questions; they are not yet an answer."""
    answered = request.GET.get("wer") and request.GET.get("thema")
    complete = answered and "aendern" not in request.GET
    initial = {"who": request.GET.get("wer", ""), "theme": request.GET.get("thema", "")}
    if (request.GET.get("gemeinde") or "").isdigit():
        initial["municipality"] = request.GET["gemeinde"]
    form = EntryForm(request.GET if complete else None, initial=initial)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        result = services.overview(data["who"], data["theme"], data["municipality"])
        query = request.GET.copy()
        query["aendern"] = "1"
        return render(
            request,
            "guides/overview.html",
            {
                "form": form,
                "result": result,
                "language": _language(),
                "who_label": dict(Audience.choices).get(data["who"], ""),
                "theme_label": dict(Theme.choices).get(data["theme"], ""),
                "topic_label": dict(Topic.choices).get(result.topic, ""),
                "share_url": request.build_absolute_uri(),
                "change_url": reverse("guides:entry") + "?" + query.urlencode(),
                # Guides shown in German on the English page (marked lang="de", "in German").
                "untranslated": {
                    g.pk for g in result.guides if not services.has_text(g, _language())
                },
            },
        )
    return render(
        request,
        "guides/entry.html",
        {"form": form, "audiences": Audience.choices},
        status=400 if form.is_bound else 200,
    )


def guide_list(request):
    guides = services.published_guides().order_by("region__name", "theme", "title_de")
    by_theme = {value: [] for value, _label in Theme.choices}
    for guide in guides:
        by_theme[guide.theme].append(guide)
    return render(
        request,
        "guides/guide_list.html",
        {
            "themes": [(value, label, by_theme[value]) for value, label in Theme.choices],
            "language": _language(),
        },
    )


def _guide_json_ld(guide, request, language):
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": guide.title(language),
        "description": guide.summary(language),
        "inLanguage": language,
        "dateModified": guide.updated_at.isoformat(),
        "url": request.build_absolute_uri(guide.get_absolute_url()),
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME},
    }
    if guide.image:
        data["image"] = request.build_absolute_uri(guide.image.url)
    return data


def guide(request, region, slug):
    guide = get_object_or_404(
        Guide.objects.select_related("region", "contact__organisation"),
        region__slug=region,
        slug=slug,
    )
    if guide.status != Status.PUBLISHED and not policy.can_moderate(
        twofactor.acting_user(request), guide
    ):
        raise Http404
    language = _language()
    related = (
        services.published_guides(guide.region).filter(theme=guide.theme).exclude(pk=guide.pk)[:4]
    )
    return render(
        request,
        "guides/guide.html",
        {
            "guide": guide,
            "language": language,
            "body": guide.body_html(language),
            "related": related,
            "events": services.upcoming_events(guide.region, limit=3),
            "absolute_url": request.build_absolute_uri(guide.get_absolute_url()),
            "json_ld": _guide_json_ld(guide, request, language),
        },
    )


def contacts(request):
    topic = request.GET.get("thema", "")
    municipality = (
        Municipality.objects.filter(pk=request.GET.get("gemeinde") or None).first()
        if (request.GET.get("gemeinde") or "").isdigit()
        else None
    )
    region = municipality.region if municipality else None
    found = (
        services.contacts_for(region, municipality, [topic] if topic in Topic.values else None)
        if (municipality or topic)
        else list(Contact.objects.published().select_related("organisation", "region"))
    )
    return render(
        request,
        "guides/contacts.html",
        {
            "contacts": found,
            "topics": Topic.choices,
            "topic": topic,
            "municipality": municipality,
            "municipalities": sorted_by_name(
                Municipality.objects.filter(district__regions__isnull=False).distinct()
            ),
            "language": _language(),
            "json_ld": {
                "@context": "https://schema.org",
                "@type": "ItemList",
                "itemListElement": [
                    {
                        "@type": "ListItem",
                        "position": i + 1,
                        "item": {
                            "@type": "Organization",
                            "name": c.organisation.name,
                            **({"email": c.email} if c.email else {}),
                            **({"telephone": c.phone} if c.phone else {}),
                        },
                    }
                    for i, c in enumerate(found)
                ],
            },
        },
    )


def events(request):
    return render(
        request,
        "guides/events.html",
        {"events": services.upcoming_events(), "language": _language()},
    )


def _event_json_ld(event, request, language):
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title(language),
        "startDate": event.starts_at.isoformat(),
        "description": event.description(language),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {
            "@type": "Place",
            "name": event.location,
            "address": event.municipality.name if event.municipality_id else event.location,
        },
        "url": request.build_absolute_uri(event.get_absolute_url()),
    }
    if event.ends_at:
        data["endDate"] = event.ends_at.isoformat()
    return data


def event(request, pk):
    event = get_object_or_404(
        Event.objects.select_related("municipality", "place", "organiser__organisation", "region"),
        pk=pk,
    )
    if event.status != Status.PUBLISHED and not policy.can_moderate(
        twofactor.acting_user(request), event
    ):
        raise Http404
    language = _language()
    return render(
        request,
        "guides/event.html",
        {
            "event": event,
            "language": language,
            "absolute_url": request.build_absolute_uri(event.get_absolute_url()),
            "json_ld": _event_json_ld(event, request, language),
        },
    )


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def event_ics(request, pk):
    event = get_object_or_404(Event.objects.published(), pk=pk)
    return _ics_response(calendar.ics([event], _language()), f"termin-{event.pk}.ics")


def events_ics(request):
    return _ics_response(calendar.ics(services.upcoming_events(), _language()), "termine.ics")


class EventFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Events in the region")
    subtitle = gettext_lazy("Network meetings, open days and more.")

    def link(self):
        return reverse("guides:events")

    def items(self):
        return services.upcoming_events()[:50]

    def item_title(self, item):
        return f"{date_format(timezone.localtime(item.starts_at))}: {item.title(_language())}"

    def item_description(self, item):
        return f"{item.location}. {item.description(_language())}"

    def item_link(self, item):
        return item.get_absolute_url()

    def item_updateddate(self, item):
        return item.updated_at

    def item_pubdate(self, item):
        return item.created_at


# --- back office -------------------------------------------------------------------------------

KINDS = {
    "seiten": (Guide, GuideForm, gettext_lazy("Guide page")),
    "kontakte": (Contact, ContactForm, gettext_lazy("Contact")),
    "termine": (Event, EventForm, gettext_lazy("Event")),
}


@editor_required
def editor_list(request):
    regions = policy.moderated_regions(request.user)
    return render(
        request,
        "guides/editor_list.html",
        {
            "guides": services.editable(request.user, Guide.objects.select_related("region")),
            "contacts": services.editable(
                request.user, Contact.objects.select_related("region", "organisation")
            ),
            "events": services.editable(
                request.user, Event.objects.select_related("region")
            ).order_by("-starts_at"),
            "may_edit": regions.exists(),
            # The gaps of the guided entry in the moderator's regions (also manage.py
            # guides_gaps): a cell without a guide falls back to the general ones.
            "gaps": (
                coverage.described(coverage.cell_gaps(regions), coverage.contact_gaps(regions))
                if regions.exists()
                else None
            ),
        },
    )


@editor_required
def editor_form(request, kind, pk=None):
    if kind not in KINDS:
        raise Http404
    model, form_class, label = KINDS[kind]
    regions = policy.moderated_regions(request.user)
    if not regions.exists():
        raise Http404
    instance = None
    if pk is not None:
        instance = get_object_or_404(services.editable(request.user, model.objects.all()), pk=pk)
    form = form_class(
        request.POST or None, request.FILES or None, instance=instance, regions=regions
    )
    if request.method == "POST" and form.is_valid():
        record = form.save()
        services.require_moderation(request.user, record)
        messages.success(request, _("Saved."))
        return redirect("guides:editor_edit", kind=kind, pk=record.pk)
    return render(
        request,
        "guides/editor_form.html",
        {
            "form": form,
            "label": label,
            "record": instance,
            "kind": kind,
        },
        status=400 if form.errors else 200,
    )
