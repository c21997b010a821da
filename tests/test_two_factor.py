"""Optional two-factor login (TOTP): setup, two-step login, brake, switching off, enforcement."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


def code_for(device, offset=0):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, offset):06d}"


def login(client, user):
    return client.post(reverse("accounts:login"), {"username": user.username, "password": "secret-pass-123",
                                                   "next": "/datenpflege/"})


def set_up(client, user):
    client.force_login(user)
    page = client.get(reverse("accounts:two_factor"))
    assert page.status_code == 200 and "data:image/svg+xml" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(reverse("accounts:two_factor"), {"code": "12345a"}).status_code == 400
    client.post(reverse("accounts:two_factor"), {"code": code_for(device)})
    device.refresh_from_db()
    assert device.confirmed
    client.logout()
    return device


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
    assert response.status_code == 400 and "_auth_user_id" not in client.session


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
