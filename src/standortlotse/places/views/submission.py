"""Proposing a place: choosing the region, the submission form (rate limited; places it may
duplicate are shown before it is sent), the thank-you page."""

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language

from standortlotse.core.collation import sorted_by_name
from standortlotse.core.forms import within_rate_limit
from standortlotse.geo.models import Region
from standortlotse.places import kept_photos, selectors, services
from standortlotse.places.forms import SubmissionForm
from standortlotse.places.models import RegionSettings


def submit_choose_region(request):
    regions = sorted_by_name(Region.objects.all())
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
        duplicates = []
        # Only complete submissions count against the limit: fixing typos never locks anyone out.
        if form.is_valid():
            duplicates = _unseen_duplicates(request, form)
        if form.is_valid() and not duplicates:
            if within_rate_limit(
                request, form, "place-submit", settings.PLACE_SUBMISSIONS_PER_HOUR
            ):
                services.submit(form, region, language=request.LANGUAGE_CODE)
                kept_photos.discard(kept)
                return redirect("places:submitted")
            status = 429
        kept_photos.keep(request, form, kept)
    else:
        form = SubmissionForm(region=region)
        status = 200
        duplicates = []
    return render(
        request,
        "places/submit.html",
        {
            "form": form,
            "region": region,
            "criteria": rules.criteria(get_language() or "de"),
            "municipality_centres": municipality_centres(form),
            "duplicates": duplicates,
            "listed_duplicates": [d for d in duplicates if d.is_public],
            "duplicates_seen": ",".join(str(d.pk) for d in duplicates),
        },
        status=status,
    )


def _unseen_duplicates(request, form) -> list:
    """The places the new one may duplicate, unless the submitter has seen each of them already
    (the form came back once with them and was sent again): then nothing stops it."""
    data = form.cleaned_data
    found = selectors.possible_duplicates(
        data["name"], data["municipality"], data["lat"], data["lon"]
    )
    seen = {v for v in request.POST.get("duplicates_seen", "").split(",") if v.strip()}
    return [] if {str(d.pk) for d in found} <= seen else found


def municipality_centres(form):
    return {str(m.pk): [m.lat, m.lon] for m in form.fields["municipality"].queryset}


def submitted(request):
    return render(request, "places/submitted.html")
