"""Pages of the creative places: public map/list, detail, submission, owner link, moderation."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from csp.decorators import csp_replace
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST

from standortlotse.accounts import policy, twofactor
from standortlotse.core import embed
from standortlotse.core.forms import within_rate_limit
from standortlotse.core.links import FreshLinkForm, fresh_link_request
from standortlotse.core.ogimage import card_response
from standortlotse.geo.models import Region
from standortlotse.places import exchange, kept_photos, selectors, services
from standortlotse.places.forms import (
    ImportForm, ModerationForm, PlaceForm, PlaceSearchForm, RegionSettingsForm, SubmissionForm,
)
from standortlotse.places.models import HeldPhoto, ImportConflict, PendingUpdate, Place, RegionSettings, Status
from standortlotse.places.presenters import json_ld
from standortlotse.accounts.decorators import editor_required, moderator_required
from standortlotse.properties.selectors import published_properties

PAGE_SIZE = 24


def _criteria(form) -> dict:
    form.is_valid()
    return {k: v for k, v in form.cleaned_data.items() if v}


def search(request):
    form = PlaceSearchForm(request.GET or None)
    criteria = _criteria(form) if form.is_bound else {}
    page = Paginator(selectors.search(criteria), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "places/search.html", {
        "form": form, "page": page, "query": query.urlencode(), "map_query": _api_query(criteria),
    })


def _api_query(criteria: dict) -> str:
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key in ("q", "field", "type", "offer"):
        if criteria.get(key):
            query.setlist(key, criteria[key] if isinstance(criteria[key], list) else [criteria[key]])
    if criteria.get("region"):
        query["region"] = criteria["region"].slug
    if criteria.get("municipality"):
        query["municipality"] = criteria["municipality"].ags
    return query.urlencode()


def detail(request, pk):
    place = get_object_or_404(
        Place.objects.select_related("municipality__district", "region").prefetch_related("attributes", "photos"),
        pk=pk,
    )
    if not place.is_public and not policy.can_moderate(twofactor.acting_user(request), place):
        raise Http404
    return render(request, "places/detail.html", {
        "place": place,
        "nearby_places": selectors.nearby_places(place),
        "nearby_properties": selectors.nearby_properties(place),
        "json_ld": json_ld(place, request),
        "absolute_url": request.build_absolute_uri(place.get_absolute_url()),
        "og_image": request.build_absolute_uri(reverse("places:og_image", args=[place.pk])),
        "map_data": {"lat": place.lat, "lon": place.lon, "title": place.name, "outline": None},
    })


def region_portal(request, slug):
    region = get_object_or_404(Region, slug=slug)
    rules = RegionSettings.for_region(region)
    places = selectors.search({"region": region})
    return render(request, "places/region.html", {
        "region": region,
        "intro": rules.intro(get_language() or "de"),
        "places": places[:12],
        "place_count": places.count(),
        "property_count": region_property_count(region),
    })


def region_property_count(region) -> int:
    return published_properties().filter(municipality__district__regions=region).count()


# --- submission ------------------------------------------------------------------------------

def submit_choose_region(request):
    regions = list(Region.objects.all())
    if len(regions) == 1:
        return redirect("places:submit", slug=regions[0].slug)
    return render(request, "places/submit_choose.html", {"regions": regions})


def submit(request, slug):
    region = get_object_or_404(Region, slug=slug)
    rules = RegionSettings.for_region(region)
    if request.method == "POST":
        files, kept = kept_photos.restore(request, request.POST)
        form = SubmissionForm(request.POST, files, region=region)
        status = 200
        # Only complete submissions count against the limit: fixing typos never locks anyone out.
        if form.is_valid():
            if within_rate_limit(request, form, "place-submit", settings.PLACE_SUBMISSIONS_PER_HOUR):
                services.submit(form, region)
                kept_photos.discard(kept)
                return redirect("places:submitted")
            status = 429
        kept_photos.keep(request, form, kept)
    else:
        form = SubmissionForm(region=region)
        status = 200
    return render(request, "places/submit.html", {
        "form": form, "region": region, "criteria": rules.criteria(get_language() or "de"),
        "municipality_centres": _centres(form),
    }, status=status)


def _centres(form):
    return {str(m.pk): [m.lat, m.lon] for m in form.fields["municipality"].queryset}


def submitted(request):
    return render(request, "places/submitted.html")


# --- owner link -------------------------------------------------------------------------------

def owner(request, token):
    place = services.place_for_token(token)
    if place is None:
        # Unknown, expired and revoked links look alike; the page offers a fresh link.
        return render(request, "places/owner_invalid.html", {"form": FreshLinkForm()}, status=404)
    form = PlaceForm(request.POST or None, request.FILES or None, instance=place)
    if request.method == "POST":
        action = request.POST.get("action", "update")
        if action == "confirm":
            services.confirm_by_owner(place)
            messages.success(request, _("Thank you! Your place is confirmed as current."))
            return redirect("places:owner", token=token)
        if action == "rotate":
            services.rotate_link(place)
            return render(request, "places/owner_rotated.html")
        if form.is_valid():
            result = services.owner_update(place, form)
            messages.success(request, _("Your changes are online.") if result == "applied" and place.is_public
                             else _("Thank you! Your changes were saved and will be reviewed."))
            return redirect("places:owner", token=token)
        messages.error(request, _("Please correct the marked fields. Nothing was saved yet."))
    # The moderator's request: the step into "changes requested", not later log entries.
    request_note = (
        place.transitions.filter(to_status=Status.CHANGES_REQUESTED)
        .exclude(from_status=F("to_status")).exclude(message="").first()
    )
    return render(request, "places/owner.html", {
        "place": place, "form": form, "token": token, "request_note": request_note,
        "transitions": place.transitions.all()[:10],
        "pending": place.pending_updates.exists(),
        "municipality_centres": _centres(form),
    })


def owner_link_request(request):
    """"Send me a fresh link": the same answer whether or not the address belongs to a place."""
    form, status, sent = fresh_link_request(request, "place-link", services.send_fresh_links)
    if sent:
        return render(request, "places/owner_link_sent.html")
    return render(request, "places/owner_link_request.html", {"form": form}, status=status)


# --- moderation ---------------------------------------------------------------------------------

@moderator_required
def queue(request):
    places = policy.moderated_records(request.user, Place.objects.all()).select_related("municipality", "region")
    status = request.GET.get("status", "")
    if status == "attention":
        places = places.filter(
            Q(unconfirmed=True) | Q(pending_updates__isnull=False) | Q(import_conflicts__resolved=False)
        ).distinct()
    elif status in Status.values:
        places = places.filter(status=status)
    else:
        places = places.filter(status__in=[Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED])
    counts = dict(
        policy.moderated_records(request.user, Place.objects.all()).values_list("status").annotate(n=Count("pk"))
    )
    places = places.annotate(
        pending=Count("pending_updates", distinct=True),
        conflicts=Count("import_conflicts", filter=Q(import_conflicts__resolved=False), distinct=True),
    ).order_by("-updated_at")
    return render(request, "places/queue.html", {
        "places": places[:200], "status": status, "statuses": Status.choices, "counts": counts,
        "regions": policy.moderated_regions(request.user),
    })


def _moderated(request, pk) -> Place:
    return get_object_or_404(policy.moderated_records(request.user, Place.objects.all()), pk=pk)


@moderator_required
def review(request, pk):
    place = _moderated(request, pk)
    form = ModerationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.moderate(request.user, place, form.cleaned_data["action"], form.cleaned_data["message"])
            messages.success(request, _("Status is now: %(status)s.") % {"status": place.get_status_display()})
            return redirect("places:review", pk=place.pk)
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "places/review.html", {
        "place": place, "form": form, "transitions": place.transitions.select_related("actor"),
        "pending_updates": place.pending_updates.prefetch_related("photos"),
        "conflicts": place.import_conflicts.filter(resolved=False),
        "allowed": services.MODERATOR_TRANSITIONS.get(place.status, set()),
    })


@moderator_required
@require_POST
def review_update(request, pk, update_pk):
    place = _moderated(request, pk)
    update = get_object_or_404(PendingUpdate, pk=update_pk, place=place)
    services.decide_update(request.user, update, accept=request.POST.get("decision") == "accept")
    return redirect("places:review", pk=pk)


@moderator_required
def review_held_photo(request, pk, photo_pk):
    """A photo of an owner's pending update, for the moderator only (it is in no public storage)."""
    from django.http import FileResponse

    place = _moderated(request, pk)
    held = get_object_or_404(HeldPhoto, pk=photo_pk, update__place=place)
    response = FileResponse(held.image.open("rb"), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@moderator_required
@require_POST
def review_trust(request, pk):
    place = _moderated(request, pk)
    services.set_trusted(request.user, place, request.POST.get("trusted") == "1")
    return redirect("places:review", pk=pk)


@moderator_required
@require_POST
def review_rotate(request, pk):
    place = _moderated(request, pk)
    services.rotate_link(place, actor=request.user)
    messages.success(request, _("A new private link was sent to the owner."))
    return redirect("places:review", pk=pk)


@moderator_required
@require_POST
def review_conflict(request, pk, conflict_pk):
    place = _moderated(request, pk)
    conflict = get_object_or_404(ImportConflict, pk=conflict_pk, place=place, resolved=False)
    try:
        exchange.resolve_conflict(request.user, conflict, take_incoming=request.POST.get("decision") == "incoming")
    except ValidationError as error:
        messages.error(request, _("The partner's version cannot be taken: %(errors)s") % {"errors": "; ".join(error.messages)})
    return redirect("places:review", pk=pk)


@moderator_required
def region_settings(request, slug):
    region = get_object_or_404(policy.moderated_regions(request.user), slug=slug)
    form = RegionSettingsForm(request.POST or None, instance=RegionSettings.for_region(region))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The settings were saved."))
        return redirect("places:region_settings", slug=slug)
    return render(request, "places/region_settings.html", {"form": form, "region": region})


@moderator_required
def import_upload(request):
    regions = policy.moderated_regions(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    form.fields["region"] = _region_field(regions)
    rows = None
    if request.method == "POST" and form.is_valid():
        try:
            records = exchange.parse(form.cleaned_data["file"].read(), form.cleaned_data["file"].name)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            region = form.cleaned_data["region"]
            rows = exchange.plan(records, form.cleaned_data["source"], region)
            request.session["place_import"] = {
                "records": records, "source": form.cleaned_data["source"], "region": region.pk,
            }
    return render(request, "places/import.html", {"form": form, "rows": rows, "summary": _summary(rows)})


def _region_field(regions):
    from django import forms

    return forms.ModelChoiceField(label=_("Region"), queryset=regions, initial=regions.first())


def _summary(rows):
    if rows is None:
        return None
    summary = {"new": 0, "update": 0, "unchanged": 0, "conflict": 0, "error": 0}
    for row in rows:
        summary[row.action] += 1
    return summary


@moderator_required
@require_POST
def import_apply(request):
    pending = request.session.pop("place_import", None)
    if not pending:
        messages.error(request, _("There is no import to apply. Please upload the file again."))
        return redirect("places:import")
    region = get_object_or_404(policy.moderated_regions(request.user), pk=pending["region"])
    rows = exchange.plan(pending["records"], pending["source"], region)
    counts = exchange.apply(rows, pending["source"], region, request.user)
    messages.success(request, _(
        "Import done: %(new)d new, %(update)d updated, %(unchanged)d unchanged, "
        "%(conflict)d conflicts for review, %(error)d rows with errors skipped."
    ) % counts)
    return redirect(reverse("places:queue") + "?status=attention")


# --- embedding ------------------------------------------------------------------------------------

def embed_builder(request):
    form = PlaceSearchForm(request.GET or None)
    snippet, src = embed.snippet(request, "places:widget", request.GET.urlencode(), _("Creative places"))
    return render(request, "places/embed.html", {"form": form, "snippet": snippet, "src": src})


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})  # other sites may frame the widget
def widget(request):
    form = PlaceSearchForm(request.GET or None)
    criteria = _criteria(form) if form.is_bound else {}
    return render(request, "places/widget.html", {"places": selectors.search(criteria)[:100]})


def csv_template(request):
    response = HttpResponse(exchange.csv_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="orte-vorlage.csv"'
    return response



def og_image(request, pk):
    """The social card of a place (Open Graph image), drawn here and cached."""
    place = get_object_or_404(Place.objects.select_related("municipality"), pk=pk)
    if not place.is_public and not policy.can_moderate(twofactor.acting_user(request), place):
        raise Http404
    return card_response(place, place.name, f"{place.pitch} · {place.municipality.name}")
