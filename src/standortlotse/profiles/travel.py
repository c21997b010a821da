"""Travel time by car to the cities investors ask about: an estimate, not a route.

    minutes = great-circle distance × DETOUR_FACTOR ÷ AVERAGE_SPEED_KMH × 60

The great-circle distance (haversine, geo.infrastructure.point_km) from the municipality's centre
to the city centre, times a detour factor of 1.3 (roads are rarely straight; the factor the
German transport models use for rural regions lies between 1.2 and 1.4), at an average of
80 km/h (a mix of federal road and motorway; the Altmark has the A14 only in parts). The pages
show the result rounded to 5 minutes and always labelled as an estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from standortlotse.geo.infrastructure import point_km

DETOUR_FACTOR = 1.3
AVERAGE_SPEED_KMH = 80.0
ROUND_TO_MINUTES = 5

# name, latitude, longitude of the city centre (the main station or town hall)
CITIES = (
    ("Berlin", 52.5200, 13.4050),
    ("Hamburg", 53.5511, 9.9937),
    ("Hannover", 52.3759, 9.7320),
    ("Magdeburg", 52.1205, 11.6276),
    ("Wolfsburg", 52.4227, 10.7865),
)


@dataclass(frozen=True)
class Estimate:
    city: str
    straight_km: float
    road_km: float
    minutes: int

    @property
    def label(self) -> str:
        return str(_("about %(minutes)s min") % {"minutes": self.minutes})


def road_km(straight_km: float) -> float:
    return straight_km * DETOUR_FACTOR


def minutes(straight_km: float) -> int:
    """Estimated minutes by car, rounded to 5 (at least 5)."""
    exact = road_km(straight_km) / AVERAGE_SPEED_KMH * 60
    steps = math.floor(exact / ROUND_TO_MINUTES + 0.5)  # half up: 97.5 min -> 100
    return max(ROUND_TO_MINUTES, steps * ROUND_TO_MINUTES)


def estimates(lat: float, lon: float) -> list[Estimate]:
    """The estimate to each city in ``CITIES`` from the point, in the order of the list."""
    result = []
    for name, city_lat, city_lon in CITIES:
        straight = point_km(lat, lon, city_lat, city_lon)
        result.append(
            Estimate(name, round(straight, 1), round(road_km(straight), 1), minutes(straight))
        )
    return result
