"""Every example shown in a search box finds something on the demo data of `make run`."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.once import demo_once

pytestmark = pytest.mark.django_db

EXAMPLE_PREFIX = re.compile(r"^\s*(?:z\.\s?B\.|e\.g\.)\s*", re.IGNORECASE)


# The demo of `make run`, loaded once for both languages (tests/once.py).
_once_module, demo = demo_once("--count", "40")


def _inputs(html):
    """(name of the form's action, placeholder) of every search input with examples."""
    found = []
    for form in re.finditer(r'<form[^>]*action="([^"]*)"[^>]*>(.*?)</form>', html, re.S):
        for placeholder in re.findall(r'<input[^>]*placeholder="([^"]*)"', form.group(2)):
            if EXAMPLE_PREFIX.match(placeholder):
                found.append((form.group(1), placeholder))
    return found


def examples(placeholder):
    return [part.strip() for part in EXAMPLE_PREFIX.sub("", placeholder).split(",") if part.strip()]


def result_count(client, action, example):
    response = client.get(action, {"q": example})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="notice"' not in html, f"{example}: a word was left out"
    if "/suche/" in action and "immobilien" not in action:
        return html.count('<ul class="search-hits">')
    return html.count('<li class="result">')


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_placeholder_example_finds_results(client, demo, language):
    with translation.override(language):
        pages = [reverse("home"), reverse("properties:search"), reverse("search") + "?q=x"]
    seen = set()
    for page in pages:
        html = client.get(page).content.decode()
        for action, placeholder in _inputs(html):
            for example in examples(placeholder):
                if (action, example) in seen:
                    continue
                seen.add((action, example))
                assert result_count(client, action, example) > 0, (page, action, example)
    actions = {a for a, _e in seen}
    # The header, the home page's box, the property search and the one search page.
    assert len(actions) >= 2 and len(seen) >= 9, seen
