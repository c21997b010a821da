"""The infrastructure reference data (geo/infrastructure.py): distances, the data set file and its
management command, and the shipped Altmark data."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from standortlotse.geo import infrastructure
from standortlotse.geo.models import InfrastructureDataset, InfrastructureFeature, Municipality

FIXTURE = Path(__file__).parent / "fixtures" / "mini-infrastructure.geojson"
SHIPPED = infrastructure.SHIPPED_DIR / "altmark.geojson"
SHIPPED_PRIGNITZ = infrastructure.SHIPPED_DIR / "prignitz.geojson"


def run(*args) -> str:
    out = StringIO()
    call_command("load_infrastructure", *args, stdout=out)
    return out.getvalue()


# --- distances ---------------------------------------------------------------------------------


def test_known_distances():
    assert infrastructure.point_km(52.5, 11.8, 52.5, 11.8) == 0
    # one degree of latitude is 111.2 km
    assert infrastructure.point_km(52.0, 11.0, 53.0, 11.0) == pytest.approx(111.2, abs=0.1)
    # Stendal Hbf – Magdeburg Hbf (DB positions): about 52 km as the crow flies
    stendal, magdeburg = (52.594723, 11.854412), (52.130349, 11.626891)
    assert infrastructure.point_km(*stendal, *magdeburg) == pytest.approx(53.8, abs=0.5)


def test_distance_to_a_line_is_to_its_nearest_point():
    a, b = (52.6, 11.7), (52.6, 12.0)
    assert infrastructure.segment_km(52.6, 11.85, a, b) == pytest.approx(0, abs=0.001)
    # 0.1° north of the line's middle: 11.1 km, not the distance to an end
    assert infrastructure.segment_km(52.7, 11.85, a, b) == pytest.approx(11.12, abs=0.05)
    # beyond its east end: the distance to that end
    beyond = infrastructure.segment_km(52.6, 12.1, a, b)
    assert beyond == pytest.approx(infrastructure.point_km(52.6, 12.1, 52.6, 12.0), rel=0.01)


# --- the file and the command ---------------------------------------------------------------------


@pytest.mark.django_db
def test_command_loads_and_replaces_a_data_set_by_its_key():
    out = run(str(FIXTURE))
    assert "Loaded 'test-mini'" in out and "9 features" in out
    dataset = InfrastructureDataset.objects.get(key="test-mini")
    assert dataset.as_of.isoformat() == "2025-01-31" and dataset.coverage == [
        11.0,
        52.2,
        12.5,
        53.0,
    ]
    assert dataset.metadata == {"road_factor": 1.3}
    station = InfrastructureFeature.objects.get(name="Stendal Hbf")
    assert station.properties == {
        "service": "long_distance",
        "source": "DB StaDa",
        "verified": True,
    }
    # loading again replaces, never doubles
    run(str(FIXTURE))
    assert InfrastructureFeature.objects.filter(dataset__key="test-mini").count() == 9
    index = infrastructure.current_index()
    found = infrastructure.nearest(index, "junction", 52.5, 11.8)
    assert found.feature.name == "Testdorf" and found.km == 0
    # outside the coverage nothing is near
    assert infrastructure.nearest(index, "junction", 48.1, 11.6) is None


@pytest.mark.django_db
def test_check_only_and_remove(tmp_path):
    assert "valid" in run("--check", str(FIXTURE))
    assert not InfrastructureDataset.objects.exists()
    run(str(FIXTURE))
    assert "Removed the data set 'test-mini'" in run("--remove", "test-mini", "--no-recompute")
    assert not InfrastructureFeature.objects.exists()
    with pytest.raises(CommandError, match="No data set with the key 'nope'"):
        run("--remove", "nope")


@pytest.mark.django_db
def test_a_broken_file_is_refused_whole_with_every_problem_named(tmp_path):
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    data["metadata"].pop("as_of")
    data["features"][0]["properties"]["refs"] = []
    data["features"][3]["properties"]["service"] = "express"
    data["features"][2]["geometry"] = {"type": "Point", "coordinates": [11.7, 52.6]}
    path = tmp_path / "broken.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run(str(path))
    message = str(error.value)
    assert "metadata.as_of is missing" in message
    assert "feature 1 (Testdorf): a junction needs its motorway in refs" in message
    assert "feature 3 (B 188): a federal_road needs a LineString" in message
    assert "feature 4 (Stendal Hbf): service must be one of" in message
    assert not InfrastructureDataset.objects.exists()


# --- the shipped Altmark data -----------------------------------------------------------------------


@pytest.mark.parametrize("path", [SHIPPED, SHIPPED_PRIGNITZ], ids=["altmark", "prignitz"])
def test_shipped_data_is_valid_and_names_a_source_for_every_feature(path):
    data = infrastructure.read_dataset(path)
    meta = data["metadata"]
    assert meta["as_of"] and meta["licence"] and "verified" in meta["source"]
    for feature in data["features"]:
        props = feature["properties"]
        assert props["source"].strip() and isinstance(props["verified"], bool), props["name"]
    kinds = {f["properties"]["kind"] for f in data["features"]}
    # every transport kind; no Kitas and schools (no checked open data set was at hand: the
    # housing facts of these kinds are entered, docs/location-facts.md)
    assert kinds == set(InfrastructureFeature.Kind.values) - {"kita", "school"}
    # the stations from DB's StaDa are verified; the few of other operators name theirs
    for f in data["features"]:
        props = f["properties"]
        if props["kind"] == "station" and not props["verified"]:
            assert "not a DB station" in props["note"], props["name"]


def test_shipped_altmark_junctions_follow_the_a14_extension():
    data = infrastructure.read_dataset(SHIPPED)
    junctions = {
        f["properties"]["name"]: f["properties"]
        for f in data["features"]
        if f["properties"]["kind"] == "junction"
    }
    # the A 14 extension as built (October 2025): Osterburg is not open, Lüderitz is
    assert junctions["Lüderitz"]["status"] == "open"
    assert junctions["Osterburg"]["status"] == "planned"
    assert junctions["Stendal-Süd"]["status"] == "under_construction"
    # the DB station positions are verified
    stations = [f for f in data["features"] if f["properties"]["kind"] == "station"]
    assert stations and all(f["properties"]["verified"] for f in stations)


@pytest.mark.django_db
def test_shipped_data_gives_plausible_distances():
    infrastructure.load_file(SHIPPED)
    index = infrastructure.current_index()
    # Stendal's centre (the municipality point) is under 2 km from Stendal Hbf
    station = infrastructure.nearest(
        index,
        "station",
        52.6069,
        11.8587,
        lambda f: f.properties["service"] == "long_distance",
    )
    assert station.feature.name == "Stendal Hbf" and station.km < 2
    # Gardelegen is more than 20 km from any open junction, and none of them is Osterburg
    junction = infrastructure.nearest(
        index, "junction", 52.5252, 11.3952, lambda f: f.properties["status"] == "open"
    )
    assert junction.km > 20 and junction.feature.name != "Osterburg"


@pytest.mark.django_db
def test_shipped_prignitz_data_gives_plausible_location_facts():
    """The Prignitz north of 53.15° N (beyond the Altmark data set) gets the A 24 and its own
    stations; in the overlap (Wittenberge) both data sets count; the A 14 exit Wittenberge, not
    open, is never the nearest junction."""
    from standortlotse.geo.services import load_shipped_regions
    from standortlotse.properties import facts

    load_shipped_regions()
    infrastructure.load_file(SHIPPED)
    infrastructure.load_file(SHIPPED_PRIGNITZ)
    towns = {m.name: m for m in Municipality.objects.filter(district__key="12070")}

    def at(name, dlat=0.0, dlon=0.0):
        town = towns[name]
        return facts.compute(town.lat + dlat, town.lon + dlon, town)

    falkenhagen = at("Pritzwalk", 0.045, 0.09)  # the industrial estate at the A 24
    assert falkenhagen["motorway"]["label"] == "AS Pritzwalk (A24)"
    assert falkenhagen["motorway"]["km"] < 3 and falkenhagen["motorway"]["road_km"] < 4
    meyenburg = at("Meyenburg")
    assert meyenburg["station"]["name"] == "Meyenburg" and meyenburg["station"]["km"] < 2
    assert meyenburg["motorway"]["label"] == "AS Meyenburg (A24)"
    assert 5 < meyenburg["motorway"]["km"] < 15
    putlitz = at("Putlitz")
    assert putlitz["motorway"]["label"] == "AS Putlitz (A24)" and putlitz["motorway"]["km"] < 5
    karstaedt = at("Karstädt")
    assert karstaedt["motorway"]["label"] == "AS Karstädt (A14)" and karstaedt["motorway"]["km"] < 4
    wittenberge = at("Wittenberge")
    assert wittenberge["long_distance_station"]["name"] == "Wittenberge"
    assert wittenberge["long_distance_station"]["km"] < 2
    assert wittenberge["motorway"]["label"] != "AS Wittenberge (A14)"
    assert wittenberge["inland_port"]["km"] < 2
    # no point of the district is left without a motorway distance, and none is absurd
    for town in towns.values():
        result = facts.compute(town.lat, town.lon, town)
        assert 0 < result["motorway"]["km"] < 40, town.name
        assert result["station"]["km"] < 25, town.name
