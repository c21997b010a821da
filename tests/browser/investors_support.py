"""Helpers of the browser tests of inquiries (contact forms, inbox) and of the investor
service (search profile, results, cases). Each test module wraps `build_investor_world` in its
own `investor_world` fixture, so conftest.py stays as it is."""

import re
from decimal import Decimal

from tests.browser.places_support import mails_to  # noqa: F401  (re-exported for the tests)

EDITOR_A_EMAIL = "wirtschaft@stendal.example"
ORG_A = "Stadt Stendal – Wirtschaftsförderung"
ORG_B = "Stadt Gardelegen – Bauamt"
AGENCY = "Investitions- und Marketinggesellschaft Sachsen-Anhalt"

# Plots for the search profile of the tests: kind plot, at least 20 000 m² wished, at least 5 MW
# (the must-haves), railway siding weighed 5 and GRW funding area 3 (plus the area, weighed 3 by
# the app). Matches: 100 and 50 %; "almost" (a must-have missed by a little): GOOD.
FULL = "Industriepark Stendal-Borstel"  # 3,0 ha, siding, funding area, 12 MW -> 100 %
GOOD = "Gewerbegebiet Stendal-Süd"  # 1,6 ha of 2,0 ha (80 %), siding, funding area -> almost
HALF = "Gewerbefläche Gardelegen West"  # 2,5 ha, siding possible, no funding area, 6 MW -> 50 %
TOO_SMALL = "Restfläche Stendal-Stadtsee"  # 0,8 ha: far below the wished area
NO_POWER = "Gewerbefläche Gardelegen Nord"  # 2 MW only: far below the must-have
RANKED = [(FULL, 100), (HALF, 50)]
ALMOST = [(GOOD, "Fläche 1,60 ha statt mindestens 2,00 ha")]
ALMOST_EN = [(GOOD, "area 1.60 ha instead of at least 2.00 ha")]

SCORE = re.compile(r"(\d+)\s*%")


def build_investor_world(live_world, settings, mailoutbox):
    """The shared `world` with named organisations (editor_a's office has an email address, so
    inquiries about Stendal reach it), the state agency (receives profiles from the website)
    and plots that the test profile ranks. Emails are sent at once (immediate task backend,
    locmem outbox as `world.outbox`); the hourly limit of public forms does not get in the
    way."""
    from django.core.cache import cache

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.INQUIRIES_PER_HOUR = 1000
    cache.clear()
    w = live_world
    w.outbox = mailoutbox
    w.editor_a.email = EDITOR_A_EMAIL
    w.editor_a.first_name, w.editor_a.last_name = "Anna", "Albrecht"
    w.editor_a.save()
    w.org_a = _rename(w.editor_a, ORG_A)
    w.org_b = _rename(w.editor_b, ORG_B)
    w.agency = _rename(w.state_admin, AGENCY)
    w.plots = {
        FULL: _plot(FULL, w.mun_a, 30_000, "yes", True, "12"),
        GOOD: _plot(GOOD, w.mun_a, 16_000, "yes", True, "8"),
        HALF: _plot(HALF, w.mun_b, 25_000, "possible", False, "6"),
        TOO_SMALL: _plot(TOO_SMALL, w.mun_a, 8_000, "yes", True, "9"),
        NO_POWER: _plot(NO_POWER, w.mun_b, 40_000, "yes", True, "2"),
    }
    return w


def _plot(title, municipality, area, rail_siding, funding_area, megawatts):
    from tests.factories import PropertyFactory

    return PropertyFactory(
        title=title,
        municipality=municipality,
        kind="plot",
        availability="immediately",
        zonings=["GI"],
        area_total_m2=area,
        area_available_m2=area,
        rail_siding=rail_siding,
        funding_area=funding_area,
        electricity_mw=Decimal(megawatts),
    )


def _rename(user, name):
    org = user.memberships.get().organisation
    org.name = name
    org.save(update_fields=["name"])
    return org


def profile_fields(**overrides):
    """The search profile of the tests, as stored by the public form."""
    values = {
        "kinds": ["plot"],
        "area_min_m2": 20_000,
        "need_electricity_mw": Decimal(5),
        "weights": {"rail_siding": 5, "funding_area": 3},
        "email": "ada@acme.example",
        "alerts": True,
    }
    values.update(overrides)
    return values


def make_profile(**overrides):
    from standortlotse.cases.models import SearchProfile

    return SearchProfile.objects.create(**profile_fields(**overrides))


def make_case(world, company, *, profile=None, confidential=False, stage="lead", **extra):
    """A case of the state agency (as the website's search profile makes it)."""
    from standortlotse.cases.models import Case

    return Case.objects.create(
        company=company,
        owner=world.agency,
        profile=profile,
        confidential=confidential,
        stage=stage,
        source="profile" if profile else "fair",
        **extra,
    )


def make_inquiry(world, *, prop=None, name="Max Investor", email="max@example.com", **extra):
    """An inquiry about `prop` (default: a Stendal plot), routed as the public form routes it."""
    from standortlotse.guides.models import Topic
    from standortlotse.inquiries.models import Inquiry
    from standortlotse.inquiries.routing import route

    prop = prop or world.plots[FULL]
    recipient, region = route(topic=Topic.PROPERTY, property=prop)
    values = {
        "organisation_name": "Max GmbH",
        "phone": "",
        "topic": Topic.PROPERTY,
        "message": "Ist die Fläche teilbar und ab wann ist sie verfügbar?",
        "page_url": prop.get_absolute_url(),
    }
    values.update(extra)
    return Inquiry.objects.create(
        name=name, email=email, property=prop, recipient=recipient, region=region, **values
    )


def action_form(page, action):
    """The back-office form that posts `action` (inquiry and case detail pages have several)."""
    return page.locator(f'form:has(input[type=hidden][name="action"][value="{action}"])')


def score_of(text: str) -> int:
    match = SCORE.search(text)
    assert match, f"no score in {text!r}"
    return int(match.group(1))
