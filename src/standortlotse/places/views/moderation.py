"""Moderation of the creative places: the queue, the review page and its decisions (status,
owners' pending updates and held photos, trust, link rotation, import conflicts), and the
region's settings. Moderators only, within their regions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from standortlotse.accounts import policy
from standortlotse.accounts.decorators import moderator_required
from standortlotse.places import conflicts, exchange, proposals, services
from standortlotse.places.forms import ModerationForm, RegionSettingsForm
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
    return render(
        request,
        "places/queue.html",
        {
            "places": places[:200],
            "status": status,
            "statuses": Status.choices,
            "counts": counts,
            "regions": policy.moderated_regions(request.user),
        },
    )


def _moderated(request, pk) -> Place:
    return get_object_or_404(policy.moderated_records(request.user, Place.objects.all()), pk=pk)


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
    return render(
        request,
        "places/review.html",
        {
            "place": place,
            "form": form,
            "history": proposals.history(place),
            "proposals": proposals.proposals(place),
            "conflicts": conflicts.open_conflicts(place),
            "allowed": services.MODERATOR_TRANSITIONS.get(place.status, set()),
        },
    )


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
