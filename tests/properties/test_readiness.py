"""Site readiness (properties/readiness.py): the level rule at its boundaries, the record rules
on the model, the kVA/MVA formatting."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from standortlotse.properties import readiness
from standortlotse.properties.readiness import ItemStatus, Level

CLEAR, OPEN, ISSUE, UNKNOWN = (
    ItemStatus.CLEAR,
    ItemStatus.OPEN,
    ItemStatus.ISSUE,
    ItemStatus.UNKNOWN,
)
N = len(readiness.ITEMS)


def statuses(*others):
    """A full checklist: the given statuses first, the rest clear."""
    return [*others, *[CLEAR] * (N - len(others))]


def test_nine_items_with_their_fields():
    assert [item.key for item in readiness.ITEMS] == [
        "building_rights",
        "grid",
        "water",
        "contamination",
        "flood",
        "archaeology",
        "soil",
        "ownership",
        "access",
    ]
    assert readiness.ITEMS_BY_KEY["grid"].fields == (
        "readiness_grid_status",
        "readiness_grid_kva",
        "readiness_grid_operator",
        "readiness_grid_upgrade_kva",
        "readiness_grid_upgrade_date",
        "readiness_grid_note",
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (statuses(), Level.READY),
        (statuses(OPEN), Level.MOSTLY),
        (statuses(OPEN, UNKNOWN), Level.MOSTLY),
        (statuses(OPEN, UNKNOWN, OPEN), Level.CLARIFYING),  # three open: more than two
        (statuses(ISSUE), Level.CLARIFYING),  # one obstacle is enough
        (statuses(UNKNOWN, UNKNOWN), Level.MOSTLY),
        ([UNKNOWN] * N, Level.CLARIFYING),
        ([], Level.CLARIFYING),
    ],
)
def test_level(given, expected):
    assert readiness.level(given) == expected


def test_missing_lists_items_not_clear_in_order():
    given = {item.key: CLEAR for item in readiness.ITEMS} | {"soil": OPEN, "grid": ISSUE}
    assert [item.key for item in readiness.missing(given)] == ["grid", "soil"]


@pytest.mark.parametrize(
    ("kva", "de", "en"),
    [
        (630, "630\u00a0kVA", "630\u00a0kVA"),
        (999, "999\u00a0kVA", "999\u00a0kVA"),
        (1000, "1\u00a0MVA", "1\u00a0MVA"),
        (2000, "2\u00a0MVA", "2\u00a0MVA"),
        (2500, "2,5\u00a0MVA", "2.5\u00a0MVA"),
        (1250, "1,25\u00a0MVA", "1.25\u00a0MVA"),
    ],
)
def test_format_kva(kva, de, en):
    with translation.override("de"):
        assert readiness.format_kva(kva) == de
    with translation.override("en"):
        assert readiness.format_kva(kva) == en


def _ready(prop):
    for item in readiness.ITEMS:
        setattr(prop, item.status_field, CLEAR)
    return prop


@pytest.mark.django_db
def test_level_is_stored_on_save(world):
    prop = world.prop_a
    assert prop.readiness_level == Level.CLARIFYING
    _ready(prop).save()
    prop.refresh_from_db()
    assert prop.readiness_level == Level.READY
    prop.readiness_soil_status = OPEN
    prop.save(update_fields=["readiness_soil_status"])
    prop.refresh_from_db()
    assert prop.readiness_level == Level.MOSTLY


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"readiness_grid_upgrade_date": "2027-06-30"}, "readiness_grid_upgrade_date"),
        (
            {"readiness_grid_kva": 630, "readiness_grid_upgrade_kva": 630},
            "readiness_grid_upgrade_kva",
        ),
        ({"readiness_flood_status": ISSUE}, "readiness_flood_note"),
        (
            {"readiness_willing_to_sell": False, "readiness_ownership_status": CLEAR},
            "readiness_ownership_status",
        ),
        ({"readiness_grid_kva": -1}, "readiness_grid_kva"),
    ],
)
def test_record_rules_name_the_field(world, values, field):
    prop = world.prop_a
    for name, value in values.items():
        setattr(prop, name, value)
    with pytest.raises(ValidationError) as raised:
        prop.full_clean()
    assert field in raised.value.message_dict


@pytest.mark.django_db
def test_valid_grid_figures_pass(world):
    prop = world.prop_a
    prop.readiness_grid_kva = 630
    prop.readiness_grid_upgrade_kva = 2000
    prop.readiness_grid_upgrade_date = "2027-06-30"
    prop.readiness_flood_status = ISSUE
    prop.readiness_flood_note = "HQ100-Gebiet am Südrand"
    prop.full_clean()


@pytest.mark.django_db
def test_filled_only_with_something_known(world):
    prop = world.prop_a
    assert not readiness.is_filled(prop)
    prop.readiness_grid_operator = "Avacon Netz"
    assert readiness.is_filled(prop)
