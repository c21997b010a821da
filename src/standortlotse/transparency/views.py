"""The public ranking page of the transparency index (no form, no cookie, no personal data)."""

from django.shortcuts import render
from django.urls import reverse

from standortlotse.transparency import index, presenters


def ranking(request):
    snap = index.latest()
    data = snap.data
    key, reverse_order = presenters.parse_sort(request.GET.get("sort"))
    municipalities = [presenters.displayed(r) for r in data.get("municipalities", [])]
    regions = [presenters.displayed(r) for r in data.get("regions", [])]
    return render(
        request,
        "transparency/ranking.html",
        {
            "snapshot": snap,
            "data": data,
            "computed_at": presenters.computed_at(data) or snap.created_at,
            "municipalities": presenters.sorted_rows(municipalities, key, reverse_order),
            "regions": presenters.sorted_rows(regions, key, reverse_order),
            "sort_links": presenters.sort_links(
                reverse("transparency:ranking"), key, reverse_order
            ),
            "sort_key": key,
            "sort_label": presenters.sort_label(key),
            "min_inquiries": data.get("min_inquiries", index.MIN_INQUIRIES),
            "confirm_months": round(data.get("confirm_days", 182) / 30.4),
            "inquiry_months": round(data.get("inquiry_days", index.INQUIRY_DAYS) / 30.4),
        },
    )
