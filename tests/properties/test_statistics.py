"""Statistics of the register: totals equal the records, every breakdown adds up; one row a day
that follows every write path the same day (form, API, service, status change, import, admin
delete, a renamed municipality); the trend; page and CSV in German and English."""

import csv
import datetime
import io
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from standortlotse.properties import services, statistics
from standortlotse.properties.forms import PropertyForm
from standortlotse.properties.models import Property, StatisticsSnapshot, Status
from tests.exchange.support import csv_bytes, run
from tests.factories import PropertyFactory
from tests.properties.support import make_complete

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


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


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
    # Keys are stored, labels are the page's: nothing German in the stored choice rows.
    assert all("label" not in row for d in statistics.CHOICES for row in data[d])
    stendal = next(r for r in data["municipality"] if r["key"] == "15090535")
    assert (stendal["label"], stendal["id"]) == ("Stendal", register.mun_a.pk)
    assert {r["key"]: r["label"] for r in data["district"]}["15090"] == "Landkreis Stendal"


@pytest.mark.parametrize(
    "language, zoning, availability, kind",
    [
        ("de", "GI – Industriegebiet", "sofort", "Gewerbe-/Industriefläche"),
        ("en", "GI – industrial zone", "immediately", "commercial/industrial plot"),
    ],
)
def test_choice_rows_are_labelled_in_the_language_shown(
    register, language, zoning, availability, kind
):
    from django.utils import translation

    data = statistics.compute()
    with translation.override(language):
        labels = {
            d: {r["key"]: r["label"] for r in statistics.rows_for_display(data, d)}
            for d in ("zoning", "availability", "kind")
        }
    assert labels["zoning"]["GI"] == zoning
    assert labels["availability"]["immediately"] == availability
    assert labels["kind"]["plot"] == kind


def test_one_row_a_day_the_command_and_reuse(register, django_assert_num_queries):
    call_command("statistics_snapshot")
    call_command("statistics_snapshot")
    snap = StatisticsSnapshot.objects.get()
    assert snap.day == timezone.localdate() and snap.count == 5
    with django_assert_num_queries(1):  # nothing changed: today's row is read, not recomputed
        assert statistics.current().pk == snap.pk


def test_a_change_during_the_computation_is_not_lost(register, monkeypatch):
    """The counter is read before computing: a change committed meanwhile (after the figures
    were read) leaves the row old, and the next reader computes again."""
    real = statistics.compute

    def compute_then_change():
        data = real()
        statistics._after_commit()  # another process commits a change now
        return data

    monkeypatch.setattr(statistics, "compute", compute_then_change)
    first = statistics.current()
    monkeypatch.setattr(statistics, "compute", real)
    PropertyFactory(municipality=register.mun_a, area_available_m2=1_000)
    second = statistics.current()
    assert second.pk == first.pk and second.count == first.count + 1


def test_while_another_reader_computes_the_previous_figures_are_shown(register):
    old = statistics.current()
    PropertyFactory(municipality=register.mun_a)
    statistics._after_commit()
    cache.add(statistics.COMPUTING_KEY, 1)
    assert statistics.current().count == old.count  # the other reader's result is not waited for
    cache.delete(statistics.COMPUTING_KEY)
    assert statistics.current().count == old.count + 1


def test_the_refresh_task_brings_todays_row_up_to_date(register):
    statistics.current()
    PropertyFactory(municipality=register.mun_a, area_available_m2=3_000)
    statistics._after_commit()
    cache.add(statistics.QUEUED_KEY, 1)
    statistics.refresh_task.call()
    assert cache.get(statistics.QUEUED_KEY) is None  # a later change queues again
    snap = StatisticsSnapshot.objects.get(day=timezone.localdate())
    assert snap.version == statistics.version() and snap.count == 6


