"""geo.infrastructure.nearest_many: the batch computation finds what a loop over the features
with the scalar formulas (point_km, segment_km) finds, point by point (feature and distance),
including points outside every data set, and features both of two overlapping data sets list."""

import itertools
import random

import pytest

from standortlotse.geo import infrastructure
from standortlotse.geo.services import load_shipped_infrastructure, load_shipped_regions
from standortlotse.properties import facts

pytestmark = pytest.mark.django_db


def _reference(index, kind, lat, lon, where):
    """The nearest feature by a plain loop over the features (the search before numpy)."""
    covering = {d.id for d in index.covering(lat, lon)}
    best = None
    for feature in index.features.get(kind, ()):
        if feature.dataset not in covering or (where is not None and not where(feature)):
            continue
        if feature.is_line:
            km = min(
                infrastructure.segment_km(lat, lon, a, b)
                for a, b in itertools.pairwise(feature.points)
            )
        else:
            km = infrastructure.point_km(lat, lon, *feature.points[0])
        if best is None or km < best[1]:
            best = (feature, km)
    return best


def test_batch_equals_one_point_at_a_time():
    load_shipped_regions()
    load_shipped_infrastructure()
    index = infrastructure.current_index()
    rnd = random.Random(3)
    points = [(52.3 + rnd.random() * 0.8, 10.9 + rnd.random() * 1.4) for _ in range(300)]
    points.append((60.0, 5.0))  # outside the data: nothing
    for spec in facts.FACTS.values():
        if not spec.kind:
            continue
        where = facts.FILTERS.get(spec.key)
        batch = infrastructure.nearest_many(index, spec.kind, points, where)
        for (lat, lon), found in zip(points, batch, strict=True):
            single = _reference(index, spec.kind, lat, lon, where)
            assert (found is None) == (single is None), (spec.key, lat, lon)
            if single is not None:
                if found.feature.id != single[0].id:
                    # a tie: the same line or point in two data sets that overlap (the
                    # Altmark's and the Prignitz's share the Berlin–Hamburg line near Wittenberge)
                    assert found.feature.dataset != single[0].dataset, (spec.key, lat, lon)
                    assert set(found.feature.points) & set(single[0].points), (spec.key, lat, lon)
                assert found.km == pytest.approx(single[1], abs=1e-9)
    assert batch[-1] is None


def test_primed_points_compute_the_same_facts():
    load_shipped_regions()
    load_shipped_infrastructure()
    index = infrastructure.current_index()
    points = [(52.6, 11.86), (52.53, 11.4), (52.85, 11.15)]
    plain = [facts.compute(lat, lon, index=index) for lat, lon in points]
    facts._primed.clear()
    facts.prime(points, index=index)
    assert all((index.version, lat, lon) in facts._primed for lat, lon in points)
    assert [facts.compute(lat, lon, index=index) for lat, lon in points] == plain
