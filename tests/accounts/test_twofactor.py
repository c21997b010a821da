"""Optional two-factor login (TOTP): setup, two-step login, brake, switching off, enforcement."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.support import code_for, set_up

pytestmark = pytest.mark.django_db


def login(client, user):
    return client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": "secret-pass-123", "next": "/datenpflege/"},
    )


def test_login_needs_the_code_after_setup(client, world):
    device = set_up(client, world.editor_a)
    response = login(client, world.editor_a)
    assert response.url == reverse("accounts:login_code")
    assert "_auth_user_id" not in client.session  # not logged in after the password alone
    assert client.get("/datenpflege/").status_code == 302
    wrong = client.post(reverse("accounts:login_code"), {"code": "12345a"})
    assert wrong.status_code == 400
    device.refresh_from_db()
    # the code of the next time step (the one used for the setup cannot be used twice)
    response = client.post(reverse("accounts:login_code"), {"code": code_for(device, offset=1)})
    assert response.status_code == 302 and response.url == "/datenpflege/"
    assert client.get("/datenpflege/").status_code == 200


def test_code_attempts_are_braked(client, world, settings):
    device = set_up(client, world.editor_a)
    login(client, world.editor_a)
    good = code_for(device, offset=1)
    wrong = "000000" if good != "000000" else "111111"
    for _ in range(5):
        client.post(reverse("accounts:login_code"), {"code": wrong})
    response = client.post(reverse("accounts:login_code"), {"code": good})
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_users_without_device_log_in_as_before_and_can_switch_off(client, world):
    response = login(client, world.editor_b)
    assert response.url == "/datenpflege/"
    client.logout()
    device = set_up(client, world.editor_a)
    login(client, world.editor_a)
    client.post(reverse("accounts:login_code"), {"code": code_for(device, offset=1)})
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # as if a minute had passed
    client.post(reverse("accounts:two_factor"), {"code": code_for(device)})
    assert not TOTPDevice.objects.filter(user=world.editor_a).exists()


def test_required_two_factor_sends_staff_to_the_setup(client, world, settings):
    settings.REQUIRE_TWO_FACTOR = True
    client.force_login(world.editor_a)
    response = client.get("/datenpflege/")
    assert response.status_code == 302 and response.url == reverse("accounts:two_factor")


# --- REQUIRE_TWO_FACTOR holds on every logged-in surface (issue 12) -------------------------------

import json  # noqa: E402


def verify_session(client, user):
    """The TOTP step for a logged-in session without a device: set up the app, confirm a code."""
    page = client.get(reverse("accounts:two_factor"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert (
        client.post(reverse("accounts:two_factor"), {"code": code_for(device)}).status_code == 302
    )
    return device


def rename(client, prop, title):
    return client.patch(
        f"/api/properties/{prop.pk}", json.dumps({"title": title}), content_type="application/json"
    )


def test_required_two_factor_holds_for_api_session_writes_and_private_reads(
    client, world, settings
):
    settings.REQUIRE_TWO_FACTOR = True
    world.prop_b.status = "draft"
    world.prop_b.save()
    client.force_login(world.state_admin)  # the password alone
    assert rename(client, world.prop_a, "Umbenannt ohne Code").status_code == 401
    world.prop_a.refresh_from_db()
    assert world.prop_a.title == "Gewerbepark Stendal Nord"
    assert (
        client.post(
            "/api/properties", json.dumps({"title": "Neu"}), content_type="application/json"
        ).status_code
        == 401
    )
    assert client.post(f"/api/properties/{world.prop_a.pk}/archive").status_code == 401
    assert client.get("/api/cases").status_code == 401
    # unpublished records stay hidden, as for anybody without a login
    assert client.get(f"/api/properties/{world.prop_b.pk}").status_code == 404
    assert client.get(reverse("properties:detail", args=[world.prop_b.pk])).status_code == 404

    verify_session(client, world.state_admin)
    assert rename(client, world.prop_a, "Umbenannt mit Code").status_code == 200
    world.prop_a.refresh_from_db()
    assert world.prop_a.title == "Umbenannt mit Code"
    assert client.get("/api/cases").status_code == 200
    assert client.get(f"/api/properties/{world.prop_b.pk}").status_code == 200
    assert client.get(reverse("properties:detail", args=[world.prop_b.pk])).status_code == 200


def test_required_two_factor_holds_for_the_admin(client, world, settings):
    settings.REQUIRE_TWO_FACTOR = True
    staff = world.state_admin
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:two_factor")
    assert client.get(reverse("admin:properties_property_changelist")).status_code == 302
    verify_session(client, staff)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:properties_property_changelist")).status_code == 200


def test_a_session_of_a_user_with_an_app_but_without_the_code_goes_to_the_code_step(
    client, world, settings
):
    settings.REQUIRE_TWO_FACTOR = True
    device = set_up(client, world.editor_a)
    client.force_login(world.editor_a)  # e.g. a session from before the requirement was switched on
    response = client.get("/datenpflege/")
    assert response.status_code == 302 and response.url == reverse("accounts:login_code")
    response = client.post(reverse("accounts:login_code"), {"code": code_for(device, offset=1)})
    assert response.status_code == 302 and response.url == "/datenpflege/"
    assert client.get("/datenpflege/").status_code == 200


def test_without_the_requirement_a_password_session_works_as_before(client, world, settings):
    settings.REQUIRE_TWO_FACTOR = False
    staff = world.state_admin
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    assert rename(client, world.prop_a, "Umbenannt").status_code == 200
    assert client.get("/api/cases").status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get("/datenpflege/").status_code == 200


def test_the_admin_has_no_password_form_of_its_own(client, world):
    """Its form would skip the code step and the lockout: it hands over to the one login page."""
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response.url == reverse("accounts:login") + "?next=/admin/"
    response = client.post(
        reverse("admin:login"), {"username": "editor_a", "password": "secret-pass-123"}
    )
    assert response.status_code == 302 and "_auth_user_id" not in client.session
