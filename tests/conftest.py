"""Fixtures shared by the test suite: a small two-district world with users of every role."""

import shutil
import tempfile

import pytest
from django.core.cache import cache
from django.utils import translation

from standortlotse.accounts.models import Membership
from tests.factories import (
    DistrictFactory,
    MunicipalityFactory,
    PropertyFactory,
    RegionFactory,
    make_world,
    member,
)

Role = Membership.Role


@pytest.fixture(autouse=True)
def _german_by_default():
    # A request under /en/ leaves English active in the thread; reverse() would then add /en/.
    translation.activate("de")
    yield
    translation.activate("de")


@pytest.fixture(autouse=True)
def _media_root(settings):
    # The fixed test settings (hasher, tasks, cache backend) are in tests/settings.py; what must be
    # fresh for every test is set here.
    cache.clear()  # rate-limit counters must not leak between tests
    path = tempfile.mkdtemp(prefix="standortlotse-media-")
    private = tempfile.mkdtemp(prefix="standortlotse-private-")
    settings.MEDIA_ROOT = path
    settings.PRIVATE_ROOT = private
    yield path
    shutil.rmtree(path, ignore_errors=True)
    shutil.rmtree(private, ignore_errors=True)


@pytest.fixture
def world(db):
    """Region Altmark with districts Stendal and Salzwedel, a third district outside it,
    municipalities A (Stendal), B (Gardelegen) inside and C outside, users of every role and
    one published property per municipality."""
    return make_world()


@pytest.fixture
def prignitz(world):
    """A second region in another state beside ``world``'s Altmark: Landkreis Prignitz
    (Brandenburg) with Perleberg and Wittenberge, a municipal editor of Perleberg, a regional
    moderator of the Prignitz, the district's economic development office, and one published
    property and one published place in Perleberg."""
    from django.utils import timezone

    from standortlotse.accounts.models import Organisation
    from standortlotse.places.models import Status as PlaceStatus
    from tests.factories import OrganisationFactory, PlaceFactory, StateFactory

    class Prignitz:
        pass

    p = Prignitz()
    p.state = StateFactory(name="Brandenburg", code="12")
    p.district = DistrictFactory(name="Landkreis Prignitz", key="12070", state=p.state)
    p.region = RegionFactory(name="Prignitz", slug="prignitz", districts=[p.district])
    p.perleberg = MunicipalityFactory(
        name="Perleberg", ags="12070296", district=p.district, lat=53.07, lon=11.87
    )
    p.wittenberge = MunicipalityFactory(
        name="Wittenberge", ags="12070424", district=p.district, lat=53.0, lon=11.75
    )
    p.editor = member(Role.MUNICIPAL_EDITOR, municipality=p.perleberg, username="editor_perleberg")
    p.moderator = member(Role.REGIONAL_MODERATOR, region=p.region, username="moderator_prignitz")
    p.office = OrganisationFactory(
        name="Wirtschaftsförderung Prignitz",
        kind=Organisation.Kind.ECONOMIC_DEVELOPMENT,
        district=p.district,
        email="wirtschaft@prignitz.example",
    )
    p.prop = PropertyFactory(title="Gewerbegebiet Perleberg Süd", municipality=p.perleberg)
    p.place = PlaceFactory(
        name="Elbe-Werkstatt Perleberg",
        region=p.region,
        municipality=p.perleberg,
        status=PlaceStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    return p
