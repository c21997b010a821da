"""The header's back-office menu (accounts.context_processors.staff_menu, policy.back_office_areas,
core/templates/base.html): each role sees what it may use, and every item it sees opens."""

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ITEMS = {
    "properties": "properties:editor_list",
    "places": "places:queue",
    "inquiries": "inquiries:inbox",
    "cases": "cases:board",
    "guides": "guides:editor_list",
    "reach": "reach:dashboard",
    "settings": "accounts:settings",
}
EVERY_MEMBER = {"properties", "inquiries", "cases", "reach", "settings"}


def _staff_menu(client, path="/"):
    page = client.get(path).content.decode()
    found = re.search(r'<ul class="nav nav-staff-list">(.*?)</ul>', page, re.S)
    return page, found.group(1) if found else ""


def _shown(menu):
    return {key for key, name in ITEMS.items() if f'href="{reverse(name)}"' in menu}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("editor_a", EVERY_MEMBER),
        ("moderator", EVERY_MEMBER | {"places", "guides"}),
        ("state_admin", EVERY_MEMBER | {"places", "guides"}),
    ],
)
def test_each_role_sees_what_it_may_use_and_each_item_opens(client, world, role, expected):
    user = getattr(world, role)
    client.force_login(user)
    _page, menu = _staff_menu(client)
    assert _shown(menu) == expected
    for key in expected:
        assert client.get(reverse(ITEMS[key])).status_code == 200, key


def test_an_editor_does_not_see_the_moderators_items(client, world):
    client.force_login(world.editor_a)
    _page, menu = _staff_menu(client)
    assert "Orte prüfen" not in menu and "Ratgeber" not in menu
    assert client.get(reverse("places:queue")).status_code == 403


def test_an_account_without_a_role_sees_only_its_settings(client, world):
    client.force_login(UserFactory(username="ohne_rolle"))
    _page, menu = _staff_menu(client)
    assert _shown(menu) == {"settings"} and "Abmelden" in menu
    assert client.get(reverse("properties:editor_list")).status_code == 403


def test_visitors_see_no_back_office_menu(client, world):
    page, menu = _staff_menu(client)
    assert menu == "" and f'href="{reverse("accounts:login")}"' in page


def test_the_menu_in_english_marks_the_current_page(client, world):
    client.force_login(world.moderator)
    _page, menu = _staff_menu(client, "/en" + reverse("inquiries:inbox"))
    assert 'href="/en/datenpflege/orte/">Review places</a>' in menu
    assert 'href="/en/datenpflege/anfragen/" aria-current="page">Inquiries</a>' in menu
    assert ">Data maintenance</a>" in menu and ">My settings</a>" in menu
