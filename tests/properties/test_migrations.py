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
