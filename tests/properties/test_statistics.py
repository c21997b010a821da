"""Statistics of the register: totals equal the records, every breakdown adds up, page and CSV."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from standortlotse.properties import statistics
from standortlotse.properties.models import Property, StatisticsSnapshot
from tests.factories import PropertyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(world):
    PropertyFactory(
        title="GI groß",
        municipality=world.mun_a,
        zonings=["GI"],
        area_available_m2=50_000,
        availability="immediately",
    )
    PropertyFactory(
        title="ohne Fläche",
        municipality=world.mun_b,
        zonings=["GE"],
        area_available_m2=None,
        availability="reserved",
    )
    PropertyFactory(
        title="Entwurf", municipality=world.mun_a, status="draft", area_available_m2=999_999
    )
    return world


def test_totals_equal_the_records_and_every_breakdown_adds_up(register):
    data = statistics.compute()
    published = Property.objects.published()
    assert data["totals"]["count"] == published.count() == 5
    assert data["totals"]["area_m2"] == sum(p.area_available_m2 or 0 for p in published)
    for dimension in statistics.DIMENSIONS:
        rows = data[dimension]
        assert sum(r["count"] for r in rows) == data["totals"]["count"], dimension
        assert sum(r["area_m2"] for r in rows) == data["totals"]["area_m2"], dimension
    altmark = next(r for r in data["region"] if r["key"] == "altmark")
    inside = published.filter(municipality__district__regions__slug="altmark")
    assert altmark["count"] == inside.count() and altmark["area_m2"] == sum(
        p.area_available_m2 or 0 for p in inside
    )
    labels = {r["key"]: r["label"] for r in data["zoning"]}
    assert labels["GI"].startswith("GI")


def test_snapshot_command_and_reuse(register):
    call_command("statistics_snapshot")
    assert StatisticsSnapshot.objects.count() == 1
    assert (
        statistics.latest().pk == StatisticsSnapshot.objects.get().pk
    )  # fresh: reused, not recomputed


def test_public_page_and_csv(client, register):
    page = client.get(reverse("properties:statistics"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "Landkreis Stendal" in html and "Entwurf" not in html
    response = client.get(reverse("properties:statistics_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["dimension", "key", "label", "count", "area_available_m2"]
    total = rows[-1]
    assert total[0] == "total" and int(total[3]) == 5
    district_sum = sum(int(r[4]) for r in rows if r[0] == "district")
    assert district_sum == int(total[4])
    assert "Set-Cookie" not in response


def test_a_record_with_two_zonings_counts_under_each_and_the_page_says_so(client, register):
    PropertyFactory(
        title="GE/GI", municipality=register.mun_a, zonings=["GE", "GI"], area_available_m2=7_000
    )
    data = statistics.compute()
    rows = {r["key"]: r for r in data["zoning"]}
    assert (rows["GI"]["count"], rows["GI"]["area_m2"]) == (2, 57_000)
    assert (rows["GE"]["count"], rows["GE"]["area_m2"]) == (2, 7_000)
    assert sum(r["count"] for r in data["zoning"]) == data["totals"]["count"] + 1
    assert rows["-"]["count"] == Property.objects.published().filter(zonings=[]).count()
    StatisticsSnapshot.objects.all().delete()
    html = client.get(reverse("properties:statistics")).content.decode()
    assert "GE/GI" in html and "chart-zoning-note" in html
