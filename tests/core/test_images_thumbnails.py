"""Each photo gets two small WebP copies for cards and result lists (core/images.py), made on
every write path, named after the photo, and used by the pages instead of the full photo."""

from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from standortlotse.core.images import backfill_thumbnails
from standortlotse.places.models import Place, PlacePhoto
from standortlotse.properties import services as property_services
from standortlotse.properties.models import PropertyPhoto
from tests.places.support import submission
from tests.properties.support import published

pytestmark = pytest.mark.django_db


def camera_photo(name="kamera.jpg", size=(2400, 1800)):
    """A photo as a municipality's camera takes it: large, 4:3, with detail (noise)."""
    image = Image.effect_noise(size, 60).convert("RGB")
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _opened(field):
    with default_storage.open(field.name, "rb") as handle:
        data = handle.read()
    image = Image.open(BytesIO(data))
    return image.format, image.size, len(data)


def test_a_property_photo_gets_two_card_copies_beside_it(world):
    prop = published(world.prop_a)
    photo = property_services.add_photo(world.editor_a, prop, camera_photo(), "Halle")
    photo.refresh_from_db()
    stem = photo.image.name.rsplit("/", 1)[1].rsplit(".", 1)[0]
    folder = photo.image.name.rsplit("/", 1)[0]
    assert photo.thumbnail.name == f"{folder}/thumbs/{stem}-320.webp"
    assert photo.thumbnail_2x.name == f"{folder}/thumbs/{stem}-640.webp"
    full = _opened(photo.image)
    small, large = _opened(photo.thumbnail), _opened(photo.thumbnail_2x)
    assert full[:2] == ("JPEG", (1920, 1440))
    assert small[:2] == ("WEBP", (320, 200)) and large[:2] == ("WEBP", (640, 400))
    # the point of it: a card loads a small part of the photo
    assert small[2] * 10 < full[2] and large[2] * 3 < full[2]
    assert photo.card_url == photo.thumbnail.url
    assert photo.card_srcset == f"{photo.thumbnail.url} 320w, {photo.thumbnail_2x.url} 640w"


def test_a_small_photo_is_never_enlarged(world):
    prop = published(world.prop_a)
    photo = property_services.add_photo(
        world.editor_a, prop, camera_photo(size=(300, 200)), "Klein"
    )
    assert _opened(photo.thumbnail)[1] == (300, 187)  # the 16:10 frame, not blown up
    assert _opened(photo.thumbnail_2x)[1] == (300, 187)


def test_a_place_photo_from_the_public_form_gets_copies_and_the_card_uses_them(client, world):
    response = client.post(
        reverse("places:submit", args=["altmark"]),
        submission(world, photo=camera_photo("ort.jpg"), photo_alt="Foto"),
    )
    assert response.status_code == 302
    photo = PlacePhoto.objects.get()
    assert _opened(photo.thumbnail)[:2] == ("WEBP", (320, 200))
    place = Place.objects.get()
    place.status = "published"
    place.save()
    page = client.get(reverse("places:search")).content.decode()
    assert f'src="{photo.thumbnail.url}"' in page
    assert f'srcset="{photo.thumbnail.url} 320w, {photo.thumbnail_2x.url} 640w"' in page
    assert photo.image.url not in page


def test_search_results_and_gallery_buttons_use_the_small_copy(client, world):
    prop = published(world.prop_a)
    first = property_services.add_photo(world.editor_a, prop, camera_photo("a.jpg"), "A")
    second = property_services.add_photo(world.editor_a, prop, camera_photo("b.jpg"), "B")
    results = client.get(reverse("properties:search")).content.decode()
    assert f'src="{first.thumbnail.url}"' in results and first.image.url not in results
    detail = client.get(reverse("properties:detail", args=[prop.pk])).content.decode()
    # the large photo stays the photo; the gallery's buttons are made from the small copies
    assert f'src="{first.image.url}"' in detail
    assert f'data-thumb="{second.thumbnail.url}"' in detail


