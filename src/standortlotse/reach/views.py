"""Reach dashboards for editors (their listings), moderators (their region) and the state agency,
and the QR code generator for print campaigns."""

from __future__ import annotations

import io
from urllib.parse import urlencode, urlsplit

from django import forms
from django.conf import settings
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from standortlotse.accounts import policy
from standortlotse.accounts.decorators import editor_required
from standortlotse.core.collation import sort_key
from standortlotse.guides.models import Guide
from standortlotse.places.models import Place
from standortlotse.properties.models import Property
from standortlotse.reach import counting
from standortlotse.reach.models import PageViewDay

PERIODS = (7, 30, 90, 365)


@editor_required
def dashboard(request):
    days = int(request.GET.get("tage", 30)) if request.GET.get("tage", "30").isdigit() else 30
    days = days if days in PERIODS else 30
    start, end = counting.period(days)
    user = request.user
    properties = list(
        policy.editable_records(user, Property.objects.published()).select_related(
            "municipality__district"
        )[:2000]
    )
    views = counting.listing_figures("property", [p.pk for p in properties], start, end)
    inquiries = counting.inquiries_per_listing([p.pk for p in properties], start, end)
    rows = sorted(
        [
            {"prop": p, "views": views.get(p.pk, 0), "inquiries": inquiries.get(p.pk, 0)}
            for p in properties
        ],
        key=lambda r: (-r["views"], sort_key(r["prop"].title)),
    )
    by_municipality: dict[str, dict] = {}
    for row in rows:
        name = row["prop"].municipality.name
        entry = by_municipality.setdefault(
            name,
            {
                "name": name,
                "district": row["prop"].municipality.district.name,
                "views": 0,
                "inquiries": 0,
                "listings": 0,
            },
        )
        entry["views"] += row["views"]
        entry["inquiries"] += row["inquiries"]
        entry["listings"] += 1
    context = {
        "days": days,
        "periods": PERIODS,
        "start": start,
        "end": end,
        "rows": rows[:100],
        "municipalities": sorted(
            by_municipality.values(), key=lambda e: (-e["views"], sort_key(e["name"]))
        ),
        "total_listing_views": sum(r["views"] for r in rows),
        "total_inquiries": sum(r["inquiries"] for r in rows),
    }
    regions = policy.moderated_regions(user)
    if regions.exists():
        all_views = PageViewDay.objects.filter(day__range=(start, end))
        place_ids = list(
            policy.moderated_records(user, Place.objects.published()).values_list("pk", flat=True)
        )
        guide_ids = list(
            policy.moderated_records(user, Guide.objects.published()).values_list("pk", flat=True)
        )
        place_views = counting.listing_figures("place", place_ids, start, end)
        guide_views = counting.listing_figures("guide", guide_ids, start, end)
        per_day = counting.daily(all_views, start, end)
        peak = max((n for _d, n in per_day), default=0) or 1
        context.update(
            {
                "site": True,
                "other": counting.OTHER,
                "per_day": [
                    (d, n, 60 - round(60 * n / peak), round(60 * n / peak)) for d, n in per_day
                ],
                "site_total": sum(n for _d, n in per_day),
                "top_pages": all_views.values("path").annotate(n=Sum("views")).order_by("-n")[:15],
                "referrers": all_views.exclude(referrer="")
                .values("referrer")
                .annotate(n=Sum("views"))
                .order_by("-n")[:15],
                "campaigns": all_views.exclude(campaign="")
                .values("campaign", "source")
                .annotate(n=Sum("views"))
                .order_by("-n")[:15],
                "top_places": _top(Place, place_views),
                "top_guides": _top(Guide, guide_views),
            }
        )
    return render(request, "reach/dashboard.html", context)


def _top(model, views: dict[int, int], count: int = 10) -> list[tuple]:
    """The most viewed records with their views, loaded in one query."""
    best = sorted(views.items(), key=lambda item: -item[1])[:count]
    records = model.objects.in_bulk([pk for pk, _n in best])
    return [(records[pk], n) for pk, n in best if pk in records]


class QrForm(forms.Form):
    page = forms.CharField(
        label=gettext_lazy("Page"),
        max_length=300,
        initial="/",
        help_text=gettext_lazy(
            "Address of a page of this site, e.g. /immobilien/12/ or the full URL."
        ),
    )
    campaign = forms.SlugField(
        label=gettext_lazy("Campaign"),
        max_length=60,
        help_text=gettext_lazy(
            "Short name, e.g. messe-2026 or flyer-stendal; visits are counted under it."
        ),
    )
    medium = forms.ChoiceField(
        label=gettext_lazy("Printed on"),
        choices=[
            ("flyer", gettext_lazy("flyer")),
            ("poster", gettext_lazy("poster")),
            ("brochure", gettext_lazy("brochure")),
            ("fair", gettext_lazy("trade fair")),
            ("letter", gettext_lazy("letter")),
        ],
    )
    fmt = forms.ChoiceField(label=gettext_lazy("Format"), choices=[("svg", "SVG"), ("png", "PNG")])

    def clean_page(self):
        value = self.cleaned_data["page"].strip()
        parts = urlsplit(value)
        site = urlsplit(settings.SITE_URL)
        if parts.netloc and parts.netloc != site.netloc:
            raise forms.ValidationError(_("Only pages of this site can get a QR code."))
        path = parts.path or "/"
        if not path.startswith("/"):
            raise forms.ValidationError(_("Start the address with / (for example /immobilien/)."))
        return path

    def tagged_url(self) -> str:
        data = self.cleaned_data
        query = urlencode(
            {"utm_source": data["medium"], "utm_medium": "qr", "utm_campaign": data["campaign"]}
        )
        return f"{settings.SITE_URL.rstrip('/')}{data['page']}?{query}"


@editor_required
def qr_code(request):
    import segno

    form = QrForm(request.GET or None)
    if form.is_bound and form.is_valid() and request.GET.get("download"):
        qr = segno.make(form.tagged_url(), error="m")
        buffer = io.BytesIO()
        fmt = form.cleaned_data["fmt"]
        qr.save(buffer, kind=fmt, scale=10, border=4)
        response = HttpResponse(
            buffer.getvalue(), content_type="image/svg+xml" if fmt == "svg" else "image/png"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="qr-{form.cleaned_data["campaign"]}.{fmt}"'
        )
        return response
    preview = None
    if form.is_bound and form.is_valid():
        qr = segno.make(form.tagged_url(), error="m")
        preview = qr.svg_data_uri(scale=5)
    return render(
        request,
        "reach/qr.html",
        {"form": form, "preview": preview, "url": form.tagged_url() if preview else ""},
        status=400 if form.errors else 200,
    )
