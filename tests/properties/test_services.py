"""Domain logic of the property register: completeness, status workflow, history, photos."""

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from standortlotse.core import uploads
from standortlotse.properties import publication, services
from standortlotse.properties.models import Property, Status
from tests.factories import PropertyFactory
from tests.properties.support import make_complete, without_photo_and_description

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
    prop = PropertyFactory(
        municipality=world.mun_a, status=Status.DRAFT, published_at=None, complete=True
    )
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


# --- the publication gate and "still current" for several records ------------------------------


def test_publishing_below_the_gate_is_refused_naming_what_is_missing(world):
    prop = without_photo_and_description(world.mun_a)
    with pytest.raises(publication.BelowGate) as refused:
        services.change_status(world.editor_a, prop, "publish")
    assert refused.value.gaps == ["photo", "description"]
    assert set(refused.value.message_dict) == {"photos", "description_de"}
    assert "Regionalmoderation" in refused.value.summary  # the editor learns who may override
    assert Property.objects.get(pk=prop.pk).status == Status.DRAFT
    with pytest.raises(publication.BelowGate):  # a moderator without a reason: the same
        services.change_status(world.moderator, prop, "publish")


def test_a_moderator_publishes_below_the_gate_with_a_reason_kept_in_the_history(world):
    prop = without_photo_and_description(world.mun_a)
    services.change_status(
        world.moderator, prop, "publish", override_reason="  Fotos folgen nach dem Abriss.  "
    )
    prop.refresh_from_db()
    assert prop.status == Status.PUBLISHED and prop.published_at is not None
    entry = prop.history.first()
    assert entry.history_user == world.moderator
    assert entry.history_change_reason == (
        "publish override [photo,description]: Fotos folgen nach dem Abriss."
    )
    newest = services.changes_of(prop)[0]
    assert newest["override"] == {
        "missing": ["Foto", "Beschreibung"],
        "reason": "Fotos folgen nach dem Abriss.",
    }
    assert newest["reason"] == ""


def test_only_moderators_of_the_region_override_the_gate(world):
    from django.core.exceptions import PermissionDenied

    prop = without_photo_and_description(world.mun_a)
    with pytest.raises(PermissionDenied):  # the municipality's own editor
        services.change_status(world.editor_a, prop, "publish", override_reason="Eilt")
    with pytest.raises(PermissionDenied):  # an editor of another municipality
        services.change_status(world.editor_b, prop, "publish", override_reason="Eilt")
    outside = without_photo_and_description(world.mun_c)
    with pytest.raises(PermissionDenied):  # a moderator outside their region
        services.change_status(world.moderator, outside, "publish", override_reason="Eilt")
    assert Property.objects.filter(status=Status.DRAFT, pk__in=[prop.pk, outside.pk]).count() == 2
    services.change_status(world.state_admin, outside, "publish", override_reason="Landesweit")
    with pytest.raises(ValidationError) as refused:
        services.change_status(world.moderator, prop, "publish", override_reason="x" * 501)
    assert "override_reason" in refused.value.message_dict


def test_a_complete_record_is_published_without_a_reason(world):
    prop = make_complete(without_photo_and_description(world.mun_a))
    services.change_status(world.editor_a, prop, "publish")
    assert prop.status == Status.PUBLISHED
    assert prop.history.first().history_change_reason == "publish"


def test_still_current_for_several_records_confirms_only_the_users_own(world):
    own = PropertyFactory(municipality=world.mun_a, verified_on=None)
    result = services.confirm_current_many(
        world.editor_a, [str(world.prop_a.pk), own.pk, world.prop_b.pk, "kein-id", 999_999]
    )
    assert {p.pk for p in result.confirmed} == {world.prop_a.pk, own.pk}
    assert result.refused == 2  # B's record and one that does not exist; the word is skipped
    today = timezone.localdate()
    assert Property.objects.get(pk=own.pk).verified_on == today
    assert Property.objects.get(pk=world.prop_b.pk).verified_on is None
    assert Property.objects.get(pk=own.pk).history.first().history_change_reason == "confirmed"
