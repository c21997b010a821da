"""guides/services.py: the guides of a cell of the guided entry and their fallback, the directory's
nearest contact, and the responsible office the overview shows (the inquiry routing's answer)."""

import pytest

from standortlotse.accounts.models import Organisation
from standortlotse.guides import services
from standortlotse.guides.models import Contact, Guide, Status
from standortlotse.inquiries import routing
from tests.factories import OrganisationFactory, RoutingRuleFactory
from tests.inquiries.support import org_of

pytestmark = pytest.mark.django_db


def guide(world, slug, theme, audiences, *, status=Status.PUBLISHED, english=True):
    return Guide.objects.create(
        region=world.region,
        slug=slug,
        theme=theme,
        audiences=audiences,
        title_de=f"Ratgeber {slug}",
        title_en=f"Guide {slug}" if english else "",
        body_de="Text.",
        body_en="Text." if english else "",
        status=status,
    )


def contact(world, name, topics, *, districts=(), municipalities=(), kind=None):
    organisation = OrganisationFactory(
        name=name, kind=kind or Organisation.Kind.NETWORK_PARTNER, region=world.region
    )
    entry = Contact.objects.create(region=world.region, organisation=organisation, topics=topics)
    entry.districts.set(districts)
    entry.municipalities.set(municipalities)
    return entry


# --- the guides of a cell ----------------------------------------------------------------------


def test_guides_written_for_the_cell_come_first(world):
    own = guide(world, "neu-hier", "work", ["newcomer"])
    guide(world, "allgemein", "work", [])
    guide(world, "gruenden", "work", ["founder"])
    guide(world, "entwurf", "work", ["newcomer"], status=Status.DRAFT)
    assert services.cell_guides(world.region, "newcomer", "work") == ([own], services.FOR_THE_CELL)


def test_a_cell_without_its_own_guide_falls_back_to_the_themes_general_guides(world):
    general = guide(world, "allgemein", "life", [])
    guide(world, "gruenden", "life", ["founder"])
    guide(world, "arbeit", "work", ["investor"])
    assert services.cell_guides(world.region, "investor", "life") == ([general], services.GENERAL)


def test_then_to_the_themes_guides_for_other_audiences(world):
    founders = guide(world, "gruenden", "housing", ["founder"])
    assert services.cell_guides(world.region, "stayer", "housing") == (
        [founders],
        services.OTHER_AUDIENCES,
    )


def test_a_theme_without_any_guide_is_said_to_have_none(world):
    guide(world, "entwurf", "housing", ["stayer"], status=Status.DRAFT)
    assert services.cell_guides(world.region, "stayer", "housing") == ([], services.NOTHING)


def test_a_guide_without_its_english_text_is_not_written_in_english(world):
    german = guide(world, "nur-deutsch", "work", ["returner"], english=False)
    assert services.has_text(german, "de") and not services.has_text(german, "en")


@pytest.mark.parametrize(
    ("audience", "theme", "topic"),
    [
        ("founder", "work", "founding"),
        ("investor", "work", "investment"),
        ("founder", "housing", "housing"),
        ("investor", "life", "life"),
        ("returner", "work", "work"),
    ],
)
def test_cell_topic(audience, theme, topic):
    assert services.cell_topic(audience, theme) == topic


# --- the directory's nearest contact and the responsible office --------------------------------


def test_directory_lists_the_municipalitys_contact_then_the_districts_then_the_regions(world):
    region_wide = contact(world, "A Netzwerk", ["housing"])
    district = contact(world, "B Landkreis", ["housing"], districts=[world.district_stendal])
    town = contact(world, "C Stadt", ["housing"], municipalities=[world.mun_a])
    contact(world, "D Nachbarkreis", ["housing"], districts=[world.district_salzwedel])
    found = services.contacts_for(world.region, world.mun_a, ["housing"])
    assert found == [town, district, region_wide]
    # Without a municipality, for a district: its own contact before the region's.
    assert services.contacts_for(world.region, None, ["housing"], world.district_stendal) == [
        district,
        region_wide,
    ]


def test_responsible_is_the_municipalitys_contact(world):
    town = contact(world, "Bauamt", ["housing"], municipalities=[world.mun_a])
    contact(world, "Landkreis", ["housing"], districts=[world.district_stendal])
    office = services.responsible(world.region, "housing", world.mun_a)
    assert (office.contact, office.level) == (town, services.MUNICIPALITY)
    assert (
        office.organisation
        == routing.route(topic="housing", municipality=world.mun_a, region=world.region)[0]
    )


def test_responsible_is_the_districts_contact_when_the_municipality_has_none(world):
    contact(world, "Bauamt Stendal", ["housing"], municipalities=[world.mun_a])
    district = contact(world, "Landkreis", ["housing"], districts=[world.district_salzwedel])
    contact(world, "Netzwerk", ["housing"])
    office = services.responsible(world.region, "housing", world.mun_b)
    assert (office.contact, office.level) == (district, services.DISTRICT)
    assert office.district == world.district_salzwedel


def test_without_a_directory_entry_the_municipal_office_answers(world):
    """No contact for the topic at all: the routing names the municipality's own office (the
    editors' organisation), shown without a directory entry."""
    office = services.responsible(world.region, "life", world.mun_a)
    assert office.organisation == org_of(world.editor_a)
    assert (office.contact, office.level) == (None, services.MUNICIPALITY)


def test_without_a_municipal_office_the_districts_office_answers(world):
    wifo = OrganisationFactory(
        name="Wifö Salzwedel",
        kind=Organisation.Kind.ECONOMIC_DEVELOPMENT,
        district=world.district_salzwedel,
    )
    office = services.responsible(world.region, "life", district=world.district_salzwedel)
    assert (office.organisation, office.contact, office.level) == (wifo, None, services.DISTRICT)


def test_a_routing_rule_of_the_region_decides_as_it_does_for_inquiries(world):
    contact(world, "Bauamt", ["housing"], municipalities=[world.mun_a])
    chamber = contact(world, "IHK", ["founding", "housing"])
    RoutingRuleFactory(region=world.region, topic="housing", organisation=chamber.organisation)
    office = services.responsible(world.region, "housing", world.mun_a)
    assert (office.organisation, office.contact, office.level) == (
        chamber.organisation,
        chamber,
        services.REGION,
    )


def test_overview_without_municipality_shows_each_districts_office(world):
    stendal = contact(world, "Landkreis Stendal", ["work"], districts=[world.district_stendal])
    salzwedel = contact(world, "Altmarkkreis", ["work"], districts=[world.district_salzwedel])
    town = contact(world, "Stadt", ["work"], municipalities=[world.mun_a])
    network = contact(world, "Netzwerk", ["work"])
    result = services.overview("returner", "work", None)
    assert [o.contact for o in result.district_offices] == [salzwedel, stendal]
    # Further help: the partners for the whole region, not a town's own contact.
    assert result.contacts == [network] and town not in result.contacts
