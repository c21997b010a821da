"""guides.demo: the demo events fall on days and at times people meet."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from standortlotse.guides import demo
from tests.once import demo_once


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 12, 25), (datetime.date(2026, 12, 28), 18)),  # Fri holiday → Mon
        (datetime.date(2026, 12, 24), (datetime.date(2026, 12, 28), 18)),  # Christmas Eve too
        (datetime.date(2026, 12, 6), (datetime.date(2026, 12, 7), 18)),  # Sunday → Monday
        (datetime.date(2026, 12, 5), (datetime.date(2026, 12, 5), 10)),  # Saturday morning
        (datetime.date(2026, 12, 2), (datetime.date(2026, 12, 2), 18)),  # Wednesday evening
        (datetime.date(2026, 12, 31), (datetime.date(2027, 1, 2), 10)),  # New Year → Sat
    ],
)
def test_event_start_is_a_plausible_day_and_hour(day, expected):
    start = timezone.localtime(demo.event_start(day))
    assert (start.date(), start.hour, start.minute) == (*expected, 0)


@pytest.mark.django_db
def test_demo_events_are_never_on_sundays_holidays_or_at_night(monkeypatch):
    from django.core.management import call_command

    from standortlotse.guides.models import Event

    # Loaded on 20 December at 23:30: the old demo put events at 01:30 and on Christmas Day.
    late = datetime.datetime(2026, 12, 20, 23, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    monkeypatch.setattr(timezone, "now", lambda: late)
    call_command("load_demo", "--count", "1", "--allow-production", stdout=open("/dev/null", "w"))
    events = list(Event.objects.all())
    assert events
    for event in events:
        start = timezone.localtime(event.starts_at)
        assert start.weekday() != 6 and (start.month, start.day) not in demo.NO_EVENT_DAYS
        assert start.hour in (10, 18) and event.ends_at > event.starts_at


# --- the guided entry on the demo data: something for every cell ------------------------------

TOWNS = ["Stendal", "Gardelegen", "Tangermünde", None]  # own contacts, some, none; no choice


# The demo of `make run`, loaded once for this module's requests (tests/once.py).
_once_module, demo_db = demo_once("--count", "2", name="demo_db")


def _responsible_block(page: str) -> str:
    start = page.index('aria-labelledby="ov-responsible"')
    return page[start : page.index("</ul>", start)]


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("theme", ["work", "housing", "life"])
@pytest.mark.parametrize("audience", ["returner", "stayer", "newcomer", "founder", "investor"])
def test_every_cell_has_guides_and_the_right_contact(
    demo_db, db, client, audience, theme, language
):
    """Every audience × theme, German and English, in a town with its own contacts, one with
    some, one without and without a choice: 200, a guide written for the cell in the language,
    and the contact of the municipality (else of its district; without one, of each district),
    the one the inquiry of "Ask your question" reaches."""
    from standortlotse.geo.models import Municipality
    from standortlotse.guides import services
    from standortlotse.inquiries import routing

    prefix = "/en" if language == "en" else ""
    for town in TOWNS:
        municipality = Municipality.objects.get(name=town) if town else None
        query = {"wer": audience, "thema": theme}
        if municipality is not None:
            query["gemeinde"] = municipality.pk
        response = client.get(prefix + "/lotse/", query)
        assert response.status_code == 200, (town, response.status_code)
        page = response.content.decode()
        result = response.context["result"]
        # A guide written for this cell, shown in the page's language.
        assert result.fallback == services.FOR_THE_CELL, town
        assert result.guides and 'id="ov-fallback"' not in page
        for guide in result.guides:
            assert services.written_for(guide, audience, theme)
            assert services.has_text(guide, language), guide.slug
            assert guide.title(language) in page
        # The contact: the municipality's own or its district's, as the routing sends inquiries.
        topic = services.cell_topic(audience, theme)
        block = _responsible_block(page)
        if municipality is not None:
            office = result.responsible
            assert office.level in (services.MUNICIPALITY, services.DISTRICT), town
            assert office.contact is not None and f'id="kontakt-{office.contact.pk}"' in block
            expected, _region = routing.route(
                topic=topic, municipality=municipality, region=municipality.region
            )
            assert office.organisation == expected
            if office.level == services.MUNICIPALITY:
                assert municipality in office.contact.municipalities.all()
            else:
                assert municipality.district in office.contact.districts.all()
                assert not services.contacts_for(municipality.region, municipality, [topic])[
                    0
                ].municipalities.filter(pk=municipality.pk)
            assert f"/kontakt/gemeinde/{municipality.pk}/?thema={topic}" in page
        else:
            offices = result.district_offices
            assert [o.district.key for o in offices] == ["15081", "15090"]
            for office in offices:
                assert office.level == services.DISTRICT
                assert office.district in office.contact.districts.all()
                assert f'id="kontakt-{office.contact.pk}"' in block
                assert office.district.name in block


def test_the_demo_has_no_gaps(demo_db, db):
    from standortlotse.geo.models import Region
    from standortlotse.guides import coverage

    # Both regions have a guide of their own in every cell, in both languages.
    assert [str(gap) for gap in coverage.cell_gaps(Region.objects.all())] == []
    assert [str(gap) for gap in coverage.contact_gaps()] == []  # both regions


def test_the_prignitz_guides_are_its_own_and_lead_to_its_offices(demo_db, db, client):
    from standortlotse.guides.models import Guide

    guides = list(Guide.objects.filter(region__slug="prignitz", status="published"))
    assert len(guides) == 5
    for guide in guides:
        assert guide.contact is not None and guide.contact.region.slug == "prignitz"
        assert guide.body_en and guide.title_en and "(Demo" in guide.body_de
    investing = Guide.objects.get(region__slug="prignitz", slug="investieren-in-der-prignitz")
    assert investing.contact.organisation.name == "Wirtschaftsförderung Landkreis Prignitz"
    page = client.get(investing.get_absolute_url()).content.decode()
    assert (
        "Investieren in der Prignitz" in page and "Wirtschaftsförderung Landkreis Prignitz" in page
    )


def test_towns_get_their_own_contact_or_their_districts(demo_db, db):
    """Stendal and Gardelegen answer housing and life themselves, Tangermünde through the
    Landkreis Stendal, founders in Gardelegen through the Altmarkkreis Salzwedel."""
    from standortlotse.geo.models import Municipality
    from standortlotse.guides import services

    def office(town, topic):
        municipality = Municipality.objects.get(name=town)
        return services.responsible(municipality.region, topic, municipality)

    assert office("Stendal", "housing").level == services.MUNICIPALITY
    assert office("Gardelegen", "life").organisation.municipality.name == "Gardelegen"
    tangermuende = office("Tangermünde", "housing")
    assert (tangermuende.level, tangermuende.organisation.district.key) == ("district", "15090")
    founders = office("Gardelegen", "founding")
    assert (founders.level, founders.organisation.district.key) == ("district", "15081")
