"""Request tests of the property register's public pages (properties/views/public.py): search,
detail, compare."""

import json

import pytest
from django.urls import reverse

from standortlotse.properties.models import Property, Status
from tests.factories import PropertyFactory

pytestmark = pytest.mark.django_db


def titles(response):
    return [p.title for p in response.context["page"]]


# --- public search --------------------------------------------------------------------------


def test_search_lists_only_published(client, world):
    PropertyFactory(title="Entwurf geheim", municipality=world.mun_a, status=Status.DRAFT)
    PropertyFactory(title="Archiviert alt", municipality=world.mun_a, status=Status.ARCHIVED)
    response = client.get(reverse("properties:search"))
    assert response.status_code == 200
    assert set(titles(response)) == {world.prop_a.title, world.prop_b.title, world.prop_c.title}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=hall", {"Halle Gardelegen"}),
        ("q=gewerbepark", {"Gewerbepark Stendal Nord"}),
        ("q=haldensleben", {"Fläche Haldensleben"}),
        ("area_min=16000", set()),
        (
            "area_min=10000&area_max=15000",
            {"Gewerbepark Stendal Nord", "Halle Gardelegen", "Fläche Haldensleben"},
        ),
        ("rail_siding=possible", {"Gleis möglich", "Gleis ja"}),
        ("rail_siding=yes", {"Gleis ja"}),
        ("motorway_km_max=5", {"Gleis ja"}),
        ("broadband_min=500", {"Gleis möglich"}),
        ("funding_area=true", {"Gleis ja"}),
        ("zoning=GI", {"Gleis möglich"}),
        ("availability=reserved", {"Gleis möglich"}),
        ("price_max=20", {"Gleis ja"}),
    ],
)
def test_search_filters(client, world, query, expected):
    PropertyFactory(
        title="Gleis ja",
        municipality=world.mun_a,
        rail_siding="yes",
        motorway_km=3,
        funding_area=True,
        price_per_m2=15,
        area_available_m2=None,
    )
    PropertyFactory(
        title="Gleis möglich",
        municipality=world.mun_b,
        rail_siding="possible",
        motorway_km=30,
        broadband_mbits=1000,
        zonings=["GI"],
        availability="reserved",
        price_per_m2=40,
        area_available_m2=None,
    )
    response = client.get(reverse("properties:search") + "?" + query)
    assert set(titles(response)) == expected


def test_search_by_region_and_district(client, world):
    response = client.get(reverse("properties:search"), {"region": world.region.pk})
    assert set(titles(response)) == {world.prop_a.title, world.prop_b.title}
    response = client.get(reverse("properties:search"), {"district": world.district_salzwedel.pk})
    assert titles(response) == [world.prop_b.title]
    response = client.get(reverse("properties:search"), {"municipality": world.mun_a.pk})
    assert titles(response) == [world.prop_a.title]


def test_search_sort_by_area(client, world):
    Property.objects.filter(pk=world.prop_b.pk).update(area_available_m2=50_000)
    response = client.get(reverse("properties:search"), {"sort": "area_desc"})
    assert titles(response)[0] == world.prop_b.title


