"""inquiries/routing.py: who receives an inquiry, by topic, record, region and routing rule."""

import pytest

from standortlotse.accounts.models import Organisation
from standortlotse.guides.models import Topic
from standortlotse.inquiries import routing
from tests.factories import OrganisationFactory, PlaceFactory, RoutingRuleFactory
from tests.inquiries.support import org_of

pytestmark = pytest.mark.django_db


def test_property_goes_to_its_municipality(world, agency):
    org, region = routing.route(topic=Topic.PROPERTY, property=world.prop_a)
    assert org == org_of(world.editor_a) and region == world.region


def test_property_without_municipal_office_goes_to_district_office(world, agency):
    office = OrganisationFactory(
        name="Wifö Börde",
        kind=Organisation.Kind.ECONOMIC_DEVELOPMENT,
        district=world.district_other,
    )
    assert routing.route(topic=Topic.PROPERTY, property=world.prop_c)[0] == office


def test_rule_per_region_and_topic_wins(world, agency):
    chamber = OrganisationFactory(name="IHK", kind=Organisation.Kind.CHAMBER)
    RoutingRuleFactory(region=world.region, topic=Topic.PROPERTY, organisation=chamber)
    assert routing.route(topic=Topic.PROPERTY, property=world.prop_a)[0] == chamber
    assert routing.route(topic=Topic.FOUNDING, property=world.prop_a)[0] == org_of(world.editor_a)


def test_place_goes_to_region_moderation(world, agency):
    place = PlaceFactory(
        name="Ort",
        pitch="p",
        region=world.region,
        municipality=world.mun_a,
        lon=11.8,
        owner_name="o",
        status="published",
    )
    assert routing.route(topic=Topic.PLACE, place=place)[0] == org_of(world.moderator)


def test_general_inquiry_fallbacks(world, agency):
    first_agency = (
        Organisation.objects.filter(kind=Organisation.Kind.STATE_AGENCY).order_by("pk").first()
    )
    assert routing.route(topic=Topic.WORK)[0] == first_agency
    partner = OrganisationFactory(name="Netzwerk", kind=Organisation.Kind.NETWORK_PARTNER)
    RoutingRuleFactory(region=None, topic=Topic.WORK, organisation=partner)
    assert routing.route(topic=Topic.WORK)[0] == partner
