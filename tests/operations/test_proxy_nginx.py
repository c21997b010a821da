"""Through a real nginx with the proxy block of docs/deployment.md: forged X-Forwarded-For entries
do not give a client fresh rate limits or fresh login attempts (core/clientaddress.py, issue 12).

nginx (Debian's package; .ci/run installs it) runs in the foreground on a free loopback port with
a temp config, in front of pytest-django's live server; the test stops it at the end.
"""

import http.client
import re
from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import reverse

from standortlotse.inquiries.models import Inquiry
from tests.operations.nginx_support import needs_nginx, proxy_to, running_nginx

pytestmark = needs_nginx


class Proxy:
    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def send(self, method, path, body=None, forwarded=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if forwarded:
            headers["X-Forwarded-For"] = forwarded
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(body)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";")[0]
        connection.close()
        return response.status, text

    def csrf_token(self, path):
        status, text = self.send("GET", path)
        assert status == 200, text[:500]
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)


@pytest.fixture
def nginx(live_server, tmp_path):
    with running_nginx(tmp_path, server=proxy_to(live_server)) as base:
        yield Proxy(urlsplit(base).port)


@pytest.fixture
def behind_nginx(settings, transactional_db):
    settings.TRUSTED_PROXY_HOPS = 1  # as STANDORTLOTSE_TRUST_PROXY=1 of the deployment guide
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]


def test_forged_forwarded_for_does_not_reset_the_contact_form_limit(
    behind_nginx, world, nginx, settings
):
    settings.INQUIRIES_PER_HOUR = 3
    path = reverse("inquiries:contact_about", args=["immobilie", world.prop_a.pk])
    token = nginx.csrf_token(path)
    statuses = []
    for attempt in range(6):
        status, _ = nginx.send(
            "POST",
            path,
            {
                "name": f"Max {attempt}",
                "email": "max@example.com",
                "topic": "property",
                "message": "Ist die Fläche noch frei?",
                "consent": "on",
                "csrfmiddlewaretoken": token,
            },
            forwarded=f"198.51.100.{attempt}, 203.0.113.{attempt}",
        )  # a new "client" each time
        statuses.append(status)
    assert statuses == [302, 302, 302, 429, 429, 429]
    assert Inquiry.objects.count() == 3


def test_forged_forwarded_for_does_not_give_fresh_login_attempts(behind_nginx, world, nginx):
    path = reverse("accounts:login")
    token = nginx.csrf_token(path)
    statuses = []
    for attempt in range(6):
        password = "falsch" if attempt < 5 else "secret-pass-123"
        status, _ = nginx.send(
            "POST",
            path,
            {"username": "editor_a", "password": password, "csrfmiddlewaretoken": token},
            forwarded=f"198.51.100.{attempt}",
        )
        statuses.append(status)
    assert statuses == [200, 200, 200, 200, 429, 429]
    # the address lock also holds: 20 failures over many accounts from this client, then a fresh account
    for attempt in range(20):
        nginx.send(
            "POST",
            path,
            {"username": f"user{attempt}", "password": "falsch", "csrfmiddlewaretoken": token},
            forwarded=f"192.0.2.{attempt}",
        )
    status, _ = nginx.send(
        "POST",
        path,
        {"username": "editor_b", "password": "secret-pass-123", "csrfmiddlewaretoken": token},
        forwarded="192.0.2.99",
    )
    assert status == 429
