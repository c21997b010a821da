"""PropertyPhoto and PlacePhoto share one abstract base (core.images.Photo)."""

import pytest

from standortlotse.core.images import Photo, StoredDimensions
from standortlotse.places.models import PlacePhoto
from standortlotse.properties.models import PropertyPhoto


@pytest.mark.parametrize("model", [PropertyPhoto, PlacePhoto])
def test_photo_models_share_the_base(model):
    assert issubclass(model, Photo) and issubclass(model, StoredDimensions)
    assert model._meta.ordering == ["position", "pk"]
    assert not model._meta.abstract


def _definition(model, name):
    _name, path, args, kwargs = model._meta.get_field(name).deconstruct()
    kwargs.pop("help_text", None)
    return path, args, kwargs


@pytest.mark.parametrize("name", ["alt_text", "credit", "position", "width", "height"])
def test_common_fields_are_defined_alike(name):
    assert _definition(PropertyPhoto, name) == _definition(PlacePhoto, name)


def test_image_fields_differ_only_by_folder():
    prop = PropertyPhoto._meta.get_field("image").deconstruct()[3]
    place = PlacePhoto._meta.get_field("image").deconstruct()[3]
    assert prop.pop("upload_to").folder == "properties/photos/%Y/"
    assert place.pop("upload_to").folder == "places/photos/%Y/"
    assert prop == place


def test_photo_reads_as_its_alternative_text():
    assert str(PlacePhoto(alt_text="Blick vom Turm")) == "Blick vom Turm"
    assert str(PropertyPhoto(alt_text="Halle von Süden")) == "Halle von Süden"
