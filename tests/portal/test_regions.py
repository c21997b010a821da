"""Two regions in two states side by side: the region start pages (de/en), the region filter of
the searches and the API, and the agencies' overview with its permissions."""

import pytest
from django.test import Client

from standortlotse.cases.models import Stage
from standortlotse.inquiries.models import Status as InquiryStatus
from standortlotse.places.models import Status as PlaceStatus
from standortlotse.properties.models import Status
from tests.factories import (
    CaseFactory,
    ContactFactory,
    InquiryFactory,
    OrganisationFactory,
    PlaceFactory,
    PropertyFactory,
    member,
)

pytestmark = pytest.mark.django_db


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_regions_page_lists_every_region_under_its_state(client, world, prignitz, prefix):
    response = client.get(f"{prefix}/regionen/")
    assert response.status_code == 200
    page = response.content.decode()
    groups = [(state.name, [r.slug for r, _f in regions]) for state, regions in
              response.context["groups"]]  # fmt: skip
    assert groups == [("Brandenburg", ["prignitz"]), ("Sachsen-Anhalt", ["altmark"])]
    assert f'href="{prefix}/regionen/prignitz/"' in page
    assert f'href="{prefix}/regionen/altmark/"' in page
    assert ("Regions" if prefix else "Regionen") in page


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_region_start_page_shows_only_its_region(client, world, prignitz, prefix):
    prignitz.region.brand_colour = "#1f4e79"
    prignitz.region.save()
    ContactFactory(
        region=prignitz.region, person="Petra Prignitz", organisation=prignitz.office,
        status="published",
    )  # fmt: skip
    PlaceFactory(
        name="Altmark-Scheune", region=world.region, municipality=world.mun_a,
        status=PlaceStatus.PUBLISHED,
    )  # fmt: skip
    response = client.get(f"{prefix}/regionen/prignitz/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Gewerbegebiet Perleberg Süd" in page and "Elbe-Werkstatt Perleberg" in page
    assert "Petra Prignitz" in page
    # nothing of the Altmark
    assert "Gewerbepark Stendal Nord" not in page and "Altmark-Scheune" not in page
    assert "Brandenburg" in page
    # its own branding: the region's theme after the site's
    assert "/theme/prignitz.css?v=" in page
    figures = response.context["figures"]
    assert (figures.properties, figures.places) == (1, 1)
    heading = "Locations in the region Prignitz" if prefix else "Standorte in der Region Prignitz"
    assert heading in page
    assert 'href="' + prefix + '/immobilien/?region=prignitz"' in page
    theme = client.get("/theme/prignitz.css")
    assert "--sl-brand: #1f4e79" in theme.content.decode()


def test_an_unknown_region_is_not_found(client, world):
    assert client.get("/regionen/nirgendwo/").status_code == 404


def test_the_site_header_keeps_the_site_regions_branding(client, world, prignitz, settings):
    world.region.brand_colour = "#2f5d50"
    world.region.save()
    page = client.get("/regionen/prignitz/").content.decode()
    assert page.index("/theme/altmark.css") < page.index("/theme/prignitz.css")
    assert "/theme/prignitz.css" not in client.get("/").content.decode()


def test_property_search_filters_by_region_slug(client, world, prignitz):
    both = client.get("/immobilien/")
    titles = {p.title for p in both.context["page"].object_list}
    assert {"Gewerbepark Stendal Nord", "Gewerbegebiet Perleberg Süd"} <= titles
    only = client.get("/immobilien/", {"region": "prignitz"})
    assert {p.title for p in only.context["page"].object_list} == {"Gewerbegebiet Perleberg Süd"}
    altmark = client.get("/immobilien/", {"region": "altmark"})
    altmark_titles = {p.title for p in altmark.context["page"].object_list}
    assert "Gewerbegebiet Perleberg Süd" not in altmark_titles
    assert "Gewerbepark Stendal Nord" in altmark_titles
    # the ID of older links still works
    by_id = client.get("/immobilien/", {"region": prignitz.region.pk})
    assert {p.title for p in by_id.context["page"].object_list} == {"Gewerbegebiet Perleberg Süd"}
    # the filter shows the region chosen
    assert 'value="prignitz" selected' in only.content.decode()


def test_place_search_filters_by_region(client, world, prignitz):
    PlaceFactory(
        name="Altmark-Scheune", region=world.region, municipality=world.mun_a,
        status=PlaceStatus.PUBLISHED,
    )  # fmt: skip
    every = client.get("/orte/").content.decode()
    assert "Altmark-Scheune" in every and "Elbe-Werkstatt Perleberg" in every
    only = client.get("/orte/", {"region": "prignitz"}).content.decode()
    assert "Elbe-Werkstatt Perleberg" in only and "Altmark-Scheune" not in only


def test_api_lists_filter_by_region(client, world, prignitz):
    PlaceFactory(
        name="Altmark-Scheune", region=world.region, municipality=world.mun_a,
        status=PlaceStatus.PUBLISHED,
    )  # fmt: skip
    every = client.get("/api/properties").json()
    assert {"Gewerbepark Stendal Nord", "Gewerbegebiet Perleberg Süd"} <= {
        item["title"] for item in every["items"]
    }
    only = client.get("/api/properties", {"region": "prignitz"}).json()
    assert [item["title"] for item in only["items"]] == ["Gewerbegebiet Perleberg Süd"]
    by_id = client.get("/api/properties", {"region": str(prignitz.region.pk)}).json()
    assert by_id["items"] == only["items"]
    geojson = client.get("/api/properties.geojson", {"region": "altmark"}).json()
    names = {f["properties"]["title"] for f in geojson["features"]}
    assert "Gewerbepark Stendal Nord" in names and "Gewerbegebiet Perleberg Süd" not in names
    unknown = client.get("/api/properties", {"region": "nirgendwo"})
    assert unknown.status_code == 422 and "nirgendwo" in unknown.content.decode()
    places = client.get("/api/places", {"region": "prignitz"}).json()["places"]
    assert [p["name"] for p in places] == ["Elbe-Werkstatt Perleberg"]


def _overview_world(world, prignitz):
    PropertyFactory(title="Entwurf Wittenberge", municipality=prignitz.wittenberge,
                    status=Status.DRAFT, published_at=None)  # fmt: skip
    PropertyFactory(title="Halle Wittenberge", municipality=prignitz.wittenberge)
    InquiryFactory(region=prignitz.region, status=InquiryStatus.NEW)
    InquiryFactory(region=prignitz.region, status=InquiryStatus.IN_PROGRESS)
    InquiryFactory(region=prignitz.region, status=InquiryStatus.CLOSED)
    InquiryFactory(region=world.region, status=InquiryStatus.NEW)
    CaseFactory(owner=prignitz.office, stage=Stage.LEAD)
    CaseFactory(owner=prignitz.office, stage=Stage.LOST)
    perleberg_office = prignitz.editor.memberships.get().organisation
    CaseFactory(owner=perleberg_office, stage=Stage.QUALIFIED)
    CaseFactory(owner=OrganisationFactory(kind="state_agency"), stage=Stage.LEAD)


def test_agency_overview_counts_per_state_and_region(world, prignitz):
    _overview_world(world, prignitz)
    response = _login(world.state_admin).get("/datenpflege/regionen/")
    assert response.status_code == 200
    overview = response.context["overview"]
    by_state = {row["state"].name: row for row in overview["states"]}
    assert set(by_state) == {"Brandenburg", "Sachsen-Anhalt"}
    [(region, counts)] = by_state["Brandenburg"]["regions"]
    assert region.slug == "prignitz"
    # published: Perleberg Süd and Halle Wittenberge (the draft does not count)
    assert (counts.properties, counts.places, counts.inquiries, counts.cases) == (2, 1, 2, 2)
    [(altmark, altmark_counts)] = by_state["Sachsen-Anhalt"]["regions"]
    # world: Stendal and Gardelegen (Haldensleben lies in no region)
    assert (altmark_counts.properties, altmark_counts.inquiries, altmark_counts.cases) == (2, 1, 0)
    assert overview["total"].properties == 4 and overview["total"].inquiries == 3
    assert overview["regionless_cases"] == 1
    page = response.content.decode()
    assert "Brandenburg" in page and 'href="/regionen/prignitz/"' in page
    en = _login(world.state_admin).get("/en/datenpflege/regionen/").content.decode()
    assert "Regions and states" in en and "Open cases" in en


@pytest.mark.parametrize("role", ["editor_a", "moderator", "moderator_p", "editor_p"])
def test_agency_overview_is_for_the_state_agency_and_platform_staff_only(
    client, world, prignitz, role
):
    user = {"moderator_p": prignitz.moderator, "editor_p": prignitz.editor}.get(role) or getattr(
        world, role
    )
    response = _login(user).get("/datenpflege/regionen/")
    assert response.status_code == 403
    assert "Regionen und Länder" not in _login(user).get("/datenpflege/").content.decode()
    assert client.get("/datenpflege/regionen/").status_code == 302  # anonymous: to the login


def test_agency_overview_is_in_the_state_admins_menu(world):
    page = _login(world.state_admin).get("/datenpflege/").content.decode()
    assert 'href="/datenpflege/regionen/"' in page


def test_a_superuser_of_the_platform_sees_the_overview(world, django_user_model):
    admin = django_user_model.objects.create_superuser("plattform", "p@example.org", "x-pass-123")
    assert _login(admin).get("/datenpflege/regionen/").status_code == 200


def test_a_moderator_of_another_state_is_still_refused(world, prignitz):
    other = member("regional_moderator", region=prignitz.region, username="zweiter")
    assert _login(other).get("/datenpflege/regionen/").status_code == 403


def test_the_sitemap_lists_every_region_start_page(client, world, prignitz):
    sections = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-region-homes.xml" in sections
    homes = client.get("/sitemap-region-homes.xml").content.decode()
    assert "/regionen/altmark/" in homes and "/en/regionen/prignitz/" in homes
    assert "/regionen/</loc>" in client.get("/sitemap-pages.xml").content.decode()
