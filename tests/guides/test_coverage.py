"""guides/coverage.py and `manage.py guides_gaps`: the audience × theme cells without a guide of
their own per language, and the districts without a contact of their own for a cell's topic; the
back office shows them to the region's moderators."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from standortlotse.accounts.models import Organisation
from standortlotse.guides import coverage
from standortlotse.guides.models import Audience, Contact, Guide, Status, Theme
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

CELLS = len(Audience.values) * len(Theme.values)


def guide(world, slug, theme, audiences, *, english=True, status=Status.PUBLISHED):
    return Guide.objects.create(
        region=world.region,
        slug=slug,
        theme=theme,
        audiences=audiences,
        title_de="Titel",
        title_en="Title" if english else "",
        body_de="Text.",
        body_en="Text." if english else "",
        status=status,
    )


def gaps(world):
    return {(g.audience, g.theme, g.language) for g in coverage.cell_gaps([world.region])}


def test_every_cell_is_a_gap_without_guides(world):
    assert len(gaps(world)) == CELLS * 2


def test_a_guide_fills_its_cells_in_the_languages_it_is_written_in(world):
    guide(world, "zurueck", "work", ["returner", "stayer"], english=False)
    guide(world, "gruenden", "housing", ["founder"])
    found = gaps(world)
    assert ("returner", "work", "de") not in found and ("stayer", "work", "de") not in found
    assert ("returner", "work", "en") in found  # German only
    assert not {("founder", "housing", "de"), ("founder", "housing", "en")} & found
    assert len(found) == CELLS * 2 - 4


def test_general_guides_and_drafts_fill_no_cell(world):
    guide(world, "allgemein", "life", [])
    guide(world, "entwurf", "life", ["investor"], status=Status.DRAFT)
    assert len(gaps(world)) == CELLS * 2


def district_contact(world, district, topics):
    organisation = OrganisationFactory(
        kind=Organisation.Kind.ECONOMIC_DEVELOPMENT, district=district, region=world.region
    )
    entry = Contact.objects.create(region=world.region, organisation=organisation, topics=topics)
    entry.districts.set([district])
    return entry


def test_contact_gaps_are_the_district_topics_answered_for_the_whole_region_only(world):
    Contact.objects.create(
        region=world.region,
        organisation=OrganisationFactory(kind=Organisation.Kind.NETWORK_PARTNER),
        topics=coverage.cell_topics(),
    )
    district_contact(world, world.district_stendal, coverage.cell_topics())
    district_contact(world, world.district_salzwedel, ["work", "housing", "life"])
    found = {(g.district.key, g.topic) for g in coverage.contact_gaps([world.region])}
    assert found == {("15081", "founding"), ("15081", "investment")}


def test_command_lists_the_gaps_and_fails_with_strict(world):
    guide(world, "zurueck", "work", ["returner"])
    out = StringIO()
    call_command("guides_gaps", "--region", "altmark", stdout=out)
    text = out.getvalue()
    assert "no guide: altmark: stayer × work [de]" in text
    assert "altmark: returner × work" not in text
    assert f"{CELLS * 2 - 2} cells without a guide" in text
    assert "no contact of the district: altmark: Landkreis Stendal – founding" in text
    with pytest.raises(CommandError):
        call_command("guides_gaps", "--strict", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("guides_gaps", "--region", "nirgendwo", stdout=StringIO())


def test_moderators_see_the_gaps_in_the_back_office(client, world):
    guide(world, "zurueck", "work", ["returner"], english=False)
    client.force_login(world.moderator)
    page = client.get(reverse("guides:editor_list")).content.decode()
    assert "Lücken im Lotsen" in page
    assert "Altmark: „Ich komme zurück“ · Arbeit – kein Ratgeber auf Englisch" in page
    assert "Altmark: „Ich bleibe“ · Arbeit – kein Ratgeber auf Deutsch, Englisch" in page
    assert "Altmark: Landkreis Stendal – keine eigene Ansprechstelle für" in page
    client.force_login(world.editor_a)  # edits no guides: sees no gaps
    assert "Lücken im Lotsen" not in client.get(reverse("guides:editor_list")).content.decode()