def test_with_the_database_task_backend_many_changes_queue_one_refresh(world, monkeypatch):
    queued = []

    class Task:
        def enqueue(self):
            queued.append(1)

    monkeypatch.setattr(statistics, "refresh_task", Task())
    monkeypatch.setattr(statistics, "stored_in_the_database", lambda task: True)
    before = statistics.version()
    for _ in range(3):
        statistics._after_commit()
    assert len(queued) == 1 and statistics.version() != before
    cache.delete(statistics.QUEUED_KEY)  # what the task does when it starts
    statistics._after_commit()
    assert len(queued) == 2


# --- Every write path makes today's figures current ---------------------------------------------


def _page_total(client):
    response = client.get(reverse("properties:statistics_csv"))
    total = _csv(response)[-1]
    return int(total[3]), int(total[4])


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run what a write does after its commit (the test transaction never commits)."""

    def run_commits(write):
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return run_commits


def test_status_change_publishing_and_unpublishing_shows_the_same_day(client, world, commits):
    count, area = _page_total(client)
    prop = world.prop_a
    commits(lambda: services.change_status(world.editor_a, prop, "unpublish"))
    assert _page_total(client) == (count - 1, area - 15_000)
    make_complete(prop)
    commits(lambda: services.change_status(world.editor_a, prop, "publish"))
    assert _page_total(client) == (count, area)
    assert StatisticsSnapshot.objects.count() == 1  # still today's one row


def test_the_editor_form_and_the_api_change_the_area_the_same_day(client, world, commits):
    count, area = _page_total(client)
    client.force_login(world.editor_a)
    data = model_to_dict(world.prop_a, fields=PropertyForm.Meta.fields)
    data.update(outline="", area_available_m2="9000")
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = commits(
        lambda: client.post(reverse("properties:editor_edit", args=[world.prop_a.pk]), data)
    )
    assert response.status_code == 302
    assert _page_total(client) == (count, area - 15_000 + 9_000)
    response = commits(
        lambda: client.patch(
            f"/api/properties/{world.prop_a.pk}",
            json.dumps({"area_available_m2": 1_000}),
            content_type="application/json",
        )
    )
    assert response.status_code == 200
    assert _page_total(client) == (count, area - 15_000 + 1_000)


def test_an_import_changes_the_figures_the_same_day(client, world, monkeypatch):
    from django.db import transaction

    count, area = _page_total(client)
    PropertyFactory(
        municipality=world.mun_a, external_id="S-1", area_total_m2=50_000, area_available_m2=5_000
    )
    statistics._after_commit()
    assert _page_total(client) == (count + 1, area + 5_000)
    rows = [
        ["external_id", "title", "municipality_ags", "lat", "lon", "area_available_m2"],
        ["S-1", "Gewerbefläche 1", "15090535", "52,6", "11,86", "42.000"],
    ]
    # The import's tasks run at once; its write is committed with the test's transaction.
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
    job = run(world.state_admin, "flaechen.csv", csv_bytes(rows))
    assert job.counts["written_update"] == 1, job.counts
    assert _page_total(client) == (count + 1, area + 42_000)


def test_deleting_in_the_admin_and_renaming_a_municipality_show_the_same_day(
    client, world, commits
):
    statistics.current()
    commits(lambda: world.prop_c.delete())
    data = statistics.current().data
    assert "Haldensleben" not in [r["label"] for r in data["municipality"]]
    world.mun_a.name = "Hansestadt Stendal"
    commits(lambda: world.mun_a.save())
    labels = [r["label"] for r in statistics.current().data["municipality"]]
    assert "Hansestadt Stendal" in labels and "Stendal" not in labels


def test_the_admin_changelist_delete_action_counts(admin_client, world, commits):
    statistics.current()
    response = commits(
        lambda: admin_client.post(
            reverse("admin:properties_property_changelist"),
            {"action": "delete_selected", "_selected_action": [world.prop_b.pk], "post": "yes"},
        )
    )
    assert response.status_code == 302
    assert statistics.current().count == Property.objects.published().count() == 2


# --- Trend ---------------------------------------------------------------------------------------


def _row(day, count, area_m2, reconstructed=False):
    return StatisticsSnapshot.objects.create(
        day=day,
        data={"totals": {"count": count, "area_m2": area_m2}},
        count=count,
        area_m2=area_m2,
        reconstructed=reconstructed,
    )


def test_trend_is_one_point_a_day_over_the_last_year_and_the_table_a_row_a_month():
    today = datetime.date(2026, 12, 2)
    _row(datetime.date(2025, 12, 2), 1, 100)  # 365 days back: outside
    for back in range(0, 200, 3):
        _row(today - datetime.timedelta(days=back), 200 - back, 10_000 * back)
    series = statistics.trend(until=today)
    assert [r["day"] for r in series] == sorted(r["day"] for r in series)
    assert series[0]["day"] > datetime.date(2025, 12, 2) and series[-1]["day"] == today
    assert len(series) == len(range(0, 200, 3))
    table = statistics.trend_table(series)
    months = {(r["day"].year, r["day"].month) for r in series}
    assert len(table) == len(months) and table[-1] is series[-1]
    assert statistics.trend_table(series[-10:]) == series[-10:]  # a month or less: every day


def test_reconstruct_works_out_past_days_from_publication_dates(world):
    now = timezone.now()
    PropertyFactory(municipality=world.mun_a, published_at=now - datetime.timedelta(days=5))
    world.prop_a.published_at = now - datetime.timedelta(days=20)
    world.prop_a.save()
    existing = _row(timezone.localdate() - datetime.timedelta(days=2), 99, 1)
    assert statistics.reconstruct(10) == 9  # ten days back, today and the counted day excluded
    rows = {r.day: r for r in StatisticsSnapshot.objects.all()}
    assert rows[existing.day].count == 99 and not rows[existing.day].reconstructed
    six = rows[timezone.localdate() - datetime.timedelta(days=6)]
    four = rows[timezone.localdate() - datetime.timedelta(days=4)]
    assert six.reconstructed and four.count == six.count + 1
    assert timezone.localdate() not in rows


# --- Page and CSV --------------------------------------------------------------------------------


def test_public_page_and_csv(client, register):
    page = client.get(reverse("properties:statistics"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "Landkreis Stendal" in html and "Entwurf" not in html
    response = client.get(reverse("properties:statistics_csv"))
    rows = _csv(response)
    assert rows[0] == ["dimension", "key", "label", "count", "area_available_m2"]
    total = rows[-1]
    assert total[0] == "total" and int(total[3]) == 5
    district_sum = sum(int(r[4]) for r in rows if r[0] == "district")
    assert district_sum == int(total[4])
    assert "Set-Cookie" not in response


@pytest.mark.parametrize(
    "prefix, language, expected, foreign",
    [
        ("", "de", ["GI – Industriegebiet", "sofort", "Gewerbe-/Industriefläche"], "immediately"),
        (
            "/en",
            "en",
            ["GI – industrial zone", "immediately", "commercial/industrial plot"],
            "sofort",
        ),
    ],
)
def test_csv_labels_in_the_language_of_the_url(
    client, register, prefix, language, expected, foreign
):
    response = client.get(f"{prefix}/statistik.csv")
    assert response["Content-Language"] == language
    rows = _csv(response)
    labels = {r[2] for r in rows}
    assert set(expected) <= labels and foreign not in labels
    assert ["district", "15090", "Landkreis Stendal"] == next(
        r[:3] for r in rows if r[0] == "district" and r[1] == "15090"
    )


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


def test_the_page_reads_little_when_nothing_changed(
    client, register, django_assert_max_num_queries
):
    client.get(reverse("properties:statistics"))  # computes today's row and draws the map
    # Today's row and the reach counter's view (reach/): no figure computed, nothing drawn.
    with django_assert_max_num_queries(2):
        assert client.get(reverse("properties:statistics")).status_code == 200


def test_draft_changes_leave_published_figures_alone(client, register, commits):
    before = statistics.current().data["totals"]
    draft = Property.objects.get(title="Entwurf")
    draft.area_available_m2 = 5
    commits(draft.save)
    assert statistics.current().data["totals"] == before
    assert Property.objects.get(pk=draft.pk).status == Status.DRAFT
