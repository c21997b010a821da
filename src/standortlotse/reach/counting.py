"""Counting a page view (called by the middleware) and reading the figures for the dashboards."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from standortlotse.guides.models import Guide
from standortlotse.inquiries.models import Inquiry
from standortlotse.reach.models import PageViewDay

COUNTED_VIEWS = {
    "properties:detail": "property",
    "places:detail": "place",
    "guides:guide": "guide",
    "guides:event": "event",
}
# Checked without the language prefix; private links are skipped by their token (should_count).
SKIPPED_PREFIXES = (
    "/datenpflege",
    "/api/",
    "/admin",
    "/static/",
    "/media/",
    "/konto/",
    "/health",
    "/widget/",
)
BOT = re.compile(
    r"bot|crawl|spider|slurp|preview|headless|monitor|curl|wget|python-requests", re.IGNORECASE
)


def _without_language(path: str) -> str:
    from django.conf import settings

    for code, _name in settings.LANGUAGES:
        if path.startswith(f"/{code}/"):
            return path[len(code) + 1 :]
    return path


def should_count(request, response) -> bool:
    if request.method != "GET" or response.status_code != 200:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    match = getattr(request, "resolver_match", None)
    if match is not None and any(name in ("token", "uid") for name in match.kwargs):
        return False  # private links (owner pages, consent answers, unsubscribe) are never stored
    if _without_language(request.path).startswith(SKIPPED_PREFIXES):
        return False
    if getattr(request, "user", None) and request.user.is_authenticated:
        return False  # staff looking at their own records are not reach
    return not BOT.search(request.META.get("HTTP_USER_AGENT", ""))


def referrer_domain(request) -> str:
    referer = request.META.get("HTTP_REFERER", "")
    host = urlsplit(referer).hostname or ""
    if not host or host == request.get_host().split(":")[0]:
        return ""
    return host.removeprefix("www.")[:100]


# What an anonymous request can add to the database is bounded: campaign, source and referring
# site come from the visitor, so new combinations of them per day are capped per page and in
# total; beyond the cap a view is counted under OTHER (the views are kept, the values are not).
MAX_TAGGED_ROWS_PER_PATH_PER_DAY = 50
MAX_TAGGED_ROWS_PER_DAY = 2000
OTHER = "(other)"
TAG_FIELDS = ("referrer", "campaign", "source")


def _tag(value: str) -> str:
    # Printable text only, at most 100 characters (the column width).
    return "".join(ch for ch in value if ch.isprintable()).strip()[:100]


def _bounded(key: dict) -> dict:
    """For a row not there yet: the key itself while the caps allow a new row, else the same
    with OTHER for every tag it has."""
    if not any(key[field] for field in TAG_FIELDS):
        return key
    tagged = PageViewDay.objects.filter(day=key["day"]).exclude(referrer="", campaign="", source="")
    if (
        tagged.filter(path=key["path"]).count() < MAX_TAGGED_ROWS_PER_PATH_PER_DAY
        and tagged.count() < MAX_TAGGED_ROWS_PER_DAY
    ):
        return key
    return {**key, **{field: OTHER for field in TAG_FIELDS if key[field]}}


def count(request) -> None:
    match = getattr(request, "resolver_match", None)
    kind = COUNTED_VIEWS.get(match.view_name if match else "", "")
    object_id = None
    if kind:
        raw = match.kwargs.get("pk")
        if raw is None and kind == "guide":
            raw = (
                Guide.objects.filter(
                    region__slug=match.kwargs.get("region"), slug=match.kwargs.get("slug")
                )
                .values_list("pk", flat=True)
                .first()
            )
        object_id = int(raw) if raw is not None else None
    key = {
        "day": timezone.localdate(),
        "path": request.path[:300],
        "referrer": referrer_domain(request),
        "campaign": _tag(request.GET.get("utm_campaign", "")),
        "source": _tag(request.GET.get("utm_source", "")),
    }
    updated = PageViewDay.objects.filter(**key).update(views=F("views") + 1)
    if not updated:
        key = _bounded(key)
        try:
            with transaction.atomic():
                PageViewDay.objects.create(**key, kind=kind, object_id=object_id, views=1)
        except IntegrityError:  # created by a parallel request meanwhile
            PageViewDay.objects.filter(**key).update(views=F("views") + 1)


def period(days: int = 30) -> tuple[date, date]:
    today = timezone.localdate()
    return today - timedelta(days=days - 1), today


def daily(views, start, end) -> list[tuple[date, int]]:
    per_day = dict(
        views.filter(day__range=(start, end)).values_list("day").annotate(n=Sum("views"))
    )
    return [
        (start + timedelta(days=i), per_day.get(start + timedelta(days=i), 0))
        for i in range((end - start).days + 1)
    ]


def listing_figures(kind: str, ids: list[int], start, end) -> dict[int, int]:
    rows = (
        PageViewDay.objects.filter(kind=kind, object_id__in=ids, day__range=(start, end))
        .values("object_id")
        .annotate(n=Sum("views"))
    )
    return {r["object_id"]: r["n"] for r in rows}


def inquiries_per_listing(property_ids: list[int], start, end) -> dict[int, int]:
    rows = (
        Inquiry.objects.filter(property_id__in=property_ids, created_at__date__range=(start, end))
        .values("property_id")
        .annotate(n=Count("pk"))
    )
    return {r["property_id"]: r["n"] for r in rows}
