"""Request tests of the public pages and the back office of the property register."""

import json
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from standortlotse.properties.models import Property, Status
from tests.factories import PropertyFactory
from tests.properties.support import valid_pdf

pytestmark = pytest.mark.django_db


def image_file(fmt="PNG", name="bild.png"):
    buffer = BytesIO()
    Image.new("RGB", (400, 300), (10, 120, 200)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue())


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
        zoning="GI",
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
    labels = [label for label, _values in response.context["rows"]]
    assert "Art" in labels and "verfügbare Fläche" in labels
    draft = PropertyFactory(municipality=world.mun_a, status=Status.DRAFT)
    response = client.get(reverse("properties:compare"), {"ids": f"{draft.pk},{world.prop_a.pk},x"})
    assert [p.pk for p in response.context["props"]] == [world.prop_a.pk]


# --- back office --------------------------------------------------------------------------------


def form_data(world, **overrides):
    data = {
        "title": "Neue Halle Stendal",
        "kind": "hall",
        "municipality": world.mun_a.pk,
        "lat": "52.601",
        "lon": "11.861",
        "availability": "immediately",
        "area_total_m2": "5000",
        "area_available_m2": "4000",
    }
    data.update(overrides)
    return data


def test_editor_creates_property_as_draft(client, world):
    client.force_login(world.editor_a)
    outline = {
        "type": "Polygon",
        "coordinates": [[[11.86, 52.6], [11.87, 52.6], [11.87, 52.61], [11.86, 52.6]]],
    }
    response = client.post(
        reverse("properties:editor_create"), form_data(world, outline=json.dumps(outline))
    )
    prop = Property.objects.get(title="Neue Halle Stendal")
    assert response.status_code == 302 and response["Location"] == reverse(
        "properties:editor_edit", args=[prop.pk]
    )
    assert prop.status == Status.DRAFT and prop.outline["type"] == "Polygon"
    assert prop.history.first().history_user == world.editor_a
    assert client.get(prop.get_absolute_url()).status_code == 200  # editor preview


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Dieses Feld ist zwingend erforderlich."),
        ({"lat": "11.86", "lon": "52.6"}, "lat", "außerhalb Deutschlands"),
        ({"area_available_m2": "9000"}, "area_available_m2", "Gesamtfläche"),
        ({"outline": "{kaputt"}, "outline", "GeoJSON"),
        (
            {
                "outline": json.dumps(
                    {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
                )
            },
            "outline",
            "Polygon",
        ),
        ({"outline": json.dumps({"type": "Point", "coordinates": [11, 52]})}, "outline", "Polygon"),
        ({"price_per_m2": "12", "price_on_request": "on"}, "price_per_m2", "nicht beides"),
        ({"availability": "from_date"}, "available_from", "Datum"),
        ({"grz": "1.5"}, "grz", "1"),
        ({"area_total_m2": "-1"}, "area_total_m2", "0"),
    ],
)
def test_editor_validation_messages_keep_input(client, world, overrides, field, message):
    client.force_login(world.editor_a)
    data = form_data(
        world, description_de="Mein langer Text, der nicht verloren gehen darf", **overrides
    )
    response = client.post(reverse("properties:editor_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    content = response.content.decode()
    assert "Mein langer Text, der nicht verloren gehen darf" in content
    assert 'class="error-summary"' in content
    assert not Property.objects.filter(title=data["title"] or "-").exists() or field == "title"


def test_editor_edits_publishes_confirms(client, world):
    client.force_login(world.editor_a)
    url = reverse("properties:editor_edit", args=[world.prop_a.pk])
    response = client.post(url, form_data(world, title="Gewerbepark Stendal Nord II"))
    assert response.status_code == 302
    client.post(reverse("properties:editor_action", args=[world.prop_a.pk, "unpublish"]))
    world.prop_a.refresh_from_db()
    assert (
        world.prop_a.title == "Gewerbepark Stendal Nord II" and world.prop_a.status == Status.DRAFT
    )
    client.post(reverse("properties:editor_action", args=[world.prop_a.pk, "publish"]))
    client.post(
        reverse("properties:editor_action", args=[world.prop_a.pk, "confirm"]), {"next": "list"}
    )
    world.prop_a.refresh_from_db()
    assert world.prop_a.status == Status.PUBLISHED and world.prop_a.verified_on is not None
    history = client.get(
        reverse("properties:editor_history", args=[world.prop_a.pk])
    ).content.decode()
    assert "Gewerbepark Stendal Nord II" in history and "editor_a" in history


def test_editor_action_requires_post(client, world):
    client.force_login(world.editor_a)
    response = client.get(reverse("properties:editor_action", args=[world.prop_a.pk, "publish"]))
    assert response.status_code == 405


def test_editor_list_shows_completeness_and_verified(client, world):
    client.force_login(world.editor_a)
    response = client.get(reverse("properties:editor_list"))
    record = list(response.context["page"])[0]
    assert 0 < record.completeness.percent < 100
    assert b"<meter" in response.content


def test_photo_upload_valid_and_htmx(client, world):
    client.force_login(world.editor_a)
    url = reverse("properties:editor_photo_add", args=[world.prop_a.pk])
    response = client.post(
        url, {"image": image_file(), "alt_text": "Halle von Norden", "credit": "Stadt"}
    )
    assert response.status_code == 302
    response = client.post(
        url, {"image": image_file("JPEG", "b.jpg"), "alt_text": "Zufahrt"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and b"Zufahrt" in response.content
    assert world.prop_a.photos.count() == 2


@pytest.mark.parametrize(
    ("upload", "alt"),
    [
        (
            SimpleUploadedFile(
                "x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
            ),
            "Bild",
        ),
        (SimpleUploadedFile("x.jpg", b"<html><script>alert(1)</script></html>"), "Bild"),
        (SimpleUploadedFile("x.gif", b"GIF89a" + b"\x00" * 20), "Bild"),
        (None, "Bild"),
    ],
)
def test_photo_upload_refuses_bad_files(client, world, upload, alt):
    client.force_login(world.editor_a)
    data = {"alt_text": alt}
    if upload is not None:
        data["image"] = upload
    response = client.post(reverse("properties:editor_photo_add", args=[world.prop_a.pk]), data)
    assert response.status_code == 422
    assert response.context["photo_form"].errors["image"]
    assert not world.prop_a.photos.exists()


def test_photo_needs_alt_text(client, world):
    client.force_login(world.editor_a)
    response = client.post(
        reverse("properties:editor_photo_add", args=[world.prop_a.pk]), {"image": image_file()}
    )
    assert response.status_code == 422 and "alt_text" in response.context["photo_form"].errors


def test_document_upload_pdf_only(client, world):
    client.force_login(world.editor_a)
    url = reverse("properties:editor_document_add", args=[world.prop_a.pk])
    fake = SimpleUploadedFile("bplan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url, {"file": fake, "title": "B-Plan"})
    assert response.status_code == 422 and not world.prop_a.documents.exists()
    pdf = SimpleUploadedFile("bplan.pdf", valid_pdf(), content_type="application/pdf")
    response = client.post(url, {"file": pdf, "title": "B-Plan Nr. 12"})
    assert response.status_code == 302
    doc = world.prop_a.documents.get()
    assert b"B-Plan Nr. 12" in client.get(world.prop_a.get_absolute_url()).content
    client.post(reverse("properties:editor_document_delete", args=[world.prop_a.pk, doc.pk]))
    assert not world.prop_a.documents.exists()


def test_upload_size_limit(client, world, settings):
    settings.MAX_UPLOAD_BYTES = 100
    client.force_login(world.editor_a)
    response = client.post(
        reverse("properties:editor_photo_add", args=[world.prop_a.pk]),
        {"image": image_file(), "alt_text": "zu groß"},
    )
    assert response.status_code == 422 and "zu groß" in response.content.decode()


def test_security_headers(client, world):
    response = client.get(reverse("properties:search"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"


def test_home_and_health(client, world):
    assert world.prop_a.title.encode() in client.get("/").content
    assert client.get("/health/").json() == {"status": "ok"}


def test_result_list_does_not_show_the_raw_zoning_none(client, world):
    world.prop_a.zoning = "none"
    world.prop_a.save()
    page = client.get(reverse("properties:search")).content.decode()
    assert "Gewerbepark Stendal Nord" in page
    assert "· none<" not in page and "· none " not in page
