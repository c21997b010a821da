"""Photo sizes are stored when a photo is saved; pages never open image files (core/images.py)."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from standortlotse.core.images import backfill, read_dimensions
from standortlotse.places.models import Place, PlacePhoto
from standortlotse.properties import services as property_services
from standortlotse.properties.models import PropertyPhoto
from tests.places.support import png, submission
from tests.properties.support import published

pytestmark = pytest.mark.django_db


def test_property_photo_size_is_stored_and_the_page_does_not_open_the_file(client, world):
    prop = published(world.prop_a)
    photo = property_services.add_photo(world.editor_a, prop, png("halle.png"), "Halle von außen")
    photo.refresh_from_db()
    assert (photo.width, photo.height) == (300, 200)
    # The file is gone (a broken volume, a deleted object): the page still renders, with the size.
    default_storage.delete(photo.image.name)
    response = client.get(reverse("properties:detail", args=[prop.pk]))
    assert response.status_code == 200
    assert 'width="300" height="200"' in response.content.decode()


def test_place_photo_size_is_stored(client, world):
    response = client.post(
        reverse("places:submit", args=["altmark"]), submission(world, photo=png(), photo_alt="Foto")
    )
    assert response.status_code == 302
    photo = PlacePhoto.objects.get()
    assert (photo.width, photo.height) == (300, 200)
    place = Place.objects.get()
    place.status = "published"
    place.save()
    default_storage.delete(photo.image.name)
    page = client.get(reverse("places:detail", args=[place.pk]))
    assert page.status_code == 200 and 'width="300" height="200"' in page.content.decode()


def test_unknown_size_leaves_the_attributes_out(client, world):
    prop = published(world.prop_a)
    photo = property_services.add_photo(world.editor_a, prop, png("halle.png"), "Halle")
    PropertyPhoto.objects.filter(pk=photo.pk).update(width=None, height=None)
    page = client.get(reverse("properties:detail", args=[prop.pk])).content.decode()
    assert photo.image.url in page and 'width="None"' not in page and 'width=""' not in page


def test_backfill_reads_existing_files_and_skips_missing_ones(world):
    prop = published(world.prop_a)
    kept = property_services.add_photo(world.editor_a, prop, png("a.png"), "A")
    lost = property_services.add_photo(world.editor_a, prop, png("b.png"), "B")
    PropertyPhoto.objects.update(width=None, height=None)
    default_storage.delete(lost.image.name)
    backfill(PropertyPhoto)
    assert list(PropertyPhoto.objects.values_list("pk", "width", "height").order_by("pk")) == [
        (kept.pk, 300, 200),
        (lost.pk, None, None),
    ]


def test_read_dimensions_of_a_missing_file_is_none(world):
    photo = PropertyPhoto(property=world.prop_a, alt_text="x")
    photo.image.name = "properties/photos/2026/gibt-es-nicht.jpg"
    assert read_dimensions(photo.image) == (None, None)
