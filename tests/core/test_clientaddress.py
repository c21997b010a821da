"""The client address (core/clientaddress.py): only the entries that trusted proxies appended to
X-Forwarded-For count; whatever the client wrote into the header itself is ignored."""

import pytest
from django.test import RequestFactory

from standortlotse.core.clientaddress import client_address
from tests.inquiries.support import contact_post
from tests.operations.settings_probe import setting_from_environment


def request_with(remote="127.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_only_the_connection_counts(settings):
    settings.TRUSTED_PROXY_HOPS = 0
    assert client_address(request_with("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


@pytest.mark.parametrize(
    "forwarded, expected",
    [
        ("203.0.113.5", "203.0.113.5"),  # nginx appended the client
        ("1.2.3.4, 203.0.113.5", "203.0.113.5"),  # the client forged the first entry
        ("1.2.3.4,5.6.7.8 ,  203.0.113.5", "203.0.113.5"),
        ("2001:db8::1, 2001:db8::5", "2001:db8::5"),
        ("", "127.0.0.1"),  # no proxy on the way: the connection
        ("1.2.3.4, not-an-address", "127.0.0.1"),  # garbage where the proxy writes
    ],
)
def test_one_trusted_proxy_takes_the_entry_it_appended(settings, forwarded, expected):
    settings.TRUSTED_PROXY_HOPS = 1
    assert client_address(request_with("127.0.0.1", forwarded)) == expected


def test_two_trusted_proxies_take_the_entry_the_outer_one_appended(settings):
    settings.TRUSTED_PROXY_HOPS = 2
    # client forged "1.2.3.4"; the CDN appended the client, nginx appended the CDN
    assert (
        client_address(request_with("10.1.1.1", "1.2.3.4, 203.0.113.5, 192.0.2.10"))
        == "203.0.113.5"
    )
    # only one proxy on the way (the outer one bypassed): its entry is still the best we have
    assert client_address(request_with("10.1.1.1", "203.0.113.5")) == "203.0.113.5"


def test_the_rate_limit_of_the_contact_form_ignores_forged_entries(client, world, settings):
    """Issue 12: with the proxy trusted, a new first entry per request gave a fresh limit each time."""
    settings.TRUSTED_PROXY_HOPS = 1
    settings.INQUIRIES_PER_HOUR = 3
    statuses = []
    for attempt in range(6):
        client.defaults["HTTP_X_FORWARDED_FOR"] = f"10.9.8.{attempt}, 203.0.113.5"
        statuses.append(contact_post(client, world).status_code)
    assert statuses == [302, 302, 302, 429, 429, 429]
    # another real client behind the same proxy still gets its own limit
    client.defaults["HTTP_X_FORWARDED_FOR"] = "10.9.8.1, 203.0.113.6"
    assert contact_post(client, world).status_code == 302


@pytest.mark.parametrize(
    "env, hops",
    [
        ({}, 0),
        ({"STANDORTLOTSE_TRUST_PROXY": "1"}, 1),  # the older setting: one proxy
        ({"STANDORTLOTSE_TRUSTED_PROXY_HOPS": "2"}, 2),
        ({"STANDORTLOTSE_TRUST_PROXY": "1", "STANDORTLOTSE_TRUSTED_PROXY_HOPS": "0"}, 0),
    ],
)
def test_hops_from_the_environment(env, hops):
    unset = {"STANDORTLOTSE_TRUST_PROXY": "", "STANDORTLOTSE_TRUSTED_PROXY_HOPS": ""}
    assert setting_from_environment("TRUSTED_PROXY_HOPS", **{**unset, **env}) == hops


def test_a_wrong_number_of_hops_is_refused_with_the_variable_named():
    import subprocess

    with pytest.raises(subprocess.CalledProcessError) as error:
        setting_from_environment("TRUSTED_PROXY_HOPS", STANDORTLOTSE_TRUSTED_PROXY_HOPS="one")
    assert "STANDORTLOTSE_TRUSTED_PROXY_HOPS must be a whole number" in error.value.stderr
