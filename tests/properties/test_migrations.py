"""properties/migrations/0013_zonings.py: one zoning becomes a list of one, and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("properties", "0012_location_approximate")]
AFTER = [("properties", "0013_zonings")]


@pytest.mark.django_db(transaction=True)
def test_each_zoning_becomes_a_list_of_one_and_back(world):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    old = apps.get_model("properties", "Property")
    history = apps.get_model("properties", "HistoricalProperty")
    old.objects.all().delete()  # the world's records (their history rows stay)
    created = {}
    for zoning in ("GE", "GI", "", "none"):
        prop = old.objects.create(
            title=f"Halle {zoning or 'ohne'}",
            municipality_id=world.mun_a.pk,
            lat=52.6,
            lon=11.86,
            zoning=zoning,
            status="published",
        )
        history.objects.create(
            id=prop.pk,
            title=prop.title,
            municipality_id=world.mun_a.pk,
            lat=52.6,
            lon=11.86,
            zoning=zoning,
            created_at=prop.created_at,
            history_date=timezone.now(),
            history_type="+",
        )
        created[prop.pk] = zoning
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    from standortlotse.properties.models import Property

    expected = {pk: [zoning] if zoning else [] for pk, zoning in created.items()}
    assert dict(Property.objects.values_list("pk", "zonings")) == expected
    rows = Property.history.model.objects.filter(id__in=created).values_list("id", "zonings")
    assert dict(rows) == expected
    gi = next(pk for pk, zoning in created.items() if zoning == "GI")
    # rebuilt with the names (only this column: later migrations add columns to the model)
    assert "industriegebiet" in Property.objects.values_list("search_text", flat=True).get(pk=gi)
    assert list(Property.objects.filter(zonings__overlaps=["GI"]).values_list("pk", flat=True)) == [
        gi
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    back = executor.loader.project_state(BEFORE).apps.get_model("properties", "Property")
    assert dict(back.objects.values_list("pk", "zoning")) == created
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_statistics_keep_the_newest_snapshot_of_each_day():
    """properties/migrations/0020: one row a day, with its totals and day as columns."""
    import datetime

    before = [("properties", "0019_ownerconsent_owner_language")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("properties", "StatisticsSnapshot")
    berlin = datetime.timezone(datetime.timedelta(hours=1))
    made = {}
    for name, moment, count in [
        ("early", datetime.datetime(2026, 11, 30, 2, 0, tzinfo=berlin), 3),
        ("late", datetime.datetime(2026, 11, 30, 23, 30, tzinfo=berlin), 4),
        ("next", datetime.datetime(2026, 12, 1, 0, 30, tzinfo=berlin), 5),
    ]:
        data = {"totals": {"count": count, "area_m2": count * 1000}}
        made[name] = old.objects.create(created_at=moment, data=data).pk
    executor = MigrationExecutor(connection)
    executor.migrate([("properties", "0020_statistics_one_snapshot_a_day")])
    from standortlotse.properties.models import StatisticsSnapshot

    kept = {s.pk: (s.day, s.count, s.area_m2) for s in StatisticsSnapshot.objects.all()}
    assert kept == {
        made["late"]: (datetime.date(2026, 11, 30), 4, 4000),
        made["next"]: (datetime.date(2026, 12, 1), 5, 5000),
    }
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
