"""Moderation of the creative places: the queue, the review page and its decisions (status,
owners' pending updates field by field and their held photos, questions to the owner, trust,
link rotation, import conflicts), and the region's settings. Moderators only, within their
regions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from standortlotse.accounts import policy
from standortlotse.accounts.decorators import moderator_required
from standortlotse.places import conflicts, exchange, log, proposals, selectors, services
from standortlotse.places.forms import (
    ModerationForm,
    OwnerMessageForm,
    RegionSettingsForm,
    UpdateDecisionForm,
)
from standortlotse.places.models import (
    HeldPhoto,
    ImportConflict,
    PendingUpdate,
    Place,
    RegionSettings,
    Status,
)


@moderator_required
def queue(request):
    places = policy.moderated_records(request.user, Place.objects.all()).select_related(
        "municipality", "region"
    )
    status = request.GET.get("status", "")
    if status == "attention":
        places = places.filter(
            Q(unconfirmed=True)
            | Q(pending_updates__isnull=False)
            | Q(import_conflicts__resolved=False)
        ).distinct()
    elif status in Status.values:
        places = places.filter(status=status)
    else:
        places = places.filter(
            status__in=[Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED]
        )
    counts = dict(
        policy.moderated_records(request.user, Place.objects.all())
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    places = places.annotate(
        pending=Count("pending_updates", distinct=True),
        conflicts=Count(
            "import_conflicts", filter=Q(import_conflicts__resolved=False), distinct=True
        ),
    ).order_by("-updated_at")
    places = list(places[:200])
    moderated = _moderated_region_ids(request)
    duplicates = selectors.duplicates_by_place(places)
    for place in places:
        place.possible_duplicates = _visible(duplicates.get(place.pk, []), moderated)
    return render(
        request,
        "places/queue.html",
        {
            "places": places,
            "status": status,
            "statuses": Status.choices,
            "counts": counts,
            "regions": policy.moderated_regions(request.user),
        },
    )


def _moderated(request, pk) -> Place:
    return get_object_or_404(
        policy.moderated_records(request.user, Place.objects.all())
        .select_related("municipality__district", "region")
        .prefetch_related("attributes", "photos"),
        pk=pk,
    )


def _moderated_region_ids(request) -> set[int]:
    return set(policy.moderated_regions(request.user).values_list("pk", flat=True))


def _visible(duplicates, moderated: set[int]) -> list:
    """The possible duplicates a moderator may see: those of the regions they moderate, and
    published ones (a place of another region waiting for review stays unnamed)."""
    shown = [d for d in duplicates if d.region_id in moderated or d.is_public]
    for duplicate in shown:
        duplicate.moderated = duplicate.region_id in moderated
    return shown


def _review_page(request, place, *, form=None, decisions=None, message_form=None):
    """The review page: everything the public page will show, the owner's pending updates (each
    with its decision form), partner conflicts, possible duplicates, the thread and the log."""
    pending = proposals.proposals(place)
    for proposal in pending:
        proposal.form = (decisions or {}).get(proposal.update.pk) or UpdateDecisionForm(
            proposal=proposal
        )
    duplicates = _visible(selectors.possible_duplicates_of(place), _moderated_region_ids(request))
    return render(
        request,
        "places/review.html",
        {
            "place": place,
            "form": form or ModerationForm(),
            "message_form": message_form or OwnerMessageForm(),
            "history": log.history(place),
            "thread": log.thread(place),
            "proposals": pending,
            "conflicts": conflicts.open_conflicts(place),
            "duplicates": duplicates,
            "at_centre": selectors.at_municipality_centre(place),
            "point": proposals.point_text((place.lat, place.lon)),
            "allowed": services.MODERATOR_TRANSITIONS.get(place.status, set()),
            "map_data": {
                "lat": place.lat,
                "lon": place.lon,
                "title": place.name,
                "outline": None,
                "proposed": [
                    {
                        "lat": p.point[0],
                        "lon": p.point[1],
                        "title": _("Point proposed by the owner"),
                    }
                    for p in pending
                    if p.point
                ],
            },
        },
    )


@moderator_required
def review(request, pk):
    place = _moderated(request, pk)
    form = ModerationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.moderate(
                request.user, place, form.cleaned_data["action"], form.cleaned_data["message"]
            )
            messages.success(
                request, _("Status is now: %(status)s.") % {"status": place.get_status_display()}
            )
            return redirect("places:review", pk=place.pk)
        except ValidationError as error:
            form.add_error(None, error)
    return _review_page(request, place, form=form)


DECIDED = {
    "all": gettext_lazy("The update was accepted."),
    "some": gettext_lazy("The update was partly accepted; the rest stays as it was."),
    "none": gettext_lazy("The update was declined."),
}


@moderator_required
@require_POST
def review_update(request, pk, update_pk):
    """Accept the ticked changes of an owner's update, decline it, or ask the owner back."""
    place = _moderated(request, pk)
    update = PendingUpdate.objects.filter(pk=update_pk, place=place).first()
    if update is None:  # decided meanwhile (another tab, another moderator)
        messages.info(request, _("This update has been decided already."))
        return redirect("places:review", pk=pk)
    form = UpdateDecisionForm(request.POST, proposal=proposals.proposal(update))
    if form.is_valid():
        decision, message = form.cleaned_data["decision"], form.cleaned_data["message"]
        try:
            if decision == form.ASK:
                services.ask_owner(request.user, place, message, update=update)
                done = _("Your question was sent to the owner; the update stays pending.")
            else:
                details = services.decide_update(
                    request.user,
                    update,
                    accept=decision == form.ACCEPT,
                    fields=form.choice("changes"),
                    photos=form.choice("photos"),
                    removals=form.choice("removals"),
                    message=message,
                )
                done = str(DECIDED[details["outcome"]])
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, done)
            return redirect("places:review", pk=pk)
    return _review_page(request, place, decisions={update.pk: form})


@moderator_required
@require_POST
def review_message(request, pk):
    """A message to the submitter/owner, by mail with their private link (into the thread)."""
    place = _moderated(request, pk)
    form = OwnerMessageForm(request.POST)
    if form.is_valid():
        try:
            services.ask_owner(request.user, place, form.cleaned_data["message"])
        except ValidationError as error:  # e.g. no owner address: nothing the form could fix
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your message was sent to the owner."))
        return redirect("places:review", pk=pk)
    return _review_page(request, place, message_form=form)


@moderator_required
def review_held_photo(request, pk, photo_pk):
    """A photo of an owner's pending update, for the moderator only (it is in no public storage)."""
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
    try:
        services.rotate_link(place, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A new private link was sent to the owner."))
    return redirect("places:review", pk=pk)


@moderator_required
@require_POST
def review_conflict(request, pk, conflict_pk):
    place = _moderated(request, pk)
    conflict = get_object_or_404(ImportConflict, pk=conflict_pk, place=place, resolved=False)
    try:
        exchange.resolve_conflict(
            request.user, conflict, take_incoming=request.POST.get("decision") == "incoming"
        )
    except ValidationError as error:
        messages.error(
            request,
            _("The partner's version cannot be taken: %(errors)s")
            % {"errors": "; ".join(error.messages)},
        )
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
