"""Writing figures: the import (report per row, scope, no write on errors), the record rules,
demo figures and the management command."""

from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from standortlotse.profiles import services
from standortlotse.profiles.models import DEMO_SOURCE, Figure, Key

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
POPULATION = DATA / "12411-0015_bevoelkerung_gemeinden.csv"
TAXES = DATA / "71231-01-03-5_hebesaetze_ars_utf8.csv"
BAD = DATA / "arbeitslosenquote_fehler_cp1252.csv"
YEARS = DATA / "bevoelkerung_zwei_jahre_cp1252.csv"
SOURCE = "Statistisches Landesamt Sachsen-Anhalt, Tabelle 12411-0015"


def values(key, as_of=None):
    figures = Figure.objects.filter(key=key)
    if as_of:
        figures = figures.filter(as_of=as_of)
    return {(f.municipality.ags if f.municipality_id else f.district.key): f.value for f in figures}


def test_import_population_for_the_municipalities_and_districts_here(world):
    report = services.import_table(
        POPULATION.read_bytes(), key=Key.POPULATION, source=SOURCE, column="insgesamt"
    )
    assert report.ok and report.written
    assert report.as_of == date(2023, 12, 31)  # from the table's date line
    assert values(Key.POPULATION) == {
        "15090535": Decimal(39127),
        "15081135": Decimal(22095),
        "15083270": Decimal(19044),
        "15081": Decimal(80512),
        "15090": Decimal(108017),
    }
    # Salzwedel and the Beispielgemeinde are not in this register, the state is another level
    assert report.not_here == 3
    assert report.counts == {"new": 5, "changed": 0, "unchanged": 0}
    figure = Figure.objects.get(municipality=world.mun_a, key=Key.POPULATION)
    assert (figure.source, figure.is_demo) == (SOURCE, False)

    again = services.import_table(
        POPULATION.read_bytes(), key=Key.POPULATION, source=SOURCE, column="1"
    )
    assert again.counts == {"new": 0, "changed": 0, "unchanged": 5}


def test_missing_markers_are_not_written_and_listed(world):
    world.mun_b.ags = "15081455"  # Salzwedel: "." in the male and female columns
    world.mun_b.save()
    report = services.import_table(
        POPULATION.read_bytes(), key=Key.POPULATION, source=SOURCE, column="männlich"
    )
    assert report.ok
    assert [(line, marker) for line, _name, marker in report.missing] == [(12, ".")]
    assert "15081455" not in values(Key.POPULATION)


def test_ars_keys_and_a_chosen_column(world):
    report = services.import_table(
        TAXES.read_bytes(),
        key=Key.LAND_TAX_B_RATE,
        source="Regionalstatistik 71231-01-03-5",
        column="Grundsteuer B",
    )
    assert report.written, report.errors
    assert values(Key.LAND_TAX_B_RATE, date(2023, 12, 31)) == {
        "15081135": Decimal(450),
        "15090535": Decimal(495),
        "15083270": Decimal(440),
    }


def test_errors_name_line_and_column_and_quote_the_cell_and_nothing_is_written(world):
    report = services.import_table(
        BAD.read_bytes(), key=Key.UNEMPLOYMENT_RATE, source="Bundesagentur für Arbeit"
    )
    assert not report.ok and not report.written
    assert [str(e) for e in report.errors] == [
        "Zeile 7, Spalte „Arbeitslosenquote %“: „k.A.“ ist keine Zahl.",
        "Zeile 9, Spalte „Arbeitslosenquote %“: „123,5“ Ein Anteil liegt zwischen 0 und 100 %.",
    ]
    assert report.as_of == date(2024, 6, 30)
    assert not Figure.objects.exists()


def test_tables_by_year_import_the_chosen_block(world):
    report = services.import_table(
        YEARS.read_bytes(), key=Key.POPULATION, source=SOURCE, as_of=date(2022, 12, 31)
    )
    assert report.written
    assert values(Key.POPULATION) == {"15090535": Decimal(39413), "15081135": Decimal(22301)}
    undecided = services.import_table(YEARS.read_bytes(), key=Key.POPULATION, source=SOURCE)
    assert "mehrere" in undecided.file_error or "several" in undecided.file_error


def test_an_editor_imports_only_their_municipality(world):
    report = services.import_table(
        POPULATION.read_bytes(),
        key=Key.POPULATION,
        source=SOURCE,
        column="insgesamt",
        user=world.editor_a,
    )
    assert report.written
    assert values(Key.POPULATION) == {"15090535": Decimal(39127)}
    assert sorted(report.outside_scope) == sorted(
        ["Gardelegen", "Haldensleben", "Altmarkkreis Salzwedel", "Landkreis Stendal"]
    )
    assert Figure.objects.get().updated_by == world.editor_a


def test_a_moderator_imports_the_region_and_its_districts(world):
    report = services.import_table(
        POPULATION.read_bytes(), key=Key.POPULATION, source=SOURCE, column="1", user=world.moderator
    )
    assert set(values(Key.POPULATION)) == {"15090535", "15081135", "15081", "15090"}
    assert report.outside_scope == ["Haldensleben"]


