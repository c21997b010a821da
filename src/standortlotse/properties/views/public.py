"""Public pages of the property register: search, export, detail, comparison, exposé, statistics.

No login needed; unpublished records are visible only to who may edit them
(`selectors.visible_property`). `properties/expose.py` loads WeasyPrint only when it renders a
PDF, so it is imported at the top here like everything else.
"""

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from standortlotse.accounts import twofactor
from standortlotse.core.ogimage import card_response
from standortlotse.core.tabular.readers import csv_text
from standortlotse.core.units import hectares_value
from standortlotse.properties import (
    exports,
    filterchips,
    searching,
    selectors,
    statistics,
    statistics_charts,
)
from standortlotse.properties import expose as pdf
from standortlotse.properties.forms import SearchForm
from standortlotse.properties.models import Property
from standortlotse.properties.presenters import (
    compare_table,
    fact_groups,
    json_ld,
    readiness_section,
)

PAGE_SIZE = 20


def search_form(request):
    """The search form and its criteria: errors are shown, the valid filters still apply."""
    form = SearchForm(request.GET or None)
    if not form.is_bound:
        return form, selectors.SearchCriteria()
    form.is_valid()
    return form, form.criteria()


def interpreted_criteria(request):
    """The criteria with the search text's attribute words as filters (exports, the map)."""
    form, criteria = search_form(request)
    return form, searching.apply_interpretation(criteria)[0]


def search(request):
    form, criteria = search_form(request)
    outcome = searching.find(criteria)
    results = outcome.results.prefetch_related("photos")
    page = selectors.CappedPaginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    _add_distances(page, outcome.criteria.municipality)
    return render(
        request,
        "properties/search.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "map_query": searching.criteria_params(outcome.criteria).urlencode(),
            "compare_ids": _compare_ids(request),
            "max_compare": selectors.MAX_COMPARE,
            "understood": _understood_chips(request, outcome),
            "active_filters": filterchips.active(request, form),
            "dropped": outcome.dropped,
            "suggestions": [(searching.suggestion_text(s), s.query) for s in outcome.suggestions],
            "alert_query": searching.criteria_params(outcome.criteria).urlencode(),
            "searched_place": _place_name(outcome.criteria.municipality),
        },
    )


def _understood_chips(request, outcome):
    chips = []
    for part in outcome.meaning.parts:
        query = request.GET.copy()
        query.pop("page", None)
        query["q"] = outcome.meaning.without(part)
        if not query["q"]:
            query.pop("q")
        chips.append((part.label, query.urlencode()))
    return chips


def _place_name(pk):
    from standortlotse.geo.models import Municipality

    return Municipality.objects.filter(pk=pk).values_list("name", flat=True).first() if pk else ""


def _add_distances(page, municipality_pk):
    """Each result's distance to the searched municipality (its centre), when one was given."""
    from standortlotse.core.tabular.coordinates import distance_km
    from standortlotse.geo.models import Municipality

    if not municipality_pk:
        return
    centre = Municipality.objects.filter(pk=municipality_pk).values("lat", "lon").first()
    if not centre:
        return
    for prop in page:
        if prop.lat is not None and prop.lon is not None:
            prop.distance_km = distance_km(centre["lat"], centre["lon"], prop.lat, prop.lon)


EXPORTS = {
    "csv": ("text/csv; charset=utf-8", exports.to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.to_xlsx),
    "geojson": ("application/geo+json", exports.to_geojson),
    "gpkg": ("application/geopackage+sqlite3", exports.to_gpkg),
}
EXPORT_LIMIT = 20_000


