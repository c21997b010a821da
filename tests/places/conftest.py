"""Fixtures of the places tests: a submission through the public form and the place it makes."""

import pytest
from django.urls import reverse

from standortlotse.places.models import Place
from tests.places.support import png, submission


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
