"""core/fields.py: the list-of-choices field (several zonings) and its ``overlaps`` lookup."""

import pytest
from django.core.exceptions import ValidationError

from standortlotse.core.fields import ChoiceListField, ChoiceListFormField
from standortlotse.properties.models import Property, Zoning
from tests.factories import PropertyFactory

pytestmark = pytest.mark.django_db


def _field() -> ChoiceListField:
    field = Property._meta.get_field("zonings")
    assert isinstance(field, ChoiceListField)
    return field


def test_the_model_field_keeps_each_value_once_in_the_order_of_the_choices(world):
    assert _field().clean(["GI", "GE", "GI"], None) == ["GE", "GI"]
    assert _field().clean("", None) == []
    # Saving orders them too (writes that skip full_clean: services, demo data).
    prop = PropertyFactory(municipality=world.mun_a, zonings=["SO", "GI", "GE"])
    prop.refresh_from_db()
    assert prop.zonings == ["GE", "GI", "SO"] and prop.zoning == "GE"


def test_an_unknown_value_is_named_with_the_accepted_ones():
    with pytest.raises(ValidationError) as error:
        _field().clean(["GE", "XY"], None)
    message = " ".join(error.value.messages)
    assert "XY" in message and "GE, GI, MI, SO, WA, none" in message and "“GE”" not in message
    with pytest.raises(ValidationError):
        _field().clean({"GE": True}, None)


def test_the_form_field_is_a_checkbox_group_naming_unknown_values():
    form_field = _field().formfield()
    assert isinstance(form_field, ChoiceListFormField) and not form_field.required
    assert form_field.widget.input_type == "checkbox" and form_field.widget.allow_multiple_selected
    assert form_field.clean(["GE", "GI"]) == ["GE", "GI"]
    with pytest.raises(ValidationError, match="XY.*GE, GI, MI, SO, WA, none"):
        form_field.clean(["XY"])


def test_migrations_see_djangos_json_field():
    _name, path, _args, kwargs = _field().deconstruct()
    assert path == "django.db.models.JSONField" and "item_choices" not in kwargs


def test_overlaps_finds_records_with_any_of_the_values(world):
    both = PropertyFactory(municipality=world.mun_a, zonings=[Zoning.GE, Zoning.GI])
    only_mi = PropertyFactory(municipality=world.mun_a, zonings=[Zoning.MI])

    def found(values):
        return set(Property.objects.filter(zonings__overlaps=values).values_list("pk", flat=True))

    assert found(["GI"]) == {both.pk}
    assert found(["GE"]) == {both.pk}
    assert found(["MI", "GI"]) == {both.pk, only_mi.pk}
    assert found(["SO"]) == set()
    assert found([]) == set()
    # Not a substring match: "G" is no zoning of either record.
    assert found(["G"]) == set()
