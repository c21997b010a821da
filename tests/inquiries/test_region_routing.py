"""The one routing rule across two regions in two states: a Prignitz record's inquiry reaches a
Prignitz office (its municipality's, else the district's), never an Altmark one, and back."""

import pytest
from django.urls import reverse

from standortlotse.accounts.models import Organisation
from standortlotse.guides.models import Topic
from standortlotse.inquiries import routing
from standortlotse.inquiries.models import Inquiry
from tests.factories import (
    ContactFactory,
    OrganisationFactory,
    PropertyFactory,
    RoutingRuleFactory,
)
from tests.inquiries.support import org_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def altmark_offices(world):
    """The Altmark's district office and a directory contact serving every topic there."""
    office = OrganisationFactory(
        name="Wirtschaftsförderung Landkreis Stendal",
        kind=Organisation.Kind.ECONOMIC_DEVELOPMENT,
        district=world.district_stendal,
        email="wifoe@stendal.example",
    )
    ContactFactory(
        region=world.region, organisation=office, topics=list(Topic.values), status="published"
    )
    # a rule of the Altmark for properties: it must not catch the Prignitz's
    RoutingRuleFactory(region=world.region, topic=Topic.INVESTMENT, organisation=office)
    return office


def _altmark(org) -> bool:
    return (
        (org.region_id is not None and org.region.slug == "altmark")
        or (org.district_id is not None and org.district.key.startswith("15"))
        or (org.municipality_id is not None and org.municipality.ags.startswith("15"))
    )


@pytest.mark.parametrize("topic", [Topic.PROPERTY, Topic.INVESTMENT, Topic.HOUSING, ""])
def test_a_prignitz_property_without_municipal_office_goes_to_the_prignitz_district(
    world, agency, prignitz, altmark_offices, topic
):
    in_wittenberge = PropertyFactory(title="Halle Wittenberge", municipality=prignitz.wittenberge)
    org, region = routing.route(topic=topic, property=in_wittenberge)
    assert (org, region) == (prignitz.office, prignitz.region)
    assert not _altmark(org)


def test_a_prignitz_property_with_its_municipal_office_goes_there(world, agency, prignitz):
    org, region = routing.route(topic=Topic.PROPERTY, property=prignitz.prop)
    assert org == org_of(prignitz.editor) and region == prignitz.region
    assert org.municipality == prignitz.perleberg


def test_an_altmark_property_never_goes_to_the_prignitz(world, agency, prignitz, altmark_offices):
    assert routing.route(topic=Topic.PROPERTY, property=world.prop_a)[0] == org_of(world.editor_a)
    ContactFactory(
        region=prignitz.region, organisation=prignitz.office, topics=list(Topic.values),
        status="published",
    )  # fmt: skip
    for topic in Topic.values:
        org, region = routing.route(topic=topic, property=world.prop_b)
        assert org != prignitz.office and region == world.region, topic


def test_a_prignitz_place_goes_to_the_prignitz_moderation(world, agency, prignitz):
    org, region = routing.route(topic=Topic.PLACE, place=prignitz.place)
    assert org == org_of(prignitz.moderator) and region == prignitz.region


def test_a_municipality_inquiry_in_the_prignitz(world, agency, prignitz, altmark_offices):
    org, _region = routing.route(
        topic=Topic.HOUSING, municipality=prignitz.wittenberge, region=prignitz.region
    )
    assert org == prignitz.office


def test_the_form_delivers_a_prignitz_inquiry_to_the_prignitz(
    world, agency, prignitz, altmark_offices, send
):
    in_wittenberge = PropertyFactory(title="Halle Wittenberge", municipality=prignitz.wittenberge)
    response = send(reverse("inquiries:contact_about", args=["immobilie", in_wittenberge.pk]))
    assert response.status_code == 302
    inquiry = Inquiry.objects.get(property=in_wittenberge)
    assert inquiry.recipient == prignitz.office and inquiry.region == prignitz.region
