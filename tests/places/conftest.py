"""Fixtures of the places tests: a submission through the public form and the place it makes,
and published places of both municipalities (and one draft) for the feeds."""

import pytest
from django.urls import reverse

from standortlotse.places.models import Place, Status
from tests.places.support import make_place, png, submission


@pytest.fixture
def submit(client, world, django_capture_on_commit_callbacks):
    def _submit(**overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("places:submit", args=["altmark"]), submission(world, **overrides)
            )

    return _submit


@pytest.fixture
def place(world, submit):
    response = submit(photo=png(), photo_alt="Der Coworking-Raum")
    assert response.status_code == 302, response.context["form"].errors
    return Place.objects.get(name="Coworking Alte Schule")


@pytest.fixture
def places(world):
    return {
        "cowork": make_place(world, "Coworking Stendal", offers=["desks"], tags="Glasfaser"),
        "shop": make_place(
            world,
            "Dorfladen Gardelegen",
            world.mun_b,
            fields=["life"],
            types=["village_shop"],
            offers=["cafe"],
            story="<p>Kaffee und Kuchen</p>",
        ),
        "draft": make_place(world, "Noch geheim", status=Status.SUBMITTED),
    }
