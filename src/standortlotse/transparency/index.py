"""The public transparency index: how current and complete each municipality's and region's
data is, how fast their inquiries are answered, and how much land they offer.

Five figures per municipality, district and marketing region, computed by ``compute()`` (daily via
``manage.py transparency_snapshot``) and stored as a ``TransparencySnapshot``, so the page
reads one row:

* **confirmed**: the share of published properties confirmed within the reminder period
  (``PROPERTY_REMINDER_DAYS``, six months). A record counts from its verified-on date, a
  record never confirmed from the day it was published (the rule of ``properties/freshness``);
  a published record without either date is not confirmed.
* **median age**: the median, in days, of the age of those dates on the day computed (a record
  without any counts from its creation, as ``freshness.staleness`` does).
* **complete**: the share of published properties that meet every publication requirement of
  their region (``properties/publication.py``, the fields investors need), checked in one batch
  with ``publication.GateCache`` (records published by a moderator's override count as not
  complete until the gaps are filled).
* **median time to first answer** of the inquiries received in the last ``INQUIRY_DAYS`` days
  and answered: an inquiry belongs to the municipality of the property or place it is about,
  else to the municipality of the office it went to, else (a district office's) to that district;
  a district has those of its municipalities and its offices, a region those of its districts
  and the general inquiries addressed to it (each inquiry counts in one place only). The
  median is given only from ``MIN_INQUIRIES`` answered inquiries on (fewer: the page says "too
  few inquiries"), so that no single person's inquiry can be read from it; the snapshot keeps
  no median below that.
* **available area**: the sum of the published records' available area (m², shown in ha).

A district is the union of its municipalities, a region of its districts: the medians are taken
over all their records and inquiries, not of the municipalities' medians. No personal data is read but the
dates of the inquiries.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from statistics import median

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from standortlotse.core.collation import sorted_by_name
from standortlotse.geo.models import District, Municipality, Region
from standortlotse.inquiries.models import Inquiry
from standortlotse.properties import publication
from standortlotse.properties.models import Property, reminder_before
from standortlotse.transparency.models import TransparencySnapshot

INQUIRY_DAYS = 365
MIN_INQUIRIES = 3


class _Tally:
    """What one municipality or region adds up to while the records are read."""

    def __init__(self):
        self.published = 0
        self.confirmed = 0
        self.complete = 0
        self.ages: list[int] = []
        self.area_m2 = 0
        self.answer_seconds: list[float] = []

    def add_record(self, confirmed: bool, age: int, complete: bool, area_m2) -> None:
        self.published += 1
        self.confirmed += confirmed
        self.complete += complete
        self.ages.append(age)
        self.area_m2 += area_m2 or 0

    def figures(self) -> dict:
        answered = len(self.answer_seconds)
        return {
            "published": self.published,
            "confirmed": self.confirmed,
            "confirmed_pct": _percent(self.confirmed, self.published),
            "median_age_days": _median(self.ages),
            "complete": self.complete,
            "complete_pct": _percent(self.complete, self.published),
            "inquiries_answered": answered,
            "median_answer_seconds": (
                _median(self.answer_seconds) if answered >= MIN_INQUIRIES else None
            ),
            "area_m2": self.area_m2,
        }


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _median(values: list) -> float | None:
    return float(median(values)) if values else None


def _record_dates(prop: Property, today: date) -> tuple[bool, int]:
    """(confirmed within the reminder period, age in days) of one published record."""
    since = prop.verified_on or (
        timezone.localdate(prop.published_at) if prop.published_at else None
    )
    confirmed = since is not None and since >= reminder_before(today)
    if since is None:
        since = timezone.localdate(prop.created_at) if prop.created_at else today
    return confirmed, max((today - since).days, 0)


def _inquiry_municipality(property_mun, place_mun, recipient_mun):
    return property_mun or place_mun or recipient_mun


def compute(now=None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    municipalities: dict[int, _Tally] = defaultdict(_Tally)

    gate = publication.GateCache()
    records = (
        Property.objects.published()
        .select_related("municipality")
        .annotate(photo_count=Count("photos"))
        .order_by("pk")
    )
    for prop in records:
        confirmed, age = _record_dates(prop, today)
        complete = not gate.gaps(prop, prop.photo_count)
        municipalities[prop.municipality_id].add_record(
            confirmed, age, complete, prop.area_available_m2
        )

    general: dict[int, list[float]] = defaultdict(list)  # region id → inquiries without a place
    # district id → inquiries to a district office about no municipality's property or place
    district_general: dict[int, list[float]] = defaultdict(list)
    answered = Inquiry.objects.filter(
        created_at__gte=now - timedelta(days=INQUIRY_DAYS), first_answered_at__isnull=False
    ).values_list(
        "created_at",
        "first_answered_at",
        "property__municipality_id",
        "place__municipality_id",
        "recipient__municipality_id",
        "recipient__district_id",
        "region_id",
    )
    for (
        created,
        first,
        prop_mun,
        place_mun,
        recipient_mun,
        recipient_district,
        region_id,
    ) in answered:
        seconds = max((first - created).total_seconds(), 0.0)
        mun = _inquiry_municipality(prop_mun, place_mun, recipient_mun)
        if mun is not None:
            municipalities[mun].answer_seconds.append(seconds)
        elif recipient_district is not None:
            district_general[recipient_district].append(seconds)
        elif region_id is not None:
            general[region_id].append(seconds)

    regions = list(Region.objects.prefetch_related("districts").order_by("name"))
    region_of_district: dict[int, Region] = {}
    for region in sorted(regions, key=lambda r: r.pk):  # the first region, as Municipality.region
        for district in region.districts.all():
            region_of_district.setdefault(district.pk, region)

    listed = (
        Municipality.objects.filter(
            Q(district__regions__isnull=False) | Q(pk__in=list(municipalities))
        )
        .select_related("district")
        .distinct()
    )
    municipality_rows = []
    district_of: dict[int, int] = {}
    for mun in sorted_by_name(listed, lambda m: m.name):
        district_of[mun.pk] = mun.district_id
        region = region_of_district.get(mun.district_id)
        municipality_rows.append(
            {
                "id": mun.pk,
                "key": mun.ags,
                "name": mun.name,
                "district": mun.district.name,
                "region": region.slug if region else "",
                **municipalities[mun.pk].figures(),
            }
        )

    def union(district_ids: set[int]) -> tuple[_Tally, list[int]]:
        tally = _Tally()
        members = [mid for mid, did in district_of.items() if did in district_ids]
        for mid in members:
            part = municipalities.get(mid)
            if part is None:
                continue
            tally.published += part.published
            tally.confirmed += part.confirmed
            tally.complete += part.complete
            tally.ages += part.ages
            tally.area_m2 += part.area_m2
            tally.answer_seconds += part.answer_seconds
        for district_id in district_ids:
            tally.answer_seconds += district_general.get(district_id, [])
        return tally, members

    district_rows = []
    for district in sorted_by_name(
        District.objects.filter(pk__in=set(district_of.values())), lambda d: d.name
    ):
        tally, members = union({district.pk})
        district_rows.append(
            {
                "id": district.pk,
                "key": district.key,
                "name": district.name,
                "municipalities": len(members),
                **tally.figures(),
            }
        )

    region_rows = []
    for region in regions:
        tally, members = union({d.pk for d in region.districts.all()})
        tally.answer_seconds += general.get(region.pk, [])
        region_rows.append(
            {
                "id": region.pk,
                "key": region.slug,
                "name": region.name,
                "municipalities": len(members),
                **tally.figures(),
            }
        )

    return {
        "computed_at": now.isoformat(),
        "as_of": today.isoformat(),
        "confirm_days": settings.PROPERTY_REMINDER_DAYS,
        "inquiry_days": INQUIRY_DAYS,
        "min_inquiries": MIN_INQUIRIES,
        "municipalities": municipality_rows,
        "districts": district_rows,
        "regions": region_rows,
    }


def snapshot(now=None) -> TransparencySnapshot:
    now = now or timezone.now()
    return TransparencySnapshot.objects.create(created_at=now, data=compute(now))


def latest(max_age_hours: int = 26) -> TransparencySnapshot:
    """The newest snapshot; a new one when none is younger than a day (and a bit), so the page
    works before the first cron run."""
    found = TransparencySnapshot.objects.order_by("-created_at").first()
    if (
        found is None
        or (timezone.now() - found.created_at).total_seconds() > max_age_hours * 3600
        or "districts" not in found.data  # from before the districts were computed
    ):
        found = snapshot()
    return found


def figures_of(data: dict, kind: str, pk: int) -> dict | None:
    """The row of one municipality (``kind`` "municipalities"), district ("districts") or
    region ("regions"); None for a snapshot from before districts were computed."""
    return next((row for row in data.get(kind, []) if row["id"] == pk), None)
