"""places/selectors.py: the public search finds new and changed places."""

import pytest

from standortlotse.places import services
from standortlotse.places.models import Status

pytestmark = pytest.mark.django_db


def test_text_search_follows_new_and_changed_places_after_the_link_migration(world, place):
    """The owner-link migration removes two columns, which rebuilds the table on SQLite and drops
    the full-text triggers; they must be back (else new and changed places are never found)."""
    from standortlotse.places import selectors

    services.moderate(world.moderator, place, Status.PUBLISHED)
    assert list(selectors.search({"q": "Coworking"})) == [place]
    place.pitch = "Jetzt mit Siebdruckwerkstatt"
    place.save()
    assert list(selectors.search({"q": "Siebdruckwerkstatt"})) == [place]


def test_places_are_listed_and_paged_in_german_dictionary_order(world):
    """ "Ä" sorts as "A" and capitals like small letters, on SQLite (code points: "Ä" after "Z")
    and on PostgreSQL whatever its locale; the order is the database's, so pages agree."""
    from standortlotse.places import selectors
    from tests.browser.places_support import make_place

    names = ["Zuckerfabrik", "Ährenhof Dähre", "atelier im Dorf", "Alte Schule", "Öko-Werkstatt"]
    for name in names:
        make_place(world, name)
    listed = [p.name for p in selectors.search({})]
    assert listed == [
        "Ährenhof Dähre",
        "Alte Schule",
        "atelier im Dorf",
        "Öko-Werkstatt",
        "Zuckerfabrik",
    ]
    # a renamed place moves (every write path saves through Place.save)
    from standortlotse.places.models import Place

    place = Place.objects.get(name="Zuckerfabrik")
    place.name = "Backhaus"
    place.save(update_fields=["name"])
    assert [p.name for p in selectors.search({})] == [
        "Ährenhof Dähre",
        "Alte Schule",
        "atelier im Dorf",
        "Backhaus",
        "Öko-Werkstatt",
    ]


# --- possible duplicates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("Dorfladen Kläden", "Dorfladen Klaeden e.V.", True),  # umlauts, a legal form
        ("Coworking Alte Schule", "Coworking alte Schule", True),
        ("Kulturscheune Uenglingen", "Kulturscheune Ünglingen", True),  # a typo-like spelling
        ("Coworking Stendal", "Coworking in Stendal", True),  # filler words say nothing
        ("Coworking Stendal", "Coworking im Zentrum", False),  # only half its words shared
        ("Coworking Stendal", "Kino Stendal", False),
        ("Coworking Altmarkhafen", "Coworking Bahnhof", False),
        ("Dorfladen", "Werkstatt", False),
    ],
)
def test_similar_names_in_one_municipality(a, b, similar):
    from standortlotse.places.selectors import similar_names

    assert similar_names(a, b, "Stendal") is similar


def test_possible_duplicates_nearby_or_by_similar_name_in_the_same_municipality(world):
    from standortlotse.places import selectors
    from tests.places.support import make_place

    lat, lon = 52.61, 11.87  # a point of its own in Stendal (not the municipality's centre)
    near = make_place(world, "Kulturhaus", lat=lat + 0.002, lon=lon)  # ~220 m north
    make_place(world, "Weiter weg", lat=lat + 0.004, lon=lon)  # ~445 m
    pending = make_place(world, "Dorfladen Stendal", status=Status.SUBMITTED, lat=52.58, lon=11.8)
    make_place(world, "Dorfladen Stendal", status=Status.REJECTED, lat=lat, lon=lon)
    make_place(world, "Dorfladen Stendal eG", world.mun_b, lat=52.5, lon=11.3)  # elsewhere
    found = selectors.possible_duplicates("Dorfladen Stendal Nord", world.mun_a, lat, lon)
    assert [(d.pk, d.similar_name, d.distance_m) for d in found] == [
        (pending.pk, True, None),
        (near.pk, False, 222),
    ]
    assert found[0].status_label == "eingereicht" and not found[0].is_public and found[1].is_public


def test_the_municipality_centre_is_no_point_to_compare(world):
    """Places without a point of their own lie at their municipality's centre: being there
    together makes them no duplicates (a similar name still does)."""
    from standortlotse.places import selectors
    from tests.places.support import make_place

    make_place(world, "Kino")  # at the centre of Stendal
    centre = (world.mun_a.lat, world.mun_a.lon)
    assert selectors.possible_duplicates("Werkstatt", world.mun_a, *centre) == []
    assert [d.name for d in selectors.possible_duplicates("Kino", world.mun_a, *centre)] == ["Kino"]


def test_duplicates_of_a_page_of_places_cost_one_query(world, django_assert_num_queries):
    from standortlotse.places import selectors
    from standortlotse.places.models import Place
    from tests.places.support import make_place

    names = ["Kino", "Werkstatt", "Garten", "Atelier", "Bibliothek"]
    for n, name in enumerate(names):
        make_place(world, name, lat=52.61 + n * 0.001, lon=11.87)
    make_place(world, "Laden", world.mun_b)
    places = list(Place.objects.select_related("municipality"))
    with django_assert_num_queries(1):
        found = selectors.duplicates_by_place(places)
    first = Place.objects.get(name="Kino")
    assert {d.name for d in found[first.pk]} == {"Werkstatt", "Garten"}  # 111, 222 m (not 333)
    assert Place.objects.get(name="Laden").pk not in found
