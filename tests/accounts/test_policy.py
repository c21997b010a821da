"""The whole role × action matrix of the permission policy, in the policy and through URL/API."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from standortlotse.accounts import policy
from standortlotse.properties.models import Property, Status

pytestmark = pytest.mark.django_db

# (user attribute, property attribute) -> may edit?
MATRIX = {
    ("editor_a", "prop_a"): True,
    ("editor_a", "prop_b"): False,
    ("editor_a", "prop_c"): False,
    ("editor_b", "prop_a"): False,
    ("editor_b", "prop_b"): True,
    ("editor_b", "prop_c"): False,
    ("moderator", "prop_a"): True,
    ("moderator", "prop_b"): True,
    ("moderator", "prop_c"): False,
    ("state_admin", "prop_a"): True,
    ("state_admin", "prop_b"): True,
    ("state_admin", "prop_c"): True,
}


@pytest.mark.parametrize(("user_name", "prop_name"), list(MATRIX))
def test_policy_matrix(world, user_name, prop_name):
    user, prop = getattr(world, user_name), getattr(world, prop_name)
    expected = MATRIX[(user_name, prop_name)]
    assert policy.can_edit(user, prop) is expected
    editable = policy.editable_records(user, Property.objects.all())
    assert editable.filter(pk=prop.pk).exists() is expected


def test_anonymous_and_memberless_users_edit_nothing(world, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x-secret-123")
    for user in (AnonymousUser(), nobody):
        assert not policy.is_editor(user)
        assert not policy.editable_records(user, Property.objects.all()).exists()
        assert not policy.can_edit(user, world.prop_a)


def test_inactive_member_loses_rights(world):
    world.editor_a.is_active = False
    world.editor_a.save()
    assert not policy.can_edit(world.editor_a, world.prop_a)


def test_superuser_is_state_admin(world, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x-secret-123")
    assert policy.can_edit(root, world.prop_c)


def test_editable_municipalities_per_role(world):
    assert set(policy.editable_municipalities(world.editor_a)) == {world.mun_a}
    assert set(policy.editable_municipalities(world.moderator)) == {world.mun_a, world.mun_b}
    assert {world.mun_a, world.mun_b, world.mun_c} <= set(
        policy.editable_municipalities(world.state_admin)
    )


EDIT_POST = {
    "title": "Übernommen!",
    "kind": "plot",
    "lat": "52.6",
    "lon": "11.86",
    "availability": "immediately",
}


@pytest.mark.parametrize("prop_name", ["prop_b", "prop_c"])
def test_editor_cannot_touch_foreign_record_by_url(client, world, prop_name):
    prop = getattr(world, prop_name)
    before = Property.objects.get(pk=prop.pk)
    client.force_login(world.editor_a)
    urls = [
        reverse("properties:editor_edit", args=[prop.pk]),
        reverse("properties:editor_history", args=[prop.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    data = dict(EDIT_POST, municipality=prop.municipality_id)
    assert client.post(reverse("properties:editor_edit", args=[prop.pk]), data).status_code == 404
    for action in ("publish", "archive", "unpublish", "confirm"):
        response = client.post(reverse("properties:editor_action", args=[prop.pk, action]))
        assert response.status_code == 404
    after = Property.objects.get(pk=prop.pk)
    assert (after.title, after.status, after.verified_on) == (
        before.title,
        before.status,
        before.verified_on,
    )


def test_editor_cannot_create_in_foreign_municipality(client, world):
    client.force_login(world.editor_a)
    data = dict(EDIT_POST, municipality=world.mun_b.pk, lat="52.53", lon="11.39")
    response = client.post(reverse("properties:editor_create"), data)
    assert response.status_code == 200
    assert "municipality" in response.context["form"].errors
    assert not Property.objects.filter(title="Übernommen!").exists()


def test_editor_cannot_move_own_record_to_foreign_municipality(client, world):
    client.force_login(world.editor_a)
    data = dict(EDIT_POST, municipality=world.mun_b.pk)
    client.post(reverse("properties:editor_edit", args=[world.prop_a.pk]), data)
    world.prop_a.refresh_from_db()
    assert world.prop_a.municipality == world.mun_a


@pytest.mark.parametrize(
    ("user_name", "prop_name", "status"),
    [
        ("editor_a", "prop_b", 403),  # published, so it exists publicly: 403
        ("editor_b", "prop_a", 403),
        ("moderator", "prop_c", 403),
        ("editor_a", "prop_a", 200),
        ("moderator", "prop_b", 200),
        ("state_admin", "prop_c", 200),
    ],
)
def test_api_patch_matrix(client, world, user_name, prop_name, status):
    prop = getattr(world, prop_name)
    client.force_login(getattr(world, user_name))
    response = client.patch(
        f"/api/properties/{prop.pk}",
        json.dumps({"title": "API-Titel"}),
        content_type="application/json",
    )
    assert response.status_code == status
    prop.refresh_from_db()
    assert (prop.title == "API-Titel") is (status == 200)


def test_api_draft_of_other_municipality_is_404(client, world):
    Property.objects.filter(pk=world.prop_b.pk).update(status=Status.DRAFT)
    client.force_login(world.editor_a)
    response = client.patch(
        f"/api/properties/{world.prop_b.pk}",
        json.dumps({"title": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert client.get(f"/api/properties/{world.prop_b.pk}").status_code == 404
    assert client.post(f"/api/properties/{world.prop_b.pk}/publish").status_code == 404
    world.prop_b.refresh_from_db()
    assert world.prop_b.status == Status.DRAFT


def test_api_write_needs_login(client, world):
    response = client.patch(
        f"/api/properties/{world.prop_a.pk}",
        json.dumps({"title": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 401
    assert client.post("/api/properties", "{}", content_type="application/json").status_code == 401


def test_api_create_in_foreign_municipality_refused(client, world):
    client.force_login(world.editor_a)
    payload = {"title": "Fremd", "municipality": world.mun_b.pk, "lat": 52.53, "lon": 11.39}
    response = client.post("/api/properties", json.dumps(payload), content_type="application/json")
    assert response.status_code == 422
    assert "municipality" in response.json()["detail"]
    assert not Property.objects.filter(title="Fremd").exists()


def test_api_write_requires_csrf(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.editor_a)
    response = client.patch(
        f"/api/properties/{world.prop_a.pk}",
        json.dumps({"title": "csrf"}),
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    world.prop_a.refresh_from_db()
    assert world.prop_a.title != "csrf"


def test_back_office_needs_login_and_membership(client, world, django_user_model):
    response = client.get(reverse("properties:editor_list"))
    assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]
    client.force_login(django_user_model.objects.create_user("plain", password="x-secret-123"))
    assert client.get(reverse("properties:editor_list")).status_code == 403


def test_editor_list_shows_only_own_records(client, world):
    client.force_login(world.editor_a)
    content = client.get(reverse("properties:editor_list")).content.decode()
    assert world.prop_a.title in content
    assert world.prop_b.title not in content and world.prop_c.title not in content
    client.force_login(world.moderator)
    content = client.get(reverse("properties:editor_list")).content.decode()
    assert world.prop_a.title in content and world.prop_b.title in content
    assert world.prop_c.title not in content


def test_login_locks_after_repeated_failures(client, world, settings):
    settings.AXES_FAILURE_LIMIT = 3
    url = reverse("accounts:login")
    for _ in range(2):
        response = client.post(url, {"username": "editor_a", "password": "falsch"})
        assert response.status_code == 200
    assert client.post(url, {"username": "editor_a", "password": "falsch"}).status_code == 429
    response = client.post(url, {"username": "editor_a", "password": "secret-pass-123"})
    assert response.status_code == 429 and "15" in response.content.decode()
    assert "_auth_user_id" not in client.session
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    AccessAttempt.objects.update(
        attempt_time=timezone.now() - timedelta(minutes=16)
    )  # cool-off over
    response = client.post(url, {"username": "editor_a", "password": "secret-pass-123"})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(world.editor_a.pk)


def test_moderator_required_lets_only_moderators_through_and_keeps_the_view_name(rf, world):
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse

    from standortlotse.accounts.decorators import moderator_required

    @moderator_required
    def review_queue(request):
        """The queue."""
        return HttpResponse("ok")

    assert review_queue.__name__ == "review_queue" and review_queue.__doc__ == "The queue."
    request = rf.get("/datenpflege/orte/")
    request.user = world.moderator
    request.session = {}
    assert review_queue(request).status_code == 200
    request.user = world.editor_a
    with pytest.raises(PermissionDenied):
        review_queue(request)


def test_only_the_regions_moderators_and_state_admins_override_the_publication_gate(world):
    assert policy.can_override_gate(world.moderator, world.prop_a)
    assert policy.can_override_gate(world.moderator, world.prop_b)
    assert not policy.can_override_gate(world.moderator, world.prop_c)  # outside the Altmark
    assert policy.can_override_gate(world.state_admin, world.prop_c)
    for editor in (world.editor_a, world.editor_b):
        assert not policy.can_override_gate(editor, world.prop_a)
    assert not policy.can_override_gate(AnonymousUser(), world.prop_a)
