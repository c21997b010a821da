"""The form for a new record (backoffice.editor_create): the municipality is chosen already for
an editor with exactly one."""

import pytest
from django.urls import reverse

from standortlotse.accounts.models import Membership
from tests.inquiries.support import org_of

pytestmark = pytest.mark.django_db


def _initial_municipality(client):
    response = client.get(reverse("properties:editor_create"))
    assert response.status_code == 200
    return response.context["form"]["municipality"].value()


def test_an_editor_of_one_municipality_finds_it_chosen(client, world):
    client.force_login(world.editor_a)
    assert _initial_municipality(client) == world.mun_a.pk
    page = client.get(reverse("properties:editor_create")).content.decode()
    assert f'<option value="{world.mun_a.pk}" selected>Stendal</option>' in page


def test_nothing_is_chosen_for_several_municipalities(client, world):
    for user in (world.moderator, world.state_admin):
        client.force_login(user)
        assert _initial_municipality(client) in (None, "")
    Membership.objects.create(
        user=world.editor_a, organisation=org_of(world.editor_b), role="municipal_editor"
    )
    client.force_login(world.editor_a)
    assert _initial_municipality(client) in (None, "")


def test_a_posted_choice_wins_over_the_preset(client, world):
    client.force_login(world.editor_a)
    response = client.post(reverse("properties:editor_create"), {"municipality": ""})
    assert response.status_code == 200
    assert "municipality" in response.context["form"].errors
