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
