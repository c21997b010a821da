"""Site-wide pages that compose the domain apps: start page, robots.txt, accessibility statement,
the region's theme stylesheet."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control

from standortlotse.core.colours import theme_css
from standortlotse.geo.context_processors import site_region_info
from standortlotse.geo.models import Region
from standortlotse.guides.models import Audience
from standortlotse.inquiries.forms import InquiryForm
from standortlotse.portal import selectors
from standortlotse.portal.selectors import key_figures
from standortlotse.properties.models import COMMERCIAL_KINDS
from standortlotse.properties.selectors import published_properties


def home(request):
    latest = published_properties().prefetch_related("photos").order_by("-published_at")[:4]
    return render(
        request,
        "portal/home.html",
        {
            "latest": latest,
            "audiences": Audience.choices,
            "figures": key_figures(),
            # the map shows the commercial register (housing: the Wohnen overview)
            "kind_choices": [(kind.value, kind.label) for kind in COMMERCIAL_KINDS],
        },
    )


def housing_choose(request):
    """/lotse/wohnen/: choose a municipality (a plain GET form, or the list of links)."""
    chosen = request.GET.get("gemeinde", "").strip()
    if chosen:
        municipality = selectors.municipality_by_slug(chosen)
        if municipality is not None:
            return redirect("housing", municipality.url_slug)
    return render(
        request,
        "portal/housing_choose.html",
        {"municipalities": selectors.housing_municipalities(), "unknown": bool(chosen)},
        status=404 if chosen else 200,
    )


def housing(request, municipality):
    """/lotse/wohnen/<municipality>/: the Wohnen overview of one municipality."""
    found = selectors.municipality_by_slug(municipality)
    if found is None:
        raise Http404
    if found.slug and municipality != found.slug:
        return redirect("housing", found.slug, permanent=True)
    return render(
        request,
        "portal/housing.html",
        {
            "overview": selectors.housing_overview(found),
            "municipalities": selectors.housing_municipalities(),
            "absolute_url": request.build_absolute_uri(),
        },
    )


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /datenpflege/",
        "Disallow: /en/datenpflege/",
        "Disallow: /konto/",
        "Disallow: /en/konto/",
        "Disallow: /orte/mein-ort/",
        "Disallow: /en/orte/mein-ort/",
        "Disallow: /investieren/ergebnis/",
        "Disallow: /en/investieren/ergebnis/",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def accessibility(request):
    """Erklärung zur Barrierefreiheit (BITV 2.0 / EU 2016/2102) with a feedback form."""
    form = InquiryForm(initial={"topic": "other"})
    return render(request, "portal/accessibility.html", {"form": form})


def region_theme(request, slug):
    """/theme/<slug>.css: the region's brand colour as KERN UX tokens (CSP allows no inline style).

    base.html links it with ``?v=<hash of the colour>``: that URL may be cached for a year; any
    other (an old version, none) for five minutes."""
    region = get_object_or_404(Region, slug=slug)
    response = HttpResponse(theme_css(region.brand_colour), content_type="text/css; charset=utf-8")
    info = site_region_info()
    current = info and info["slug"] == slug and request.GET.get("v") == info["theme_version"]
    if current:
        patch_cache_control(response, public=True, max_age=31536000, immutable=True)
    else:
        patch_cache_control(response, public=True, max_age=300)
    return response
