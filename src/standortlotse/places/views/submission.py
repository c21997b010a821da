"""Proposing a place: choosing the region, the submission form (rate limited), the thank-you page."""

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language

from standortlotse.core.collation import sorted_by_name
from standortlotse.core.forms import within_rate_limit
from standortlotse.geo.models import Region
from standortlotse.places import kept_photos, services
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
        # Only complete submissions count against the limit: fixing typos never locks anyone out.
        if form.is_valid():
            if within_rate_limit(
                request, form, "place-submit", settings.PLACE_SUBMISSIONS_PER_HOUR
            ):
                services.submit(form, region)
                kept_photos.discard(kept)
                return redirect("places:submitted")
            status = 429
        kept_photos.keep(request, form, kept)
    else:
        form = SubmissionForm(region=region)
        status = 200
    return render(
        request,
        "places/submit.html",
        {
            "form": form,
            "region": region,
            "criteria": rules.criteria(get_language() or "de"),
            "municipality_centres": municipality_centres(form),
        },
        status=status,
    )


def municipality_centres(form):
    return {str(m.pk): [m.lat, m.lon] for m in form.fields["municipality"].queryset}


def submitted(request):
    return render(request, "places/submitted.html")
