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
