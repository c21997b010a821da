"""The publication gate (properties/publication.py): what a record needs before it goes public,
per region, and the record rule every write path meets (Property.publication_gaps/gate_errors)."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count

from standortlotse.accounts.models import Organisation
from standortlotse.properties import publication, selectors
from standortlotse.properties.models import Property, Status
from tests.factories import PropertyFactory
from tests.properties.support import add_photo, make_complete, without_photo_and_description

pytestmark = pytest.mark.django_db


def test_the_default_gate_names_what_is_missing(world):
    prop = without_photo_and_description(world.mun_a)
    assert prop.publication_gaps() == ["photo", "description"]
    assert publication.missing_text(prop.publication_gaps()) == "Foto, Beschreibung"
    add_photo(prop)
    prop.description_en = "Flat serviced plot."  # either language is a description
    assert prop.publication_gaps() == []
    prop.availability, prop.available_from = "from_date", None
    prop.area_available_m2 = 0
    assert prop.publication_gaps() == ["area_available", "availability"]


def test_each_region_chooses_its_requirements(world):
    prop = without_photo_and_description(world.mun_a)
    world.region.publish_requirements = ["price_or_request", "zoning", "exact_location"]
    world.region.save()
    prop.location_approximate = True
    assert Property.objects.get(pk=prop.pk).publication_gaps() == ["price_or_request", "zoning"]
    assert prop.publication_gaps() == ["price_or_request", "zoning", "exact_location"]
    prop.price_on_request, prop.zonings, prop.location_approximate = True, ["GI"], False
    assert prop.publication_gaps() == []
    world.region.publish_requirements = []  # no check in this region
    world.region.save()
    assert PropertyFactory(municipality=world.mun_b, status=Status.DRAFT).publication_gaps() == []
    # a municipality in no region meets the default
    outside = without_photo_and_description(world.mun_c)
    assert outside.publication_gaps() == ["photo", "description"]


def test_a_region_accepts_only_known_requirements(world):
    world.region.publish_requirements = ["photo", "horoscope"]
    with pytest.raises(ValidationError, match="horoscope"):
        world.region.full_clean()


def test_contact_is_the_named_contact_or_the_office_the_inquiry_reaches(world):
    """The contact rule (inquiries.routing.property_contact): what counts is an address an
    inquiry reaches."""
    prop = make_complete(PropertyFactory(municipality=world.mun_a, status=Status.DRAFT))
    assert "contact" not in prop.publication_gaps()
    prop.contact_email = ""
    prop.contact_name = "Frau Lehmann"  # a name alone reaches nobody
    assert prop.publication_gaps() == ["contact"]  # editor_a's office has no address
    office = Organisation.objects.get(memberships__user=world.editor_a)
    office.email = "wirtschaft@stendal.example"
    office.save()
    assert prop.publication_gaps() == []
    prop.contact_email = "nicht-gültig"  # an invalid address of its own: the office's counts
    assert prop.publication_gaps() == []


def test_the_list_reads_the_gate_once_per_municipality(world, django_assert_max_num_queries):
    Organisation.objects.filter(memberships__user=world.editor_b).update(email="gl@example.org")
    records = [without_photo_and_description(world.mun_a) for _ in range(3)]
    records += [PropertyFactory(municipality=world.mun_b, status=Status.DRAFT) for _ in range(3)]
    expected = {p.pk: p.publication_gaps() for p in records}
    listed = list(
        Property.objects.filter(pk__in=expected)
        .select_related("municipality")
        .annotate(photo_count=Count("photos"))
    )
    with django_assert_max_num_queries(12):  # per municipality: region and office, not per record
        assert selectors.publication_gaps(listed) == expected
    assert expected[records[0].pk] == ["photo", "description"]
    assert expected[records[3].pk] == ["photo", "description"]  # the office of B has an address


def test_a_published_record_may_keep_old_gaps_but_not_get_new_ones(world):
    prop = world.prop_a  # published before the gate: no photo, description or contact
    prop.title = "Umbenannt"
    prop.full_clean()  # an edit keeps its gaps
    make_complete(prop)
    prop.description_de = ""
    with pytest.raises(ValidationError) as refused:
        prop.full_clean()
    assert list(refused.value.message_dict) == ["description_de"]
    prop._gate_override = "Beschreibung kommt"  # a moderator's override (checked by the caller)
    prop.full_clean()


def test_going_public_in_one_save_needs_every_requirement(world):
    prop = without_photo_and_description(world.mun_a)
    prop.status = Status.PUBLISHED
    with pytest.raises(ValidationError) as refused:
        prop.full_clean()
    assert refused.value.message_dict == {
        "status": ["Nicht veröffentlicht – es fehlt: Foto, Beschreibung."]
    }


def test_the_refusal_names_each_field_and_summarises(world):
    refused = publication.BelowGate(["photo", "description", "contact"], hint=True)
    assert set(refused.message_dict) == {"photos", "description_de", "contact_email"}
    assert refused.summary == (
        "Nicht veröffentlicht – es fehlt: Foto, Beschreibung, Kontakt mit E-Mail-Adresse. "
        "Die Regionalmoderation kann ihn mit Begründung trotzdem veröffentlichen."
    )
    assert refused.message_dict["photos"] == ["Zum Veröffentlichen nötig: Foto."]


def test_the_override_is_kept_readably_in_the_change_reason():
    reason = publication.override_change_reason(["photo", "description"], "Fotos folgen: Mai")
    assert reason == "publish override [photo,description]: Fotos folgen: Mai"
    assert publication.parse_override(reason) == (["photo", "description"], "Fotos folgen: Mai")
    assert publication.parse_override("publish") is None


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501, "Fotos\u202efolgen"])
def test_an_override_needs_a_reason_of_plain_text(reason):
    with pytest.raises(ValidationError) as refused:
        publication.checked_reason(reason)
    assert "override_reason" in refused.value.message_dict


def test_the_gaps_known_from_the_fields_are_the_gaps_of_the_record_for_every_requirement():
    """``gaps_of`` over ``unmet_by_fields`` (what an import keeps from its preview) gives what
    ``publication_gaps`` gives, for each requirement alone and all of them, for business and
    housing kinds, with and without the fields, with and without a contact address."""
    import functools
    import itertools
    from decimal import Decimal

    from standortlotse.properties.models import Availability, Kind

    variants = []
    for kind, filled in itertools.product((Kind.HALL, Kind.HOUSE, Kind.BUILDING_PLOT), (0, 1)):
        record = Property(kind=kind, title="Objekt", lat=52.6, lon=11.8)
        if filled:
            record.description_de, record.description_en = "Halle.", "Hall."
            record.area_available_m2 = record.area_total_m2 = Decimal("1000")
            record.living_area_m2 = Decimal("120")
            record.availability = Availability.IMMEDIATELY
            record.price_on_request, record.zonings = True, ["GE"]
        else:
            record.availability, record.location_approximate = Availability.FROM_DATE, True
        variants.append(record)
    requirement_sets = [[key] for key in publication.ORDER] + [list(publication.ORDER)]
    seen = set()
    for record, required, address in itertools.product(variants, requirement_sets, ("", "a@b.de")):
        email = functools.partial(str, address)
        expected = record.publication_gaps(photo_count=0, required=required, email=email)
        unmet = publication.unmet_by_fields(record)
        got = publication.gaps_of(unmet, required, record.kind, 0, email=email)
        assert got == expected, (record.kind, required, address)
        seen.update(expected)
    # every requirement was missed by some record (and met by another: the filled ones)
    assert seen >= set(publication.ORDER) - {"area_available"} and "plot_size" in seen
