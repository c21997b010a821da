"""Public location profiles: the index, a municipality's, district's and region's page, its
social card, embeddable version and PDF, and the comparison of municipalities. No login."""

from __future__ import annotations

import re

from csp.decorators import csp_replace
from django.conf import settings
from django.db.models import Max, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt

from standortlotse.core.ogimage import cached_card
from standortlotse.geo.models import District, Municipality, Region
from standortlotse.profiles import pdf, presenters, selectors
from standortlotse.profiles.models import Figure

KINDS = ("municipality", "district", "region")


def _subject(kind: str, key: str):
    if kind == "municipality":
        return get_object_or_404(Municipality.objects.select_related("district"), ags=key)
    if kind == "district":
        return get_object_or_404(District, key=key)
    if kind == "region":
        return get_object_or_404(Region, slug=key)
    raise Http404


def _profile(kind: str, key: str) -> dict:
    subject = _subject(kind, key)
    if kind == "municipality":
        return selectors.municipality_profile(subject)
    if kind == "district":
        return selectors.district_profile(subject)
    return selectors.region_profile(subject)


def index(request):
    return render(
        request,
        "profiles/index.html",
        {"districts": selectors.index(), "regions": Region.objects.order_by("name")},
    )


def profile(request, kind: str, key: str):
    context = _profile(kind, key)
    url = presenters.profile_url(kind, key)
    context.update(
        {
            "key": key,
            "absolute_url": request.build_absolute_uri(url),
            "og_image": request.build_absolute_uri(reverse(f"profiles:{kind}_og", args=[key])),
            "pdf_url": reverse(f"profiles:{kind}_pdf", args=[key]),
            "embed_url": reverse(f"profiles:{kind}_embed", args=[key]),
            "json_ld": presenters.json_ld(context, request.build_absolute_uri(url)),
            "description": presenters.description(context),
        }
    )
    context["embed_code"] = presenters.embed_code(
        request.build_absolute_uri(context["embed_url"]), context["name"]
    )
    return render(request, "profiles/profile.html", context)


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})  # municipality websites may frame their profile
def embed(request, kind: str, key: str):
    context = _profile(kind, key)
    context["page_url"] = request.build_absolute_uri(presenters.profile_url(kind, key))
    return render(request, "profiles/embed.html", context)


def profile_pdf(request, kind: str, key: str):
    context = _profile(kind, key)
    language = get_language() or "de"
    with translation.override(language):
        url = settings.SITE_URL.rstrip("/") + presenters.profile_url(kind, key)
    data = pdf.profile_pdf(context, language, url)
    response = HttpResponse(data, content_type="application/pdf")
    name = "standortprofil" if language == "de" else "location-profile"
    response["Content-Disposition"] = f'inline; filename="{name}-{key}.pdf"'
    return response


def og_image(request, kind: str, key: str):
    """The social card of a profile (Open Graph image), drawn with the cards of the register
    (core.ogimage) and cached until a figure changes."""
    subject = _subject(kind, key)
    if kind == "region":
        figures = Figure.objects.filter(municipality__in=subject.municipalities())
    elif kind == "district":
        figures = Figure.objects.filter(Q(district=subject) | Q(municipality__district=subject))
    else:
        figures = Figure.objects.filter(municipality=subject)
    changed = figures.aggregate(last=Max("updated_at"))["last"]
    stamp = changed.timestamp() if changed else 0
    language = get_language() or "de"
    title = _("Location profile %(name)s") % {"name": subject.name}
    subtitle = presenters.card_subtitle(kind, subject)
    png = cached_card(f"profile:{kind}:{key}:{language}:{stamp}", title, subtitle)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


AGS_PATTERN = re.compile(r"^\d{8}$")


def _ags_list(request) -> list[str]:
    found = []
    for raw in request.GET.getlist("ags"):
        for part in raw.split(","):
            part = part.strip()
            if AGS_PATTERN.match(part):
                found.append(part)
    return found


def compare(request):
    wanted = _ags_list(request)
    profiles = selectors.compare(wanted)
    distinct = list(dict.fromkeys(wanted))
    return render(
        request,
        "profiles/compare.html",
        {
            "profiles": profiles,
            "rows": selectors.compare_rows(profiles),
            "cities": [e.city for e in profiles[0]["travel"]] if profiles else [],
            "too_many": len(distinct) > selectors.MAX_COMPARE,
            "max_compare": selectors.MAX_COMPARE,
            "ags": ",".join(p["place"].ags for p in profiles),
            "choices": Municipality.objects.order_by("name").only("name", "ags"),
        },
    )
