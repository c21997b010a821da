"""Fixtures of the investor-service tests: crafted properties to match against, one case."""

from decimal import Decimal

import pytest

from standortlotse.properties.models import Property, Status
from tests.factories import CaseFactory, PropertyFactory


@pytest.fixture
def crafted(world):
    Property.objects.all().delete()
    common = {
        "municipality": world.mun_a,
        "kind": "plot",
        "zonings": ["GI"],
        "availability": "immediately",
    }
    return {
        "rail": PropertyFactory(
            title="Mit Gleis",
            rail_siding="yes",
            area_available_m2=60_000,
            funding_area=True,
            electricity_mw=Decimal("10"),
            **common,
        ),
        "rail_small": PropertyFactory(
            title="Gleis klein",
            rail_siding="yes",
            area_available_m2=32_000,
            funding_area=False,
            electricity_mw=Decimal("10"),
            **common,
        ),
        "no_rail": PropertyFactory(
            title="Ohne Gleis",
            rail_siding="no",
            area_available_m2=80_000,
            funding_area=True,
            electricity_mw=Decimal("20"),
            **common,
        ),
        "possible": PropertyFactory(
            title="Gleis möglich",
            rail_siding="possible",
            area_available_m2=50_000,
            funding_area=False,
            electricity_mw=Decimal("2"),
            **common,
        ),
        "sold": PropertyFactory(
            title="Verkauft",
            rail_siding="yes",
            area_available_m2=90_000,
            funding_area=True,
            **{**common, "availability": "sold"},
        ),
        "hall": PropertyFactory(
            title="Halle",
            rail_siding="yes",
            area_available_m2=60_000,
            funding_area=True,
            **{**common, "kind": "hall"},
        ),
        "draft": PropertyFactory(
            title="Entwurf",
            rail_siding="yes",
            area_available_m2=60_000,
            status=Status.DRAFT,
            **common,
        ),
    }


@pytest.fixture
def case(world):
    owner = world.state_admin.memberships.get().organisation
    return CaseFactory(company="Geheim AG", owner=owner, confidential=True, sector="Batterien")
