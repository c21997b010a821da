"""Security headers: framing rules that agree, a Permissions-Policy, no server banner."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.operations.nginx_support import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def csp(response):
    return dict(
        part.strip().split(" ", 1)
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )


@pytest.mark.parametrize("url", ["/", "/immobilien/", "/kontakt/", "/orte/einbetten/"])
def test_ordinary_pages_may_not_be_framed_by_anyone(client, world, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert csp(response)["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("url", ["/widget/orte/?region=altmark", "/widget/immobilien/"])
def test_widgets_may_be_framed_by_other_sites(client, world, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert csp(response)["frame-ancestors"] == "*"


@pytest.mark.parametrize(
    "url", ["/", "/widget/orte/?region=altmark", "/api/properties", "/health/"]
)
def test_permissions_policy_switches_off_device_apis(client, world, url):
    policy = client.get(url)["Permissions-Policy"]
    features = dict(item.strip().split("=") for item in policy.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert features[feature] == "()"


def test_no_page_asks_for_the_location():
    """geolocation=() is right only while no script uses it (the map has no "locate me")."""
    scripts = [p for p in (ROOT / "src").rglob("*.js") if "vendor" not in p.parts]
    assert scripts and not [p for p in scripts if "geolocation" in p.read_text()]


def test_gunicorn_with_the_documented_config_sends_no_server_banner(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "standortlotse.settings",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PYTHONPATH": str(ROOT / "src"),
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        headers = None
        for _ in range(150):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/robots.txt", timeout=5
                ) as response:
                    headers = response.headers
                break
            except urllib.error.HTTPError as error:
                headers = error.headers
                break
            except OSError:
                time.sleep(0.1)
        assert headers is not None, "gunicorn did not answer"
        assert "Server" not in headers
        assert headers["Permissions-Policy"]
    finally:
        server.terminate()
        server.wait(30)