def test_search_bad_input_gives_message_not_error(client, world):
    response = client.get(
        reverse("properties:search"),
        {"area_min": "viel", "area_max": "-5", "kind": "castle", "q": "Halle"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"area_min", "area_max", "kind"} <= set(form.errors)
    content = response.content.decode()
    assert 'role="alert"' in content
    assert 'value="viel"' in content  # what the user typed stays in the field
    assert titles(response) == ["Halle Gardelegen"]  # the valid filter still applies


def test_search_area_range_inverted(client, world):
    response = client.get(reverse("properties:search"), {"area_min": 5000, "area_max": 100})
    assert "area_max" in response.context["form"].errors


def test_search_pagination_keeps_filters(client, world):
    for n in range(25):
        PropertyFactory(title=f"Halle {n}", kind="hall", municipality=world.mun_a)
    response = client.get(reverse("properties:search"), {"kind": "hall"})
    assert len(titles(response)) == 20
    assert "kind=hall&amp;page=2" in response.content.decode()
    response = client.get(reverse("properties:search"), {"kind": "hall", "page": 2})
    assert len(titles(response)) == 6


# --- detail and compare -----------------------------------------------------------------------


def test_detail_page_facts_jsonld_og(client, world):
    prop = world.prop_a
    prop.rail_siding = "yes"
    prop.price_on_request = True
    prop.description_de = "Große Fläche </script><script>alert(1)</script>"
    prop.save()
    response = client.get(prop.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "15.000 m² (1,50 ha)" in content
    assert "Gleisanschluss" in content and "auf Anfrage" in content
    assert '<meta property="og:title" content="Gewerbepark Stendal Nord">' in content
    assert "<script>alert(1)</script>" not in content
    start = content.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    data = json.loads(content[start : content.index("</script>", start)])
    assert data["@type"] == "RealEstateListing"
    assert data["about"]["geo"]["latitude"] == prop.lat
    assert data["about"]["address"]["addressLocality"] == "Stendal"


def test_detail_in_english(client, world):
    world.prop_a.description_en = "A large plot"
    world.prop_a.save()
    content = client.get("/en" + world.prop_a.get_absolute_url()).content.decode()
    assert (
        'lang="en"' in content
        and "A large plot" in content
        and "Available area" in content
        or "available area" in content
    )


def test_draft_detail_hidden_from_public_visible_to_editor(client, world):
    Property.objects.filter(pk=world.prop_a.pk).update(status=Status.DRAFT)
    assert client.get(world.prop_a.get_absolute_url()).status_code == 404
    client.force_login(world.editor_b)
    assert client.get(world.prop_a.get_absolute_url()).status_code == 404
    client.force_login(world.editor_a)
    response = client.get(world.prop_a.get_absolute_url())
    assert response.status_code == 200 and b'name="robots" content="noindex"' in response.content


def test_compare_up_to_four(client, world):
    extra = [PropertyFactory(municipality=world.mun_a) for _ in range(3)]
    ids = [world.prop_a.pk, world.prop_b.pk] + [p.pk for p in extra]
    response = client.get(reverse("properties:compare"), {"ids": ids})
    assert [p.pk for p in response.context["props"]] == ids[:4]
    assert response.context["too_many"]
    labels = [row["label"] for row in response.context["rows"]]
    assert "Art" in labels and "verfügbare Fläche" in labels
    draft = PropertyFactory(municipality=world.mun_a, status=Status.DRAFT)
    response = client.get(reverse("properties:compare"), {"ids": f"{draft.pk},{world.prop_a.pk},x"})
    assert [p.pk for p in response.context["props"]] == [world.prop_a.pk]


def test_security_headers(client, world):
    response = client.get(reverse("properties:search"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"


def test_result_list_does_not_show_the_raw_zoning_none(client, world):
    world.prop_a.zonings = ["none"]
    world.prop_a.save()
    page = client.get(reverse("properties:search")).content.decode()
    assert "Gewerbepark Stendal Nord" in page
    assert "· none<" not in page and "· none " not in page


# --- several zonings (issue 14) -------------------------------------------------------------


@pytest.fixture
def ge_gi(world):
    world.prop_a.zonings = ["GE", "GI"]
    world.prop_a.save()
    PropertyFactory(title="Nur MI", municipality=world.mun_a, zonings=["MI"])
    return world.prop_a


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zoning=GI", {"Gewerbepark Stendal Nord"}),
        ("zoning=GE", {"Gewerbepark Stendal Nord"}),
        ("zoning=GI&zoning=MI", {"Gewerbepark Stendal Nord", "Nur MI"}),
        ("zoning=SO", set()),
    ],
)
def test_searching_by_either_zoning_finds_a_ge_gi_record(client, ge_gi, query, expected):
    response = client.get(reverse("properties:search") + "?" + query)
    assert set(titles(response)) == expected
    data = client.get("/api/properties?" + query).json()
    assert {item["title"] for item in data["items"]} == expected


def test_the_search_text_finds_the_zonings_names(client, ge_gi):
    response = client.get(reverse("properties:search"), {"q": "Industriegebiet"})
    assert titles(response) == ["Gewerbepark Stendal Nord"]


def test_the_result_list_the_detail_page_and_the_api_show_both_zonings(client, ge_gi):
    page = client.get(reverse("properties:search")).content.decode()
    assert "· GE, GI" in page
    detail = client.get(ge_gi.get_absolute_url()).content.decode()
    assert "GE – Gewerbegebiet, GI – Industriegebiet" in detail
    item = client.get(f"/api/properties/{ge_gi.pk}").json()
    assert item["zonings"] == ["GE", "GI"] and item["zoning"] == "GE"
    listed = client.get("/api/properties", {"zoning": "GI"}).json()["items"][0]
    assert listed["zonings"] == ["GE", "GI"]


def test_the_comparison_and_the_expose_show_both_zonings(client, ge_gi, world):
    compare = client.get(reverse("properties:compare"), {"ids": [ge_gi.pk, world.prop_b.pk]})
    assert "GE – Gewerbegebiet, GI – Industriegebiet" in compare.content.decode()


# --- no empty heading on the detail page --------------------------------------------------------


def _headed_sections(page: str) -> dict[str, str]:
    """Each section of the article with a heading: heading id → the section's text."""
    import re

    sections = re.findall(
        r'<section class="fact-group[^"]*" aria-labelledby="([^"]+)">(.*?)</section>', page, re.S
    )
    return {key: " ".join(re.sub(r"<[^>]+>", " ", body).split()) for key, body in sections}


def test_without_a_named_contact_the_page_shows_the_office_the_inquiry_reaches(client, world):
    from standortlotse.accounts.models import Organisation

    office = Organisation.objects.get(memberships__user=world.editor_a)
    office.name, office.email, office.phone = "Stadt Stendal, Wirtschaft", "wf@stendal.example", ""
    office.save()
    prop = world.prop_a  # no contact of its own; no planning, access, utilities or funding facts
    page = client.get(reverse("properties:detail", args=[prop.pk])).content.decode()
    sections = _headed_sections(page)
    assert set(sections) == {"facts-site", "facts-contact"}  # the empty groups are left out
    contact = sections["facts-contact"]
    assert contact.startswith("Kontakt Stadt Stendal, Wirtschaft wf@stendal.example")
    assert "Ihre Anfrage erreicht Stadt Stendal, Wirtschaft direkt." in contact
    for heading, text in sections.items():
        assert len(text) > len("Kontakt"), f"empty section {heading}"
    for group in ("planning", "access", "utilities", "funding"):
        assert f'id="facts-{group}"' not in page


def test_the_contact_block_is_left_out_when_nobody_could_receive_an_inquiry(client, db):
    from standortlotse.accounts.models import Organisation

    prop = PropertyFactory()  # a municipality in no region, and no organisation at all
    assert not Organisation.objects.exists()
    response = client.get(reverse("properties:detail", args=[prop.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="facts-contact"' not in page and "Kontakt</h2>" not in page
