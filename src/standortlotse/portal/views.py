"""Site-wide pages that compose the domain apps: start page, the regions' start pages and the
agencies' overview of the regions, robots.txt, accessibility statement, the region's theme
stylesheet."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

from standortlotse.accounts import policy
from standortlotse.accounts.decorators import editor_required
from standortlotse.core.colours import theme_css
from standortlotse.geo.context_processors import site_region_info, theme_version
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


def regions(request):
    """/regionen/: every region of the platform, grouped by federal state."""
    return render(request, "portal/regions.html", {"groups": selectors.regions_by_state()})


def region_home(request, slug):
    """/regionen/<slug>/: a region's start page in its own branding (its theme stylesheet after
    the site's), with its figures, properties, creative places, guides, events and contacts."""
    region = get_object_or_404(Region, slug=slug)
    return render(
        request,
        "portal/region.html",
        {
            "region": region,
            "theme_version": theme_version(region.brand_colour),
            "language": (get_language() or "de")[:2],
            **selectors.region_page(region, (get_language() or "de")[:2]),
        },
    )


@editor_required
def agency_overview(request):
    """/datenpflege/regionen/: the state and cross-state view for the agencies (state
    administrators: the state agency and platform staff): per state and region the published
    properties and places, open inquiries and open investor cases."""
    if not policy.sees_all_regions(request.user):
        raise PermissionDenied
    return render(request, "portal/agency_overview.html", {"overview": selectors.agency_overview()})


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