def test_the_preview_writes_nothing(world):
    report = services.import_table(
        POPULATION.read_bytes(), key=Key.POPULATION, source=SOURCE, column="1", dry_run=True
    )
    assert report.ok and not report.written and report.counts["new"] == 5
    assert not Figure.objects.exists()


@pytest.mark.parametrize(
    "key, value, message",
    [
        (Key.POPULATION, Decimal("12.5"), "whole number"),
        (Key.POPULATION, Decimal(-1), "negative"),
        (Key.AGE_65_PLUS, Decimal(101), "between 0 and 100"),
        (Key.TRADE_TAX_RATE, Decimal(150), "at least 200"),
        (Key.LAND_TAX_B_RATE, Decimal(1500), "between 0 and 1,000"),
        (Key.POPULATION_CHANGE_5Y, Decimal(-120), "not plausible"),
    ],
)
def test_record_rules(world, key, value, message):
    figure = Figure(
        municipality=world.mun_a, key=key, value=value, as_of=date(2023, 12, 31), source="x"
    )
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        figure.full_clean()


def test_a_figure_belongs_to_one_subject_and_demo_values_are_marked(world):
    with pytest.raises(ValidationError, match="entweder"):
        Figure(
            municipality=world.mun_a,
            district=world.district_stendal,
            key=Key.POPULATION,
            value=1,
            as_of=date(2023, 1, 1),
            source="x",
        ).full_clean()
    with pytest.raises(ValidationError, match="Demo"):
        Figure(
            municipality=world.mun_a,
            key=Key.POPULATION,
            value=1,
            as_of=date(2023, 1, 1),
            source="Amt",
            is_demo=True,
        ).full_clean()
    with pytest.raises(ValidationError, match="source"):
        Figure(
            municipality=world.mun_a, key=Key.POPULATION, value=1, as_of=date(2023, 1, 1), source=""
        ).full_clean()


def test_save_figure_checks_the_scope(world):
    figure = Figure(
        municipality=world.mun_b,
        key=Key.AREA,
        value=Decimal("632.4"),
        as_of=date(2023, 12, 31),
        source="Amt",
    )
    with pytest.raises(PermissionError):
        services.save_figure(figure, world.editor_a)
    services.save_figure(figure, world.editor_b)
    assert Figure.objects.get().updated_by == world.editor_b
    district_figure = Figure(
        district=world.district_stendal,
        key=Key.AREA,
        value=2423,
        as_of=date(2023, 12, 31),
        source="Amt",
    )
    with pytest.raises(PermissionError):
        services.save_figure(district_figure, world.editor_a)
    services.save_figure(district_figure, world.moderator)


def test_demo_figures_for_every_region_municipality_and_never_over_official_ones(world):
    services.import_table(POPULATION.read_bytes(), key=Key.POPULATION, source=SOURCE, column="1")
    Figure.objects.filter(municipality=world.mun_b).delete()
    written = services.create_demo_figures()
    demo = Figure.objects.filter(is_demo=True)
    # Gardelegen (Altmark, no official figure): 14 keys + 5 past years of population
    assert written == len(Key.values) + services.DEMO_YEARS
    assert set(demo.values_list("municipality", flat=True)) == {world.mun_b.pk}
    assert set(demo.values_list("source", flat=True)) == {DEMO_SOURCE}
    # Stendal has official figures: untouched; Haldensleben is in no region: none
    assert not Figure.objects.filter(municipality=world.mun_a, is_demo=True).exists()
    assert not Figure.objects.filter(municipality=world.mun_c, is_demo=True).exists()
    shares = {f.key: f.value for f in demo.filter(as_of=services.DEMO_AS_OF)}
    assert shares[Key.AGE_UNDER_18] + shares[Key.AGE_18_64] + shares[Key.AGE_65_PLUS] == 100
    assert services.create_demo_figures() == written  # the same values again


def test_management_command(world):
    out = StringIO()
    call_command(
        "import_statistics",
        str(TAXES),
        "--key",
        "trade_tax_rate_pct",
        "--column",
        "Gewerbesteuer",
        "--source",
        "Regionalstatistik",
        "--as-of",
        "2023-12-31",
        stdout=out,
    )
    assert "3 new" in out.getvalue() and "Written." in out.getvalue()
    assert values(Key.TRADE_TAX_RATE) == {"15081135": 380, "15090535": 400, "15083270": 400}
    with pytest.raises(CommandError, match="2 errors"):
        call_command(
            "import_statistics",
            str(BAD),
            "--key",
            "unemployment_rate_pct",
            "--source",
            "BA",
            stdout=StringIO(),
            stderr=StringIO(),
        )
    with pytest.raises(CommandError, match="several value columns"):
        call_command(
            "import_statistics",
            str(TAXES),
            "--key",
            "trade_tax_rate_pct",
            "--source",
            "BA",
            stdout=StringIO(),
        )
