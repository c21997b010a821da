"""Guides, guided entry, contacts directory (and routing through it), events with iCal and Atom."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from standortlotse.accounts.models import Organisation
from standortlotse.guides.models import Contact, Event, Guide, Status
from standortlotse.inquiries import routing
from tests.factories import OrganisationFactory, PropertyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lotse(world):
    network = OrganisationFactory(
        name="Rückkehr-Netzwerk", kind=Organisation.Kind.NETWORK_PARTNER, region=world.region
    )
    stendal_office = OrganisationFactory(
        name="Bauamt Stendal", kind=Organisation.Kind.MUNICIPALITY, municipality=world.mun_a
    )
    returners = Contact.objects.create(
        region=world.region,
        organisation=network,
        person="Katrin Wendt",
        topics=["work", "housing"],
        audiences=["returner"],
    )
    housing = Contact.objects.create(
        region=world.region, organisation=stendal_office, person="Maria Vogel", topics=["housing"]
    )
    housing.municipalities.set([world.mun_a])
    guide = Guide.objects.create(
        region=world.region,
        slug="zurueck",
        theme="work",
        audiences=["returner"],
        title_de="Zurück in die Altmark",
        title_en="Back to the Altmark",
        summary_de="Jobs und Beratung",
        body_de="## Jobs\n\n**Viele** Betriebe suchen.\n\n<script>alert(1)</script>",
        body_en="## Jobs\n\nMany companies are hiring.",
        contact=returners,
        status=Status.PUBLISHED,
    )
    draft = Guide.objects.create(
        region=world.region, slug="entwurf", theme="work", title_de="Entwurf", body_de="x"
    )
    event = Event.objects.create(
        region=world.region,
        title_de="Netzwerktreffen",
        title_en="Network meeting",
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=2),
        location="Stendal, Rathaus",
        municipality=world.mun_a,
        description_de="Offen für alle",
    )
    past = Event.objects.create(
        region=world.region,
        title_de="Vorbei",
        starts_at=timezone.now() - timedelta(days=3),
        location="Stendal",
    )
    return {
        "network": network,
        "office": stendal_office,
        "returners": returners,
        "housing": housing,
        "guide": guide,
        "draft": draft,
        "event": event,
        "past": past,
    }


def test_guide_page_is_sanitised_bilingual_and_has_contact_and_json_ld(client, lotse):
    page = client.get(lotse["guide"].get_absolute_url()).content.decode()
    assert "<h2>Jobs</h2>" in page and "<strong>Viele</strong>" in page
    assert "<script>alert" not in page
    assert "Katrin Wendt" in page and '"@type": "Article"' in page
    assert 'class="secondary read-aloud"' in page
    english = client.get("/en" + lotse["guide"].get_absolute_url()).content.decode()
    assert "Many companies are hiring" in english and "Back to the Altmark" in english
    assert client.get(lotse["draft"].get_absolute_url()).status_code == 404


def test_guided_entry_leads_to_a_shareable_overview(client, lotse, world):
    PropertyFactory(title="Leerstehender Hof", municipality=world.mun_a, kind="vacant_building")
    assert client.get(reverse("guides:entry")).status_code == 200
    response = client.get(
        reverse("guides:entry"), {"wer": "returner", "thema": "housing", "gemeinde": world.mun_a.pk}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "Maria Vogel" in page and "Katrin Wendt" in page
    )  # local contact first, then the region's
    assert page.index("Maria Vogel") < page.index("Katrin Wendt")
    assert "Leerstehender Hof" in page and "Netzwerktreffen" in page
    assert f"/kontakt/gemeinde/{world.mun_a.pk}/?thema=housing" in page
    work = client.get(
        reverse("guides:entry"), {"wer": "returner", "thema": "work"}
    ).content.decode()
    assert "Zurück in die Altmark" in work
    bad = client.get(reverse("guides:entry"), {"wer": "alien", "thema": "work"})
    assert bad.status_code == 400


def test_contacts_directory_filters_and_feeds_the_routing(client, lotse, world):
    page = client.get(
        reverse("guides:contacts"), {"thema": "housing", "gemeinde": world.mun_a.pk}
    ).content.decode()
    assert "Maria Vogel" in page and "Katrin Wendt" in page
    page = client.get(
        reverse("guides:contacts"), {"thema": "housing", "gemeinde": world.mun_b.pk}
    ).content.decode()
    assert "Maria Vogel" not in page and "Katrin Wendt" in page
    # the routing asks the directory for topics without a property or place
    organisation, region = routing.route(
        topic="housing", municipality=world.mun_a, region=world.region
    )
    assert organisation == lotse["office"] and region == world.region
    organisation, _region = routing.route(topic="work", region=world.region)
    assert organisation == lotse["network"]


def test_inquiry_to_a_directory_contact_reaches_its_organisation(
    client, lotse, django_capture_on_commit_callbacks
):
    from standortlotse.inquiries.models import Inquiry

    url = reverse("inquiries:contact_about", args=["kontakt", lotse["returners"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "name": "Max",
                "email": "max@example.com",
                "topic": "work",
                "message": "Ich komme zurück und suche Arbeit.",
                "consent": "on",
            },
        )
    assert response.status_code == 302, response.content.decode()[:500]
    assert Inquiry.objects.get().recipient == lotse["network"]


def test_events_ical_and_atom(client, lotse):
    page = client.get(reverse("guides:events")).content.decode()
    assert "Netzwerktreffen" in page and "Vorbei" not in page
    detail = client.get(lotse["event"].get_absolute_url()).content.decode()
    assert '"@type": "Event"' in detail
    ics = client.get(reverse("guides:event_ics", args=[lotse["event"].pk]))
    assert ics["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(ics.content)
    (item,) = calendar.walk("VEVENT")
    assert str(item["summary"]) == "Netzwerktreffen" and str(item["location"]) == "Stendal, Rathaus"
    all_ics = Calendar.from_ical(client.get(reverse("guides:events_ics")).content)
    assert [str(e["summary"]) for e in all_ics.walk("VEVENT")] == ["Netzwerktreffen"]
    atom = client.get(reverse("guides:events_feed"))
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert b"Netzwerktreffen" in atom.content and b"Vorbei" not in atom.content


def test_back_office_is_for_regional_moderators(client, lotse, world):
    client.force_login(world.moderator)
    assert client.get(reverse("guides:editor_list")).status_code == 200
    response = client.post(
        reverse("guides:editor_create", args=["seiten"]),
        {
            "region": world.region.pk,
            "slug": "kita",
            "theme": "life",
            "title_de": "Kita",
            "body_de": "## Plätze\n\nGenug.",
            "status": "published",
            "audiences": ["newcomer"],
        },
    )
    assert response.status_code == 302
    assert Guide.objects.get(slug="kita").body_html_de.startswith("<h2>")
    bad = client.post(
        reverse("guides:editor_create", args=["termine"]),
        {
            "region": world.region.pk,
            "title_de": "Falsch",
            "starts_at": "2030-01-02T10:00",
            "ends_at": "2030-01-01T10:00",
            "location": "X",
            "status": "published",
        },
    )
    assert bad.status_code == 400 and "Falsch" in bad.content.decode()  # the input is kept
    contact = client.post(
        reverse("guides:editor_create", args=["kontakte"]),
        {
            "region": world.region.pk,
            "organisation": lotse["network"].pk,
            "person": "Neu",
            "status": "published",
        },
    )
    assert contact.status_code == 400  # a topic is required
    client.force_login(world.editor_a)  # municipal editors do not edit guides
    assert client.get(reverse("guides:editor_create", args=["seiten"])).status_code == 404
    assert (
        client.get(reverse("guides:editor_edit", args=["seiten", lotse["guide"].pk])).status_code
        == 404
    )


# --- the guided entry's fallbacks --------------------------------------------------------------


def _overview(client, prefix="", **query):
    with translation.override("de"):  # an /en/ request leaves English active
        path = reverse("guides:entry")
    response = client.get(prefix + path, query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_cell_without_its_own_guide_shows_the_general_ones_and_says_so(client, lotse, world):
    Guide.objects.create(
        region=world.region,
        slug="allgemein",
        theme="work",
        title_de="Arbeiten in der Altmark",
        title_en="Working in the Altmark",
        body_de="Text.",
        body_en="Text.",
        status=Status.PUBLISHED,
    )
    page = _overview(client, wer="investor", thema="work", gemeinde=world.mun_b.pk)
    assert 'id="ov-fallback"' in page
    assert "Noch gibt es keinen Ratgeber eigens für Ihre Auswahl („Ich investiere“, Arbeit)" in page
    assert "Arbeiten in der Altmark" in page and "Zurück in die Altmark" not in page
    english = _overview(client, "/en", wer="investor", thema="work", gemeinde=world.mun_b.pk)
    assert "There is no guide written for your choice (“I am investing”, Work) yet" in english
    assert "Working in the Altmark" in english


def test_a_theme_without_guides_is_no_empty_page(client, lotse, world):
    """Nothing for life at all: the page says so and still shows whom to ask (Gardelegen's own
    office: the editors' organisation, found by the routing)."""
    page = _overview(client, wer="founder", thema="life", gemeinde=world.mun_b.pk)
    assert "Zu diesem Thema gibt es noch keinen Ratgeber" in page
    assert 'class="card-list"' not in page
    office = world.editor_b.memberships.get().organisation
    assert "Ihre Ansprechstelle in Gardelegen für Leben in der Region:" in page
    assert office.name in page
    assert f"/kontakt/gemeinde/{world.mun_b.pk}/?thema=life" in page


def test_a_municipality_without_its_own_contact_gets_its_districts(client, lotse, world):
    district = Contact.objects.create(
        region=world.region,
        organisation=lotse["network"],
        person="Kreisberatung",
        topics=["housing"],
    )
    district.districts.set([world.district_salzwedel])
    page = _overview(client, wer="returner", thema="housing", gemeinde=world.mun_b.pk)
    assert (
        "Gardelegen hat für Wohnen und Bauen keine eigene Ansprechstelle: Es hilft Ihnen der "
        "Altmarkkreis Salzwedel." in page
    )
    start = page.index('aria-labelledby="ov-responsible"')
    assert "Kreisberatung" in page[start : page.index("</ul>", start)]


def test_overview_without_municipality_shows_the_districts_contacts(client, lotse, world):
    page = _overview(client, wer="returner", thema="housing")
    assert "Sie haben keine Gemeinde gewählt" in page
    # No district contact for housing: each district falls back to the region's network.
    assert page.count("Für die ganze Region") == 2
    assert "Maria Vogel" not in page  # Stendal's own office, for those who chose Stendal


def test_a_german_only_guide_is_marked_on_the_english_overview(client, lotse, world):
    lotse["guide"].body_en = ""  # an English title, the text in German only
    lotse["guide"].save()
    page = _overview(client, "/en", wer="returner", thema="work")
    assert '/">Back to the Altmark</a> <span class="small">(in German)</span>' in page
    lotse["guide"].title_en = ""
    lotse["guide"].save()
    page = _overview(client, "/en", wer="returner", thema="work")
    assert ' lang="de">Zurück in die Altmark</a> <span class="small">(in German)</span>' in page
    assert '<p lang="de">Jobs und Beratung</p>' in page


def test_change_my_answers_keeps_them(client, lotse, world):
    query = {"wer": "returner", "thema": "housing", "gemeinde": world.mun_a.pk}
    page = _overview(client, **query)
    change = f"/lotse/?wer=returner&amp;thema=housing&amp;gemeinde={world.mun_a.pk}&amp;aendern=1"
    assert change in page
    response = client.get(reverse("guides:entry"), {**query, "aendern": "1"})
    form = response.content.decode()
    assert response.status_code == 200 and 'class="guided-entry"' in form
    assert re.search(r'<input type="radio" name="wer" value="returner"[^>]* checked>', form)
    assert re.search(r'<input type="radio" name="thema" value="housing"[^>]* checked>', form)
    assert f'<option value="{world.mun_a.pk}" selected>' in form
    assert "error-summary" not in form


def test_theme_links_lead_to_the_themes_guides(client, lotse):
    page = _overview(client, wer="returner", thema="housing")
    assert '<a href="/lotse/themen/#thema-housing">Alle Ratgeber zum Thema Wohnen</a>' in page
    assert 'id="thema-housing"' in client.get(reverse("guides:guide_list")).content.decode()
