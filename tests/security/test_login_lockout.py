"""Login lockout (accounts/lockout.py, django-axes): per account from any address, per address over
many accounts, for the password and the code step; a plain "temporarily locked" page; it ends."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.accounts.support import code_for, set_up

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"


def log_in(client, username, password, address="127.0.0.1"):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password, "next": "/datenpflege/"},
        REMOTE_ADDR=address,
    )


def logged_in(client):
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_account_for_every_address(client, world):
    for _ in range(4):
        assert log_in(client, "editor_a", "falsch", "127.0.0.1").status_code == 200
    locked = log_in(client, "editor_a", "falsch", "127.0.0.1")
    assert locked.status_code == 429
    # another address gets no fresh tries, not even with the right password
    response = log_in(client, "editor_a", PASSWORD, "127.0.0.2")
    assert response.status_code == 429 and not logged_in(client)
    text = response.content.decode()
    assert "Dieses Konto ist nach zu vielen Fehlversuchen vorübergehend gesperrt" in text
    assert "in 15 Minuten erneut" in text
    # other accounts are not affected
    assert log_in(client, "editor_b", PASSWORD, "127.0.0.2").status_code == 302 and logged_in(
        client
    )


def test_fewer_failures_do_not_lock(client, world):
    for _ in range(4):
        log_in(client, "editor_a", "falsch", "127.0.0.3")
    assert log_in(client, "editor_a", PASSWORD, "127.0.0.4").status_code == 302 and logged_in(
        client
    )


def test_an_unknown_username_gets_the_same_answer(client, world):
    for _ in range(5):
        log_in(client, "editor_a", "falsch")
        log_in(client, "nobody-here", "falsch", "127.0.0.5")
    known = log_in(client, "editor_a", "falsch", "127.0.0.6")
    unknown = log_in(client, "nobody-here", "falsch", "127.0.0.6")
    assert known.status_code == unknown.status_code == 429
    assert known.content == unknown.content


def test_one_address_trying_many_accounts_is_locked(client, world, django_user_model):
    for number in range(20):  # 4 times the account limit, spread over accounts
        log_in(client, f"user{number}", "falsch", "127.0.0.7")
    assert log_in(client, "editor_a", PASSWORD, "127.0.0.7").status_code == 429 and not logged_in(
        client
    )
    assert log_in(client, "editor_a", PASSWORD, "127.0.0.8").status_code == 302 and logged_in(
        client
    )


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, world):
    device = set_up(client, world.editor_a)
    good = code_for(device, offset=1)
    wrong = "000000" if good != "000000" else "111111"
    for attempt in range(5):  # from five addresses: the account counts, not the address
        address = f"127.0.1.{attempt}"
        client.post(
            reverse("accounts:login"),
            {"username": "editor_a", "password": PASSWORD},
            REMOTE_ADDR=address,
        )
        response = client.post(reverse("accounts:login_code"), {"code": wrong}, REMOTE_ADDR=address)
    assert response.status_code == 429
    response = client.post(reverse("accounts:login_code"), {"code": good}, REMOTE_ADDR="127.0.1.9")
    assert response.status_code == 429 and not logged_in(client)
    assert "vorübergehend gesperrt" in response.content.decode()
    # the password step is locked as well
    assert log_in(client, "editor_a", PASSWORD, "127.0.1.10").status_code == 429


def test_the_lock_ends_after_the_cool_off(client, world):
    for _ in range(5):
        log_in(client, "editor_a", "falsch")
    assert log_in(client, "editor_a", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert log_in(client, "editor_a", PASSWORD).status_code == 302 and logged_in(client)


def test_an_admin_sees_the_attempts_and_lifts_a_lock(client, world):
    for _ in range(5):
        log_in(client, "editor_a", "falsch")
    admin = world.state_admin
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    page = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200 and "editor_a" in page.content.decode()
    client.logout()
    call_command("axes_reset_username", "editor_a")
    assert log_in(client, "editor_a", PASSWORD).status_code == 302 and logged_in(client)
