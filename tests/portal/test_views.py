"""Request tests of the site-wide pages (portal/views.py): the start page and the health check."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_and_health(client, world):
    assert world.prop_a.title.encode() in client.get("/").content
    assert client.get("/health/").json() == {"status": "ok"}
