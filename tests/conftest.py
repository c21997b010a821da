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

    class World:
        pass

    w = World()
    w.district_stendal = DistrictFactory(name="Landkreis Stendal", key="15090")
    w.district_salzwedel = DistrictFactory(name="Altmarkkreis Salzwedel", key="15081")
    w.district_other = DistrictFactory(name="Landkreis Börde", key="15083")
    w.region = RegionFactory(
        name="Altmark", slug="altmark", districts=[w.district_stendal, w.district_salzwedel]
    )
    w.mun_a = MunicipalityFactory(
        name="Stendal", ags="15090535", district=w.district_stendal, lat=52.6, lon=11.86
    )
    w.mun_b = MunicipalityFactory(
        name="Gardelegen", ags="15081135", district=w.district_salzwedel, lat=52.53, lon=11.39
    )
    w.mun_c = MunicipalityFactory(
        name="Haldensleben", ags="15083270", district=w.district_other, lat=52.29, lon=11.41
    )
    w.editor_a = member(Role.MUNICIPAL_EDITOR, municipality=w.mun_a, username="editor_a")
    w.editor_b = member(Role.MUNICIPAL_EDITOR, municipality=w.mun_b, username="editor_b")
    w.moderator = member(Role.REGIONAL_MODERATOR, region=w.region, username="moderator")
    w.state_admin = member(Role.STATE_ADMIN, username="state_admin")
    w.prop_a = PropertyFactory(title="Gewerbepark Stendal Nord", municipality=w.mun_a)
    w.prop_b = PropertyFactory(title="Halle Gardelegen", municipality=w.mun_b, kind="hall")
    w.prop_c = PropertyFactory(title="Fläche Haldensleben", municipality=w.mun_c)
    return w
