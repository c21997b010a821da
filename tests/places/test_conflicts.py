"""The comparison a moderator sees for an import conflict (places/conflicts.py): only the fields
that differ, named by their labels, values as people read them, the story sanitised."""

from datetime import timedelta

from django.utils import timezone, translation

from standortlotse.places import conflicts, exchange
from standortlotse.places.models import ImportConflict
from tests.places.support import make_place


def _incoming(place, **changes) -> dict:
    data = exchange.content_of(place)
    data.update(changes)
    return data


def test_only_differing_fields_with_labels_and_readable_values(world):
    place = make_place(world, "Alte Molkerei", offers=["desks"], tags="Glasfaser")
    data = _incoming(
        place,
        pitch="Beim Partner geändert",
        fields=["life", "work"],
        offers=[],
        municipality_ags=world.mun_b.ags,
        social_links=["https://example.org/a", "https://example.org/b"],
    )
    local = exchange.content_of(place)
    names = {world.mun_a.ags: "Stendal", world.mun_b.ags: "Gardelegen"}
    with translation.override("de"):
        differences, unchanged = conflicts.compare(local, data, names)
    rows = {d.name: d for d in differences}
    assert list(rows) == ["pitch", "fields", "offers", "municipality_ags", "social_links"]
    assert rows["pitch"].label == "Kurzvorstellung"
    assert (rows["fields"].label, rows["fields"].local) == (
        "Handlungsfelder",
        "Arbeiten/Wirtschaft",
    )
    assert rows["fields"].incoming == "Leben/Tourismus, Arbeiten/Wirtschaft"
    assert (rows["offers"].local, rows["offers"].incoming) == ("Arbeitsplätze zur Miete", "–")
    assert (rows["municipality_ags"].label, rows["municipality_ags"].local) == (
        "Gemeinde",
        "Stendal",
    )
    assert rows["municipality_ags"].incoming == "Gardelegen"
    assert rows["social_links"].local == "–"
    assert rows["social_links"].incoming == "https://example.org/a, https://example.org/b"
    assert "Name" in unchanged and "Schlagwörter" in unchanged
    with translation.override("en"):
        differences, _ = conflicts.compare(local, data, names)
    assert [d.label for d in differences][:3] == ["Short pitch", "Fields", "Offers"]
    assert differences[1].incoming == "Life/Tourism, Work/Economy"


def test_story_is_sanitised_and_empty_values_and_positions_read_as_people_read_them():
    local = {"story": "<p>Hier</p>", "lat": 52.6, "website": "", "tags": []}
    incoming = {
        "story": '<p onclick="x()">Dort</p><script>alert(1)</script><img src=x onerror=y>',
        "lat": 52.61,
        "website": "https://partner.example",
        "tags": [],
    }
    with translation.override("de"):
        differences, unchanged = conflicts.compare(local, incoming)
    story, lat, website = differences
    assert str(story.incoming) == "<p>Dort</p>"
    assert hasattr(story.incoming, "__html__")  # rendered as the sanitiser left it, not escaped
    assert (lat.label, lat.local, lat.incoming) == ("Breitengrad", "52,6", "52,61")
    assert (website.local, website.incoming) == ("–", "https://partner.example")
    assert unchanged == ["Schlagwörter"]
    assert conflicts.display("story", "<script>alert(1)</script>") == "–"


def test_names_the_partner_does_not_send_are_no_difference_and_equal_positions_are_equal():
    local = {"name": "A", "lat": 52.6, "contact_email": ""}
    differences, unchanged = conflicts.compare(local, {"lat": 52.6000001, "contact_email": None})
    assert differences == [] and len(unchanged) == 2


def test_open_conflicts_newest_first_each_compared_with_the_stored_place(world):
    place = make_place(world, "Alte Molkerei")
    older = ImportConflict.objects.create(
        place=place,
        source="Karte von morgen",
        data=_incoming(place, pitch="Fassung 5"),
        version="5",
        created_at=timezone.now() - timedelta(days=2),
    )
    newer = ImportConflict.objects.create(
        place=place,
        source="Karte von morgen",
        data=_incoming(place, pitch="Fassung 6", name="Molkerei"),
        version="6",
    )
    ImportConflict.objects.create(
        place=place, source="Karte von morgen", data=_incoming(place, pitch="alt"), resolved=True
    )
    waiting = conflicts.open_conflicts(place)
    assert [c.conflict for c in waiting] == [newer, older]
    assert [d.name for d in waiting[0].differences] == ["name", "pitch"]
    assert [d.incoming for d in waiting[1].differences] == ["Fassung 5"]
    assert conflicts.open_conflicts(make_place(world, "Ohne Konflikt")) == []
