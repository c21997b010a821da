"""core.bulk.insert: the records it writes (COPY on PostgreSQL, bulk_create elsewhere) read back
as bulk_create's would, keys included."""

import datetime
import enum
from decimal import Decimal

import pytest
from django.db import connection, models

from standortlotse.core import bulk
from standortlotse.properties.models import Availability, Kind, Property, Status
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_inserted_records_get_their_keys_and_read_back_with_every_kind_of_value():
    town = MunicipalityFactory()
    before = Property.objects.count()
    records = [
        Property(
            title=f"Halle {n} – „Süd“\\Tab",
            kind=Kind.HALL,
            status=Status.DRAFT,
            municipality=town,
            lat=52.6 + n / 1000,
            lon=11.86,
            area_total_m2=20_000 + n,
            area_available_m2=15_000,
            zonings=["GE", "GI"] if n else [],
            price_per_m2=Decimal("18.50"),
            price_on_request=n == 1,
            availability=Availability.FROM_DATE,
            available_from=datetime.date(2025, 3, 1),
            description_de='Zeile eins\nZeile zwei\twith tab; "quotes" and NULL \\N',
        )
        for n in range(3)
    ]
    returned = bulk.insert(Property, records)

    assert returned is records or list(returned) == records
    keys = [r.pk for r in records]
    assert all(keys) and len(set(keys)) == 3
    assert Property.objects.count() == before + 3
    for n, record in enumerate(records):
        stored = Property.objects.get(pk=record.pk)
        assert stored.title == f"Halle {n} – „Süd“\\Tab"
        assert stored.kind == "hall" and stored.availability == "from_date"
        assert stored.zonings == (["GE", "GI"] if n else [])
        assert stored.price_per_m2 == Decimal("18.50")
        assert stored.price_on_request is (n == 1)
        assert stored.available_from == datetime.date(2025, 3, 1)
        assert stored.description_de.endswith('"quotes" and NULL \\N')
        assert stored.created_at is not None and stored.updated_at is not None
        assert not record._state.adding


def test_the_next_record_saved_the_ordinary_way_gets_a_fresh_key():
    town = MunicipalityFactory()
    records = bulk.insert(
        Property,
        [Property(title="A", kind=Kind.PLOT, municipality=town, lat=52.6, lon=11.8)],
    )
    later = Property.objects.create(
        title="B", kind=Kind.PLOT, municipality=town, lat=52.6, lon=11.8
    )
    assert later.pk > records[0].pk


def test_keys_match_their_records_after_the_newest_record_was_deleted():
    """The keys are read from the database's counter, not guessed from the highest key: after
    the newest record is deleted, the next keys are still those the rows got."""
    town = MunicipalityFactory()
    newest = Property.objects.create(
        title="X", kind=Kind.PLOT, municipality=town, lat=52.6, lon=11.8
    )
    newest.delete()
    records = bulk.insert(
        Property,
        [
            Property(title=f"R{n}", kind=Kind.PLOT, municipality=town, lat=52.6, lon=11.8)
            for n in range(5)
        ],
    )
    assert dict(Property.objects.filter(title__startswith="R").values_list("pk", "title")) == {
        r.pk: r.title for r in records
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_on_postgresql_the_full_text_column_is_computed_for_copied_rows():
    town = MunicipalityFactory()
    (record,) = bulk.insert(
        Property,
        [
            Property(
                title="Gleisanschluss Stendal",
                kind=Kind.PLOT,
                municipality=town,
                lat=52.6,
                lon=11.8,
                search_text="gleisanschluss stendal",
            )
        ],
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector @@ to_tsquery('simple', 'gleisanschluss') "
            "FROM properties_property WHERE id = %s",
            [record.pk],
        )
        assert cursor.fetchone()[0] is True


def test_values_taken_as_given_are_the_ones_each_field_would_prepare():
    """The fast path of ``_values`` (a str for a text field, an int for a number or key, a bool,
    a Decimal, a float, None for a null date or JSON value) gives what ``get_db_prep_save``
    gives; a choice member, a date and JSON go through the field."""
    town = MunicipalityFactory()
    record = Property(
        title="Halle Süd",
        kind=Kind.HALL,
        status=Status.DRAFT,
        municipality=town,
        lat=52.6,
        lon=11.86,
        area_total_m2=20_000,
        area_available_m2=15_000,
        zonings=["GE", "GI"],
        price_per_m2=Decimal("18.50"),
        price_on_request=True,
        availability=Availability.FROM_DATE,
        available_from=datetime.date(2025, 3, 1),
        description_de="Zeile eins",
    )
    fields = [f for f in Property._meta.concrete_fields if not f.primary_key]
    fast = bulk._values(bulk._columns(fields), record, connection, add=True)
    slow = []
    for field in fields:
        value = field.get_db_prep_save(field.pre_save(record, True), connection)
        slow.append(value.value if isinstance(value, enum.Enum) else value)
    timestamps = {
        n
        for n, f in enumerate(fields)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }

    def plain(values):  # psycopg's Jsonb wrapper compares by identity: its object
        return [getattr(v, "obj", v) for n, v in enumerate(values) if n not in timestamps]

    assert plain(fast) == plain(slow)
    kinds = {fields[n].name: type(v) for n, v in enumerate(fast)}
    assert kinds["kind"] is str and kinds["title"] is str  # the choice member's value
    assert kinds["price_per_m2"] is Decimal and kinds["lat"] is float
    assert record.published_at is None and kinds["published_at"] is type(None)


def test_a_field_class_that_prepares_values_itself_takes_none_as_given():
    """A subclass that only adds validators keeps its base's fast path; one that overrides a
    preparing method (``ChoiceListField``, a JSON list of choices) goes through the field."""
    from standortlotse.core.fields import ChoiceListField, EmailAddressField

    class Upper(models.CharField):
        def get_prep_value(self, value):
            return super().get_prep_value(value).upper()

    assert bulk._as_given(EmailAddressField) == (str, type(None))
    assert bulk._as_given(models.DecimalField) == (Decimal, type(None))
    assert bulk._as_given(Upper) == ()
    assert bulk._as_given(ChoiceListField) == ()


def _trigger_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = %s",
            ["properties_property_fts_ai"],
        )
        return cursor.fetchone()[0] == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 table")
