"""Helpers of the two-factor tests, also used by the login lockout tests: the current TOTP code,
a confirmed device set up through the page."""

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def code_for(device, offset=0):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, offset):06d}"


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
