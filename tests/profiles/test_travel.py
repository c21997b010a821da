"""Travel-time estimates: great-circle distance × detour factor ÷ average speed."""

import pytest

from standortlotse.geo.infrastructure import point_km
from standortlotse.profiles import travel


def test_minutes_follow_the_documented_formula_rounded_to_five():
    # 100 km straight: 130 km of road at 80 km/h = 97.5 min -> 100 (half up to a multiple of 5)
    assert travel.minutes(100) == 100
    assert travel.minutes(90) == 90  # 117 km: 87.75 min
    assert travel.minutes(200) == 195  # 260 km / 80 km/h = 195 min
    assert travel.minutes(1) == 5  # never less than 5 minutes
    assert travel.road_km(100) == pytest.approx(130)


def test_estimates_from_stendal_to_the_five_cities():
    found = {e.city: e for e in travel.estimates(52.6, 11.86)}
    assert list(found) == ["Berlin", "Hamburg", "Hannover", "Magdeburg", "Wolfsburg"]
    magdeburg = found["Magdeburg"]
    straight = point_km(52.6, 11.86, 52.1205, 11.6276)
    assert magdeburg.straight_km == pytest.approx(straight, abs=0.05)
    assert 50 < straight < 58  # Stendal–Magdeburg is about 55 km as the crow flies
    assert magdeburg.minutes == travel.minutes(straight)
    # Berlin is farther than Magdeburg, and the estimate says so
    assert found["Berlin"].minutes > magdeburg.minutes
    assert found["Berlin"].road_km == pytest.approx(found["Berlin"].straight_km * 1.3, abs=0.1)
