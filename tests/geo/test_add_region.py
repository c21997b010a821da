"""manage.py add_region: a region from a data file, idempotent, with clear errors."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from standortlotse.geo.models import District, Municipality, MunicipalityOutline, Region, State
from standortlotse.geo.services import DATA_DIR

pytestmark = pytest.mark.django_db


@pytest.fixture
def prignitz_file(tmp_path):
    path = tmp_path / "prignitz.json"
    path.write_text((DATA_DIR / "prignitz.json").read_text(encoding="utf-8"), encoding="utf-8")
    return path


def _run(*args) -> str:
    out = StringIO()
    call_command("add_region", *map(str, args), stdout=out)
    return out.getvalue()


def test_add_region_creates_the_region_and_is_idempotent(prignitz_file):
    first = _run(prignitz_file, "--brand-colour", "#1f4e79")
    assert "Region Prignitz (prignitz): 1 districts, 26 municipalities." in first
    region = Region.objects.get(slug="prignitz")
    assert region.brand_colour == "#1f4e79"
    assert State.objects.get(code="12").name == "Brandenburg"
    assert region.municipalities().count() == 26
    perleberg = Municipality.objects.get(ags="12070296")
    snapshot = (perleberg.pk, perleberg.name, perleberg.postcodes, perleberg.lat, perleberg.funding)
    # the operator changes the colour in the back office; a second run without the option keeps it
    Region.objects.filter(pk=region.pk).update(brand_colour="#2f5d50")
    second = _run(prignitz_file)
    assert second == first
    assert Region.objects.get(slug="prignitz").brand_colour == "#2f5d50"
    assert Region.objects.count() == 1 and District.objects.count() == 1
    assert Municipality.objects.count() == 26 and MunicipalityOutline.objects.count() == 26
    again = Municipality.objects.get(ags="12070296")
    assert (again.pk, again.name, again.postcodes, again.lat, again.funding) == snapshot


def test_add_region_under_another_slug(prignitz_file):
    _run(prignitz_file, "--slug", "prignitz-test")
    assert list(Region.objects.values_list("slug", flat=True)) == ["prignitz-test"]


def test_add_region_refuses_a_colour_without_contrast(prignitz_file):
    with pytest.raises(CommandError, match=r"--brand-colour: .*#ffcc00 .*1,51:1"):
        _run(prignitz_file, "--brand-colour", "#ffcc00")
    assert not Region.objects.exists() and not Municipality.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["districts"][0]["municipalities"][2].pop("ags"),
         r"districts\[0\]\.municipalities\[2\]\.ags: missing"),
        (lambda d: d["districts"][0]["municipalities"][3].update(ags="15090535"),
         r"districts\[0\]\.municipalities\[3\]\.ags: 15090535 does not lie in district 12070"),
        (lambda d: d["districts"][0]["municipalities"][4].update(lat="53,1"),
         r"districts\[0\]\.municipalities\[4\]\.lat: a number is needed, not '53,1'"),
        (lambda d: d["districts"][0]["municipalities"][5].update(postcodes=["1934"]),
         r"districts\[0\]\.municipalities\[5\]\.postcodes\[0\]: '1934' is not valid"),
        (lambda d: d["districts"][0]["municipalities"][6].update(outline={"type": "Point"}),
         r"districts\[0\]\.municipalities\[6\]\.outline: a GeoJSON Polygon"),
        (lambda d: d["districts"][0].update(key="15081"),
         r"districts\[0\]\.key: 15081 does not lie in state 12"),
        (lambda d: d["region"].update(slug="Prignitz Nord"), r"region\.slug: 'Prignitz Nord'"),
        (lambda d: d.pop("state"), r"state: missing"),
        (lambda d: d["districts"][0]["municipalities"].append(
            dict(d["districts"][0]["municipalities"][0])),
         r"districts\[0\]\.municipalities\[26\]\.ags: 12070008 appears twice"),
    ],
)  # fmt: skip
def test_a_bad_file_is_refused_naming_the_key_and_writes_nothing(prignitz_file, change, message):
    data = json.loads(prignitz_file.read_text(encoding="utf-8"))
    change(data)
    prignitz_file.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        _run(prignitz_file)
    assert not Region.objects.exists() and not Municipality.objects.exists()
    assert not State.objects.exists()


def test_a_file_that_is_no_json_is_refused(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"state": ', encoding="utf-8")
    with pytest.raises(CommandError, match="not valid UTF-8 JSON"):
        _run(path)
    with pytest.raises(CommandError, match="cannot be read"):
        _run(tmp_path / "missing.json")


def test_load_geo_still_loads_every_shipped_region():
    call_command("load_geo", stdout=StringIO())
    assert set(Region.objects.values_list("slug", flat=True)) == {"altmark", "prignitz"}
