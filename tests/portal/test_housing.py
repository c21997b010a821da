"""The Wohnen overview of a municipality (portal.views.housing, docs/housing.md): its vacant
houses, building plots and trial-living places, never another municipality's; its vacancy
platform; who answers (the one routing rule); the chooser; German and English."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from standortlotse.accounts.models import Organisation
from standortlotse.guides.models import Topic
from standortlotse.inquiries import routing
from standortlotse.inquiries.models import Inquiry
from standortlotse.places.models import Status as PlaceStatus
from standortlotse.properties.models import Kind, Status
from tests.factories import MunicipalityFactory, PlaceFactory, PropertyFactory

pytestmark = pytest.mark.django_db


def _housing(municipality, kind, title, **fields):
    return PropertyFactory(
        title=title,
        kind=kind,
        municipality=municipality,
        area_available_m2=None,
        zonings=["WA"] if kind == Kind.BUILDING_PLOT else ["none"],
        **fields,
    )


def _trial(world, municipality, name, offers=("trial_living",)):
    place = PlaceFactory(
        name=name,
        region=world.region,
        municipality=municipality,
        status=PlaceStatus.PUBLISHED,
    )
    place.set_values("offer", offers)
    return place


@pytest.fixture
def homes(world):
    class Homes:
        pass

    h = Homes()
    h.house_a = _housing(
        world.mun_a, Kind.HOUSE, "Reihenendhaus Stendal", living_area_m2=96,
        monthly_rent=Decimal("780"), marketing_type="lease",
    )  # fmt: skip
    h.plot_a = _housing(
        world.mun_a, Kind.BUILDING_PLOT, "Bauplatz Am Lindenberg Stendal", area_total_m2=720,
        price_per_m2=Decimal("38"),
    )  # fmt: skip
    h.draft_a = _housing(world.mun_a, Kind.HOUSE, "Entwurf Haus Stendal", status=Status.DRAFT)
    h.reuse_a = PropertyFactory(
        title="Alte Schule Stendal", kind=Kind.VACANT_BUILDING, municipality=world.mun_a
    )
    h.house_b = _housing(world.mun_b, Kind.HOUSE, "Bauernhaus Gardelegen", living_area_m2=160)
    h.plot_b = _housing(world.mun_b, Kind.BUILDING_PLOT, "Bauplatz Gardelegen")
    h.trial_a = _trial(world, world.mun_a, "Probewohnen Stendal")
    h.cowork_a = _trial(world, world.mun_a, "Coworking Stendal", offers=("desks",))
    h.trial_b = _trial(world, world.mun_b, "Probewohnen Gardelegen")
    return h


def test_the_overview_lists_its_houses_plots_and_trial_living_and_nothing_of_another(
    world, homes, client
):
    response = client.get(f"/lotse/wohnen/{world.mun_a.slug}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Wohnen in Stendal" in page
    for shown in ("Reihenendhaus Stendal", "Bauplatz Am Lindenberg Stendal", "Alte Schule"):
        assert shown in page
    assert "780 € im Monat" in page and "Wohnfläche" in page and "720 m²" in page
    assert "Probewohnen Stendal" in page
    for absent in (
        "Bauernhaus Gardelegen",
        "Bauplatz Gardelegen",
        "Probewohnen Gardelegen",
        "Entwurf Haus Stendal",  # a draft
        "Coworking Stendal",  # no trial living
        world.prop_a.title,  # a commercial plot
    ):
        assert absent not in page, absent
    other = client.get(f"/lotse/wohnen/{world.mun_b.slug}/").content.decode()
    assert "Bauernhaus Gardelegen" in other and "Reihenendhaus Stendal" not in other


def test_an_empty_municipality_says_so(world, client):
    page = client.get(f"/lotse/wohnen/{world.mun_b.slug}/").content.decode()
    assert "Zurzeit ist kein leerstehendes Haus aus Gardelegen im Register." in page
    assert "In Gardelegen bietet noch kein Ort Probewohnen an." in page


def test_the_overview_in_english(world, homes, client):
    page = client.get(f"/en/lotse/wohnen/{world.mun_a.slug}/").content.decode()
    assert "Housing in Stendal" in page and "Vacant houses" in page and "Building plots" in page
    assert "780 € per month" in page and "Trial living" in page


def test_the_vacancy_platform_is_linked_where_the_municipality_has_one(world, client):
    world.mun_a.vacancy_platform_name = "Luxus der Leere"
    world.mun_a.vacancy_platform_url = "https://altmark.kip-sachsen-anhalt.de/"
    world.mun_a.full_clean()
    world.mun_a.save()
    page = client.get(f"/lotse/wohnen/{world.mun_a.slug}/").content.decode()
    assert "Weitere leerstehende Häuser auf Luxus der Leere" in page
    assert 'href="https://altmark.kip-sachsen-anhalt.de/"' in page
    assert (
        "Luxus der Leere" not in client.get(f"/lotse/wohnen/{world.mun_b.slug}/").content.decode()
    )


def test_the_platform_needs_its_name_and_its_address(world):
    world.mun_a.vacancy_platform_url = "https://example.org/leerstand"
    with pytest.raises(ValidationError) as missing:
        world.mun_a.full_clean()
    assert "vacancy_platform_name" in missing.value.message_dict
    world.mun_a.vacancy_platform_url = "javascript:alert(1)"
    world.mun_a.vacancy_platform_name = "Plattform"
    with pytest.raises(ValidationError):
        world.mun_a.full_clean()


def test_the_contact_is_the_one_the_inquiry_reaches(world, client):
    office = Organisation.objects.get(memberships__user=world.editor_a)
    office.email, office.phone = "bauamt@stendal.example", "03931 1234"
    office.save()
    contact = routing.municipality_contact(world.mun_a)
    assert contact.organisation == office and contact.topic == Topic.HOUSING
    page = client.get(f"/lotse/wohnen/{world.mun_a.slug}/").content.decode()
    assert "bauamt@stendal.example" in page and "03931 1234" in page
    link = f"/kontakt/gemeinde/{world.mun_a.pk}/?thema=housing"
    assert link in page.replace("&amp;", "&")
    response = client.post(
        link,
        {
            "name": "Familie Neu",
            "email": "neu@example.org",
            "topic": "housing",
            "message": "Gibt es noch Bauplätze?",
            "consent": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Inquiry.objects.get(email="neu@example.org").recipient == office


def test_a_directory_contact_for_housing_comes_first_as_in_the_routing(world):
    from tests.factories import ContactFactory, OrganisationFactory

    partner = OrganisationFactory(name="Rückkehr-Netzwerk", kind=Organisation.Kind.NETWORK_PARTNER)
    ContactFactory(
        region=world.region, organisation=partner, topics=["housing"], status="published"
    )
    assert routing.municipality_contact(world.mun_a).organisation == partner
    assert routing.route(topic="housing", municipality=world.mun_a, region=world.region)[0] == (
        partner
    )


def test_the_chooser(world, client):
    page = client.get("/lotse/wohnen/").content.decode()
    assert f'href="/lotse/wohnen/{world.mun_a.slug}/"' in page
    assert "Haldensleben" not in page  # outside the site's region
    response = client.get("/lotse/wohnen/", {"gemeinde": world.mun_b.slug})
    assert response.status_code == 302 and response["Location"].endswith(
        f"/lotse/wohnen/{world.mun_b.slug}/"
    )
    assert client.get("/lotse/wohnen/", {"gemeinde": "atlantis"}).status_code == 404
    assert client.get("/lotse/wohnen/atlantis/").status_code == 404
    # by the AGS (rows without an address name), answered with the address name
    by_key = client.get(f"/lotse/wohnen/{world.mun_a.ags}/")
    assert by_key.status_code == 301 and by_key["Location"].endswith(f"/{world.mun_a.slug}/")


def test_the_address_name_spells_out_umlauts_and_stays_unique(world):
    assert world.mun_a.slug == "stendal"
    first = MunicipalityFactory(name="Tangerhütte", ags="15090546")
    second = MunicipalityFactory(name="Tangerhütte", ags="99000001")
    assert first.slug == "tangerhuette" and second.slug == "tangerhuette-99000001"
    assert MunicipalityFactory(name="Kalbe (Milde)").slug == "kalbe-milde"


def test_the_guided_entry_links_to_the_overview(world, client):
    page = client.get(
        "/lotse/", {"wer": "newcomer", "thema": "housing", "gemeinde": world.mun_a.pk}
    ).content.decode()
    assert f'href="/lotse/wohnen/{world.mun_a.slug}/"' in page
    assert 'href="/lotse/wohnen/"' in client.get("/lotse/").content.decode()