def export(request, fmt):
    """The current search result in the columns of the import template."""
    if fmt not in EXPORTS:
        raise Http404
    _form, criteria = interpreted_criteria(request)
    content_type, render_export = EXPORTS[fmt]
    ids = list(selectors.search(criteria).values_list("pk", flat=True)[:EXPORT_LIMIT])
    response = HttpResponse(
        render_export(Property.objects.filter(pk__in=ids).order_by("pk")), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="immobilien.{fmt}"'
    return response


def _compare_ids(request) -> list[int]:
    ids = []
    for raw in request.GET.getlist("ids"):
        for part in raw.split(","):
            if part.strip().isdigit():
                ids.append(int(part))
    return ids


def detail(request, pk):
    prop = selectors.visible_property(twofactor.acting_user(request), pk)
    language = get_language() or "de"
    share_url = pdf.page_url(prop, language)  # the canonical address, whichever host was asked
    return render(
        request,
        "properties/detail.html",
        {
            "prop": prop,
            "groups": fact_groups(prop),
            "readiness": readiness_section(prop),
            "description": prop.description(language),
            "json_ld": json_ld(prop, request),
            "map_data": _map_data(prop),
            "absolute_url": request.build_absolute_uri(prop.get_absolute_url()),
            "og_image": request.build_absolute_uri(reverse("properties:og_image", args=[prop.pk])),
            "similar": selectors.similar(prop) if prop.is_public else [],
            "share_url": share_url,
            "qr_svg": pdf.qr_inline_svg(share_url, _("QR code of this page")),
            "max_compare": selectors.MAX_COMPARE,
        },
    )


def _map_data(prop):
    return {"lat": prop.lat, "lon": prop.lon, "outline": prop.outline, "title": prop.title}


def compare(request):
    ids = _compare_ids(request)
    props = selectors.compare(ids)
    too_many = len(set(ids)) > selectors.MAX_COMPARE
    return render(
        request,
        "properties/compare.html",
        {
            "props": props,
            "rows": compare_table(props),
            "too_many": too_many,
            "max_compare": selectors.MAX_COMPARE,
            "ids": ",".join(str(p.pk) for p in props),
        },
    )


def statistics_page(request):
    """The figures of today (current after every change), the trend over the last year and the
    map by municipality. The page's content is drawn once per change and language (cache):
    unchanged, the page reads today's row only."""
    snap = statistics.current()
    key = statistics_charts.cache_key("page", snap)
    body = cache.get(key)
    if body is None:
        body = render_to_string(
            "properties/_statistics_body.html", _statistics_context(snap), request
        )
        cache.set(key, body, statistics_charts.MAP_CACHE_SECONDS)
    return render(request, "properties/statistics.html", {"body": mark_safe(body)})


def _statistics_context(snap) -> dict:
    data = snap.data
    series = statistics.trend()
    reconstructed = [row["day"] for row in series if row["reconstructed"]]
    return {
        "snapshot": snap,
        "totals": data["totals"],
        "totals_ha": hectares_value(data["totals"]["area_m2"], 1),
        "trend_area": statistics_charts.trend_chart(series, "area_m2"),
        "trend_count": statistics_charts.trend_chart(series, "count"),
        "trend_summary": statistics_charts.trend_summary(series),
        "trend_rows": [
            {**row, "ha": hectares_value(row["area_m2"], 1)}
            for row in statistics.trend_table(series)
        ],
        "reconstructed_until": reconstructed[-1] if reconstructed else None,
        "map": statistics_charts.municipality_map(snap),
        "map_legend": statistics_charts.map_context(snap)["legend"],
        "charts": [
            (key, title, statistics.bars(statistics.rows_for_display(data, key)))
            for key, title in [
                ("district", _("Available area by district")),
                ("zoning", _("Available area by zoning")),
                ("availability", _("Available area by availability")),
                ("kind", _("Available area by kind of property")),
            ]
        ],
        "regions": statistics.bars(statistics.rows_for_display(data, "region")),
        "municipalities": statistics.bars(statistics.rows_for_display(data, "municipality")),
    }


def statistics_csv(request):
    """Today's figures as CSV, labelled in the language of the URL (/en/statistik.csv)."""
    snap = statistics.current()
    body = csv_text(
        ["dimension", "key", "label", "count", "area_available_m2"], statistics.csv_rows(snap.data)
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    language = get_language() or "de"
    name = "standortlotse-statistik" if language == "de" else f"standortlotse-statistics-{language}"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response["Content-Language"] = language
    return response


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def expose(request, pk):
    """One-click PDF exposé in the page's language (German, or English under /en/)."""
    prop = selectors.visible_property(twofactor.acting_user(request), pk)
    return pdf_response(pdf.property_pdf(prop, get_language() or "de"), f"expose-{prop.pk}.pdf")


def compare_pdf(request):
    props = selectors.compare(_compare_ids(request))
    if not props:
        raise Http404
    return pdf_response(pdf.comparison_pdf(props, get_language() or "de"), "vergleich.pdf")


def og_image(request, pk):
    """The social card of a property (Open Graph image), drawn here and cached."""
    prop = selectors.visible_property(twofactor.acting_user(request), pk)
    return card_response(prop, prop.title, f"{prop.get_kind_display()} · {prop.municipality.name}")