def test_on_sqlite_inserted_rows_are_found_by_the_text_search_and_the_trigger_is_back():
    from standortlotse.core import textsearch

    town = MunicipalityFactory()
    records = bulk.insert(
        Property,
        [
            Property(
                title=f"Gleisanschluss {n}",
                kind=Kind.PLOT,
                municipality=town,
                lat=52.6,
                lon=11.8,
                search_text=f"gleisanschluss stendal nummer{n}",
            )
            for n in range(3)
        ],
    )
    assert sorted(textsearch.matching_ids(Property, ["gleisanschluss"])) == sorted(
        r.pk for r in records
    )
    assert textsearch.matching_ids(Property, ["nummer1"]) == [records[1].pk]
    assert _trigger_exists()
    later = Property.objects.create(
        title="Hafenkante", kind=Kind.PLOT, municipality=town, lat=52.6, lon=11.8
    )
    found = textsearch.matching_ids(Property, textsearch.query_words("Hafenkante"))
    assert found == [later.pk]  # the trigger works again


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 table")
def test_on_sqlite_a_failed_insert_leaves_the_trigger_and_no_rows():
    from django.db import IntegrityError, transaction

    town = MunicipalityFactory()
    before = Property.objects.count()
    good = Property(title="Gut", kind=Kind.PLOT, municipality=town, lat=52.6, lon=11.8)
    broken = Property(title=None, kind=Kind.PLOT, municipality=town, lat=52.6, lon=11.8)
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert(Property, [good, broken])  # NOT NULL fails in the executemany
    assert Property.objects.count() == before
    assert _trigger_exists()


def test_staged_rows_read_back_as_the_records_they_were_staged_from():
    """``stage`` → ``staged_text`` → JSON → ``insert_staged``: every kind of value (text with
    tabs, quotes and backslashes, decimals, dates, JSON lists and objects, booleans, None) comes
    back as ``insert`` writes it; the times of writing are set when written."""
    import json

    from django.utils import timezone

    town = MunicipalityFactory()
    record = Property(
        title="Halle – „Süd“\\Tab\t2",
        kind=Kind.HALL,
        status=Status.DRAFT,
        municipality=town,
        lat=52.61,
        lon=11.86,
        area_total_m2=20_000,
        zonings=["GE", "GI"],
        price_per_m2=Decimal("18.50"),
        price_on_request=True,
        availability=Availability.FROM_DATE,
        available_from=datetime.date(2025, 3, 1),
        location_facts={"computed": {"station": {"km": 1.5, "name": "Stendal Hbf"}}},
        description_de='Zeile eins\nZeile zwei; "quotes" \\N',
    )
    record.search_text = record.build_search_text()
    text = bulk.staged_text(bulk.stage(Property, record, connection))
    values = json.loads(text)
    assert len(values) == len(bulk.staged_fields(Property))
    written_at = timezone.now()
    for position, value in bulk.now_values(Property, connection, written_at).items():
        values[position] = value
    (key,) = bulk.insert_staged(Property, [values])
    stored = Property.objects.get(pk=key)
    for field in bulk.staged_fields(Property):
        if field.attname not in ("created_at", "updated_at"):
            assert getattr(stored, field.attname) == getattr(record, field.attname), field.name
    assert stored.created_at == stored.updated_at == written_at
    # the full-text index has the row (SQLite: filled for the inserted keys; PostgreSQL: generated)
    assert list(Property.objects.filter(search_text__matches=["hall", "sud"])) == [stored]
