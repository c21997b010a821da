"""Domain logic of the property register: completeness, status workflow, history, photos."""

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from standortlotse.core import uploads
from standortlotse.properties import services
from standortlotse.properties.models import Status
from tests.factories import PropertyFactory

pytestmark = pytest.mark.django_db


def jpeg_upload(name="photo.jpg", size=(2400, 1600), fmt="JPEG", exif=True):
    buffer = BytesIO()
    image = Image.new("RGB", size, (120, 160, 90))
    kwargs = {}
    if exif and fmt == "JPEG":
        data = image.getexif()
        data[0x010F] = "SecretCameraMaker"
        kwargs["exif"] = data.tobytes()
    image.save(buffer, format=fmt, **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def test_completeness_grows_with_facts(world):
    bare = services.completeness(world.prop_a)
    world.prop_a.description_de = "Beschreibung"
    world.prop_a.price_on_request = True
    world.prop_a.zonings = ["GE"]
    richer = services.completeness(world.prop_a)
    assert 0 < bare.percent < richer.percent < 100
    assert len(richer.missing) == len(bare.missing) - 3


def test_completeness_counts_photos(world):
    without = services.completeness(world.prop_a, photo_count=0)
    with_photo = services.completeness(world.prop_a, photo_count=1)
    assert with_photo.percent > without.percent


def test_completeness_full_record_is_100():
    prop = PropertyFactory.build(
        street="Weg 1",
        postcode="39576",
        outline={"type": "Polygon", "coordinates": []},
        zonings=["GI"],
        planning_status="bplan",
        marketing_type="sale",
        price_per_m2=12,
        owner_type="municipal",
        motorway_km=3,
        rail_siding="yes",
        federal_road_km=1,
        electricity_mw=5,
        broadband_mbits=1000,
        water=True,
        waste_water=True,
        gas=False,
        operation_24_7=True,
        grz="0.8",
        funding_area=True,
        description_de="x",
        description_en="x",
        contact_name="A",
        contact_email="a@example.org",
        verified_on=timezone.localdate(),
    )
    result = services.completeness(prop, photo_count=2)
    assert result.percent == 100 and result.missing == []


def test_status_workflow(world):
    prop = PropertyFactory(municipality=world.mun_a, status=Status.DRAFT, published_at=None)
    services.change_status(world.editor_a, prop, "publish")
    assert prop.status == Status.PUBLISHED and prop.published_at is not None
    services.change_status(world.editor_a, prop, "archive")
    assert prop.status == Status.ARCHIVED
    with pytest.raises(ValidationError):
        services.change_status(world.editor_a, prop, "archive")
    services.change_status(world.editor_a, prop, "unpublish")
    assert prop.status == Status.DRAFT
    with pytest.raises(ValidationError):
        services.change_status(world.editor_a, prop, "delete-everything")


def test_status_change_checks_permission(world):
    with pytest.raises(PermissionDenied):
        services.change_status(world.editor_b, world.prop_a, "archive")
    world.prop_a.refresh_from_db()
    assert world.prop_a.status == Status.PUBLISHED


def test_confirm_current_sets_today(world):
    services.confirm_current(world.editor_a, world.prop_a)
    world.prop_a.refresh_from_db()
    assert world.prop_a.verified_on == timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.confirm_current(world.editor_a, world.prop_b)


def test_history_records_who_changed_what(world):
    prop = world.prop_a
    prop._history_user = world.editor_a
    prop.title = "Neuer Titel"
    prop.area_available_m2 = 9000
    prop.save()
    entries = services.changes_of(prop)
    newest = entries[0]
    assert newest["who"] == "editor_a"
    fields = {change["field"]: (change["old"], change["new"]) for change in newest["changes"]}
    assert fields["Titel"] == ("Gewerbepark Stendal Nord", "Neuer Titel")
    assert fields["verfügbare Fläche"] == ("15.000", "9.000")  # as the page shows them
    assert entries[-1]["type"] == "+"


def test_photo_is_reencoded_and_stripped(world):
    photo = services.add_photo(world.editor_a, world.prop_a, jpeg_upload(), "Halle von Süden")
    with Image.open(photo.image.path) as stored:
        assert stored.format == "JPEG"
        assert max(stored.size) <= uploads.MAX_PHOTO_EDGE
        assert 0x010F not in stored.getexif()
    services.remove_photo(world.editor_a, photo)
    assert not world.prop_a.photos.exists()


def test_photo_of_foreign_record_refused(world):
    with pytest.raises(PermissionDenied):
        services.add_photo(world.editor_a, world.prop_b, jpeg_upload(), "x")
    assert not world.prop_b.photos.exists()
