"""The transparency index checked against figures worked out by hand on crafted records and
inquiries: shares, medians (odd and even counts), the inquiry window, "too few inquiries",
municipalities without records, a municipality outside every region, the region as the union."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from standortlotse.inquiries.models import Inquiry
from standortlotse.transparency import index
from standortlotse.transparency.models import TransparencySnapshot
from tests.factories import (
    DistrictFactory,
    InquiryFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PlaceFactory,
    PropertyFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

HOUR = 3600


def _record(mun, *, verified_days=None, published_days=0, description="Text", area=10_000, **kw):
    now = timezone.now()
    today = timezone.localdate(now)
    return PropertyFactory(
        municipality=mun,
        verified_on=today - timedelta(days=verified_days) if verified_days is not None else None,
        published_at=now - timedelta(days=published_days),
        description_de=description,
        area_available_m2=area,
        **kw,
    )


def _inquiry(*, hours, days_ago=10, answered=True, **kw):
    kw.setdefault("recipient", OrganisationFactory())
    inquiry = InquiryFactory(**kw)
    created = timezone.now() - timedelta(days=days_ago)
    Inquiry.objects.filter(pk=inquiry.pk).update(
        created_at=created,
        first_answered_at=created + timedelta(hours=hours) if answered else None,
    )
    return inquiry


@pytest.fixture
def crafted(db):
    class W:
        pass

    w = W()
    d1, d2, d3 = DistrictFactory(), DistrictFactory(), DistrictFactory()
    w.region = RegionFactory(
        name="Testregion",
        districts=[d1, d2],
        publish_requirements=["description", "area_available"],
    )
    w.m1 = MunicipalityFactory(name="Adorf", district=d1)
    w.m2 = MunicipalityFactory(name="Bedorf", district=d1)
    w.m3 = MunicipalityFactory(name="Cedorf", district=d2)  # no records at all
    w.m4 = MunicipalityFactory(name="Draußen", district=d3)  # in no region

    # Adorf: ages 10, 100, 400 days -> 2 of 3 confirmed, median 100; the third lacks
    # description and area -> 2 of 3 complete; 1 + 2.5 ha (+ 0) = 3.5 ha. The draft is ignored.
    p1 = _record(w.m1, verified_days=10, area=10_000)
    _record(w.m1, verified_days=100, area=25_000)
    _record(w.m1, verified_days=400, description="", area=None)
    _record(w.m1, verified_days=0, area=999_999, status="draft")
    # Bedorf: never confirmed, published 30 days ago (confirmed, age 30), and confirmed 200
    # days ago (beyond the six months) without a description -> 1 of 2 each, median age 115.
    _record(w.m2, published_days=30, area=15_000)
    _record(w.m2, verified_days=200, description="", area=5_000)
    # Draußen: the default requirements (a photo among them): not complete.
    p4 = _record(w.m4, verified_days=1, area=40_000)

    # Adorf: answered after 1, 2 and 10 h -> median 2 h; unanswered and older than a year: out.
    _inquiry(hours=1, property=p1)
    _inquiry(hours=10, property=p1)
    _inquiry(hours=2, property=p1)
    _inquiry(hours=0, property=p1, answered=False)
    _inquiry(hours=1, property=p1, days_ago=400)
    # Bedorf: two answered (a place there: 1 h; sent to its own office: 3 h) -> too few.
    _inquiry(hours=1, place=PlaceFactory(municipality=w.m2, region=w.region))
    _inquiry(hours=3, recipient=OrganisationFactory(municipality=w.m2))
    # A general inquiry to the region: 5 h (counts for the region only).
    _inquiry(hours=5, region=w.region)
    # Draußen: 1, 2, 3, 4 h -> 2.5 h (an even count).
    for hours in (4, 1, 3, 2):
        _inquiry(hours=hours, property=p4)
    return w


def _row(data, kind, pk):
    return index.figures_of(data, kind, pk)


def test_municipalities_match_the_hand_computed_figures(crafted):
    data = index.compute()
    adorf = _row(data, "municipalities", crafted.m1.pk)
    assert adorf == {
        "id": crafted.m1.pk,
        "key": crafted.m1.ags,
        "name": "Adorf",
        "district": crafted.m1.district.name,
        "region": crafted.region.slug,
        "published": 3,
        "confirmed": 2,
        "confirmed_pct": 66.7,
        "median_age_days": 100.0,
        "complete": 2,
        "complete_pct": 66.7,
        "inquiries_answered": 3,
        "median_answer_seconds": 2.0 * HOUR,
        "area_m2": 35_000,
    }
    bedorf = _row(data, "municipalities", crafted.m2.pk)
    assert bedorf["published"] == 2
    assert (bedorf["confirmed"], bedorf["confirmed_pct"]) == (1, 50.0)
    assert bedorf["median_age_days"] == 115.0  # (30 + 200) / 2
    assert (bedorf["complete"], bedorf["complete_pct"]) == (1, 50.0)
    assert bedorf["inquiries_answered"] == 2
    assert bedorf["median_answer_seconds"] is None  # fewer than three: not kept at all
    assert bedorf["area_m2"] == 20_000


def test_a_municipality_without_records_and_one_outside_every_region(crafted):
    data = index.compute()
    cedorf = _row(data, "municipalities", crafted.m3.pk)
    assert cedorf["published"] == 0
    assert cedorf["confirmed_pct"] is None and cedorf["complete_pct"] is None
    assert cedorf["median_age_days"] is None and cedorf["median_answer_seconds"] is None
    assert cedorf["area_m2"] == 0
    outside = _row(data, "municipalities", crafted.m4.pk)
    assert outside["region"] == ""
    assert (outside["confirmed_pct"], outside["median_age_days"]) == (100.0, 1.0)
    assert outside["complete_pct"] == 0.0  # the default gate asks for a photo
    assert outside["median_answer_seconds"] == 2.5 * HOUR
    names = [r["name"] for r in data["municipalities"]]
    assert names == ["Adorf", "Bedorf", "Cedorf", "Draußen"]


def test_the_region_is_the_union_of_its_municipalities(crafted):
    data = index.compute()
    region = _row(data, "regions", crafted.region.pk)
    assert region["municipalities"] == 3
    assert region["published"] == 5
    assert (region["confirmed"], region["confirmed_pct"]) == (3, 60.0)
    assert region["median_age_days"] == 100.0  # of 10, 30, 100, 200, 400
    assert (region["complete"], region["complete_pct"]) == (3, 60.0)
    # 1, 2, 10 (Adorf) + 1, 3 (Bedorf) + 5 (general) h: median (2 + 3) / 2
    assert region["inquiries_answered"] == 6
    assert region["median_answer_seconds"] == 2.5 * HOUR
    assert region["area_m2"] == 55_000


def test_the_district_is_the_union_of_its_municipalities_and_offices(crafted):
    d1 = crafted.m1.district
    # A district office's inquiry about nothing in a municipality: the district's (4 h), and
    # through it the region's; not Adorf's or Bedorf's.
    _inquiry(hours=4, recipient=OrganisationFactory(district=d1))
    data = index.compute()
    district = _row(data, "districts", d1.pk)
    assert district["key"] == d1.key and district["municipalities"] == 2
    # Adorf (10, 100, 400 days; 2 confirmed, 2 complete) + Bedorf (30, 200; 1 and 1)
    assert district["published"] == 5
    assert (district["confirmed"], district["confirmed_pct"]) == (3, 60.0)
    assert district["median_age_days"] == 100.0
    assert (district["complete"], district["complete_pct"]) == (3, 60.0)
    # 1, 2, 10 (Adorf) + 1, 3 (Bedorf) + 4 (the office) h: median (2 + 3) / 2
    assert district["inquiries_answered"] == 6
    assert district["median_answer_seconds"] == 2.5 * HOUR
    assert district["area_m2"] == 55_000
    assert _row(data, "municipalities", crafted.m1.pk)["inquiries_answered"] == 3
    # the region: 6 above + 5 h general = 7 answers, median 3 h
    region = _row(data, "regions", crafted.region.pk)
    assert region["inquiries_answered"] == 7 and region["median_answer_seconds"] == 3 * HOUR
    # Cedorf's district: no records; the district outside every region is listed too
    cedorf = _row(data, "districts", crafted.m3.district_id)
    assert cedorf["published"] == 0 and cedorf["median_age_days"] is None
    assert _row(data, "districts", crafted.m4.district_id)["published"] == 1


def test_a_snapshot_from_before_the_districts_is_replaced(crafted):
    old = index.snapshot()
    old.data.pop("districts")
    old.save()
    assert "districts" in index.latest().data


def test_no_records_at_all(db):
    region = RegionFactory(districts=[DistrictFactory()])
    data = index.compute()
    assert data["municipalities"] == []
    row = _row(data, "regions", region.pk)
    assert row["published"] == 0 and row["median_age_days"] is None
    assert row["inquiries_answered"] == 0 and row["median_answer_seconds"] is None


def test_exactly_three_answered_inquiries_give_a_median(crafted):
    _inquiry(hours=7, recipient=OrganisationFactory(municipality=crafted.m2))
    row = _row(index.compute(), "municipalities", crafted.m2.pk)
    assert row["inquiries_answered"] == 3
    assert row["median_answer_seconds"] == 3.0 * HOUR  # of 1, 3, 7


def test_snapshot_command_and_latest(crafted):
    call_command("transparency_snapshot")
    assert TransparencySnapshot.objects.count() == 1
    assert index.latest().pk == TransparencySnapshot.objects.get().pk
    TransparencySnapshot.objects.update(created_at=timezone.now() - timedelta(hours=30))
    fresh = index.latest()
    assert TransparencySnapshot.objects.count() == 2 and fresh.data["municipalities"]


def test_the_snapshot_holds_no_personal_data(crafted):
    text = str(index.compute())
    assert "@" not in text and "Anna" not in text and "Rückruf" not in text
