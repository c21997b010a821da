from datetime import date
from decimal import Decimal

import pytest

from standortlotse.profiles.models import DEMO_SOURCE, Figure, Key

OFFICIAL = "Statistisches Landesamt Sachsen-Anhalt, Tabelle 12411-0015"


@pytest.fixture
def figures(world):
    """Stendal: official population (two years) and trade tax; Gardelegen: demo figures."""
    a, b = world.mun_a, world.mun_b
    rows = [
        Figure(
            municipality=a,
            key=Key.POPULATION,
            value=Decimal(39127),
            as_of=date(2023, 12, 31),
            source=OFFICIAL,
            source_url="https://statistik.sachsen-anhalt.de/",
        ),
        Figure(
            municipality=a,
            key=Key.POPULATION,
            value=Decimal(39413),
            as_of=date(2022, 12, 31),
            source=OFFICIAL,
        ),
        Figure(
            municipality=a,
            key=Key.TRADE_TAX_RATE,
            value=Decimal(400),
            as_of=date(2023, 12, 31),
            source="Regionalstatistik 71231-01-03-5",
        ),
        Figure(
            municipality=a,
            key=Key.AGE_65_PLUS,
            value=Decimal("29.4"),
            as_of=date(2023, 12, 31),
            source=OFFICIAL,
        ),
        Figure(
            municipality=b,
            key=Key.POPULATION,
            value=Decimal(22095),
            as_of=date(2023, 12, 31),
            source=DEMO_SOURCE,
            is_demo=True,
        ),
        Figure(
            municipality=b,
            key=Key.POPULATION,
            value=Decimal(22301),
            as_of=date(2022, 12, 31),
            source=DEMO_SOURCE,
            is_demo=True,
        ),
        Figure(
            municipality=b,
            key=Key.TRADE_TAX_RATE,
            value=Decimal(380),
            as_of=date(2023, 12, 31),
            source=DEMO_SOURCE,
            is_demo=True,
        ),
    ]
    for figure in rows:
        figure.full_clean()
        figure.save()
    return rows