def test_a_replaced_photo_gets_new_copies(world):
    prop = published(world.prop_a)
    photo = property_services.add_photo(world.editor_a, prop, camera_photo(), "Halle")
    old = photo.thumbnail.name
    photo.image = SimpleUploadedFile("neu.jpg", camera_photo(size=(800, 800)).read())
    photo.save()
    photo.refresh_from_db()
    stem = photo.image.name.rsplit("/", 1)[1].rsplit(".", 1)[0]
    assert photo.thumbnail.name.endswith(f"/{stem}-320.webp") and photo.thumbnail.name != old
    assert not default_storage.exists(old)
    assert _opened(photo.thumbnail)[1] == (320, 200)


def test_an_unreadable_photo_keeps_no_copies_and_the_card_shows_the_photo(world):
    prop = published(world.prop_a)
    photo = property_services.add_photo(world.editor_a, prop, camera_photo(), "Halle")
    PropertyPhoto.objects.filter(pk=photo.pk).update(thumbnail="", thumbnail_2x="")
    default_storage.delete(photo.image.name)
    photo.refresh_from_db()
    assert photo.make_thumbnails() is False
    assert not photo.thumbnail and photo.card_url == photo.image.url and photo.card_srcset == ""


def test_backfill_makes_copies_for_photos_saved_before_and_skips_missing_files(world):
    prop = published(world.prop_a)
    kept = property_services.add_photo(world.editor_a, prop, camera_photo("a.jpg"), "A")
    lost = property_services.add_photo(world.editor_a, prop, camera_photo("b.jpg"), "B")
    PropertyPhoto.objects.update(thumbnail="", thumbnail_2x="")
    default_storage.delete(lost.image.name)
    backfill_thumbnails(PropertyPhoto)
    rows = dict(PropertyPhoto.objects.values_list("pk", "thumbnail"))
    assert rows[kept.pk] == kept.thumbnail.name and rows[lost.pk] == ""  # same name, remade


def test_removing_a_photo_removes_its_copies(world):
    prop = published(world.prop_a)
    photo = property_services.add_photo(world.editor_a, prop, camera_photo(), "Halle")
    names = [photo.image.name, photo.thumbnail.name, photo.thumbnail_2x.name]
    property_services.remove_photo(world.editor_a, photo)
    assert not any(default_storage.exists(name) for name in names)


def test_the_map_popup_gets_the_small_copy(client, world):
    prop = published(world.prop_a)
    photo = property_services.add_photo(world.editor_a, prop, camera_photo(), "Halle")
    features = client.get("/api/properties.geojson").json()["features"]
    (feature,) = [f for f in features if f["id"] == prop.pk]
    assert feature["properties"]["photo"] == photo.thumbnail.url
    PropertyPhoto.objects.filter(pk=photo.pk).update(thumbnail="")  # saved before the copies
    features = client.get("/api/properties.geojson").json()["features"]
    (feature,) = [f for f in features if f["id"] == prop.pk]
    assert feature["properties"]["photo"] == photo.image.url


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("Foto: Erika Muster", "Erika Muster"),
        ("Photo: Stadt Stendal", "Stadt Stendal"),
        ("Bild - Landkreis Stendal", "Landkreis Stendal"),
        ("Fotografin: A. Beispiel", "A. Beispiel"),
        ("© Hansestadt Gardelegen", "© Hansestadt Gardelegen"),
        ("Fotostudio Meyer", "Fotostudio Meyer"),  # a name, not a label
    ],
)
def test_a_typed_credit_label_is_dropped_the_page_says_photo_itself(world, typed, kept):
    prop = published(world.prop_a)
    photo = property_services.add_photo(
        world.editor_a, prop, camera_photo(size=(400, 300)), "Halle", credit=typed
    )
    photo.refresh_from_db()
    assert photo.credit == kept
