"""Coordinates in table columns: WGS84 degrees, UTM 32/33, Gauß-Krüger 3–5 (DHDN and 42/83).

Expected values are computed independently with pyproj from known WGS84 points of the Altmark."""

import pytest
from pyproj import Transformer

from standortlotse.core.tabular import coordinates as c
from standortlotse.core.tabular.values import BadValue

TANGERMUENDE = (52.5406, 11.9697)
STENDAL = (52.6058, 11.8594)
SALZWEDEL = (52.8529, 11.1523)


def project(epsg, point):
    lat, lon = point
    return Transformer.from_crs(4326, epsg, always_xy=True).transform(lon, lat)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("52.6145", (52.6145, "")),
        ("52,6145", (52.6145, "")),
        ("52°36'52.2\"N", (52 + 36 / 60 + 52.2 / 3600, "lat")),
        ("52 36 52,2", (52 + 36 / 60 + 52.2 / 3600, "")),
        ("11°51'20,5\" O", (11 + 51 / 60 + 20.5 / 3600, "lon")),
        (11.97, (11.97, "")),
    ],
)
def test_degrees(raw, expected):
    value, axis = c.parse_degrees(raw)
    assert value == pytest.approx(expected[0], abs=1e-9)
    assert axis == expected[1]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("612345,67", (612345.67, 0)),
        ("612.345,67", (612345.67, 0)),
        ("5 823 456", (5823456.0, 0)),
        ("33 612345,67", (612345.67, 33)),
        ("33612345", (612345.0, 33)),
        (5823456.0, (5823456.0, 0)),
    ],
)
def test_metres(raw, expected):
    value, zone = c.parse_metres(raw)
    assert value == pytest.approx(expected[0])
    assert zone == expected[1]


@pytest.mark.parametrize("bad", ["viel", "52°99'", "abc 123"])
def test_bad_values_are_refused(bad):
    with pytest.raises(BadValue):
        c.parse_degrees(bad)


@pytest.mark.parametrize(
    ("key", "epsg", "point"),
    [
        ("utm33", 25833, TANGERMUENDE),
        ("utm32", 25832, STENDAL),
        ("utm32", 25832, SALZWEDEL),
        ("gk4_4283", 2398, TANGERMUENDE),
        ("gk4_dhdn", 31468, STENDAL),
        ("gk3_dhdn", 31467, SALZWEDEL),
        ("gk5_4283", 2399, STENDAL),
    ],
)
def test_projected_points_come_back_within_a_metre(key, epsg, point):
    x, y = project(epsg, point)
    lat, lon = c.to_wgs84(key, f"{x:.2f}".replace(".", ","), round(y, 2))
    assert c.distance_km(lat, lon, *point) < 0.001


def test_utm_zone_in_front_of_the_easting_is_read():
    x, y = project(25833, TANGERMUENDE)
    assert c.detect([(f"33 {x:.2f}", y)]) == ["utm33"]
    assert c.detect([(f"33{int(x)}", y)]) == ["utm33"]
    lat, lon = c.to_wgs84("utm32", f"33 {x:.2f}", y)  # the written zone wins
    assert c.distance_km(lat, lon, *TANGERMUENDE) < 0.001


def test_detection_from_the_column_values():
    x, y = project(25832, STENDAL)
    assert c.detect([(x, y)]) == ["utm32", "utm33"]
    gx, gy = project(2398, TANGERMUENDE)
    assert c.detect([(gx, gy), ("", "")]) == ["gk4_4283", "gk4_dhdn"]
    assert c.detect([(gy, gx)]) == ["gk4_4283", "gk4_dhdn"]  # swapped pair still counts
    assert c.detect([("11,97", "52,54")]) == ["wgs84"]


def test_swapped_degrees_by_letter_and_datum_difference():
    lat, lon = c.to_wgs84("wgs84", "52°32'N", "11°58'E")
    assert (round(lat, 2), round(lon, 2)) == (52.53, 11.97)
    gx, gy = project(2398, TANGERMUENDE)
    dhdn = c.to_wgs84("gk4_dhdn", gx, gy)
    assert 0.3 < c.distance_km(*dhdn, *TANGERMUENDE) < 1.0  # the wrong datum is ~600 m off


def test_out_of_range_values_name_the_value():
    with pytest.raises(BadValue, match="4498068"):
        c.to_wgs84("utm33", "4498068", "5822990")
    with pytest.raises(BadValue, match="123"):
        c.to_wgs84("utm33", "612345", "123")
