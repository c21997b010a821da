"""Each region's transparency figures with two regions in two states: the Prignitz's own
municipalities and records, the Altmark's unchanged by them."""

import pytest

from standortlotse.transparency import index
from tests.factories import PropertyFactory

pytestmark = pytest.mark.django_db


def _row(data, kind, pk):
    return next(row for row in data[kind] if row["id"] == pk)


def test_the_prignitz_has_its_own_figures(client, world, prignitz):
    PropertyFactory(
        title="Halle Wittenberge", municipality=prignitz.wittenberge, area_available_m2=25_000
    )
    data = index.compute()
    region = _row(data, "regions", prignitz.region.pk)
    assert region["key"] == "prignitz" and region["municipalities"] == 2
    assert region["published"] == 2 and region["area_m2"] == 15_000 + 25_000
    altmark = _row(data, "regions", world.region.pk)
    # Stendal and Gardelegen only (Haldensleben lies in no region)
    assert altmark["municipalities"] == 2
    assert altmark["published"] == 2 and altmark["area_m2"] == 2 * 15_000
    perleberg = _row(data, "municipalities", prignitz.perleberg.pk)
    assert perleberg["region"] == "prignitz" and perleberg["published"] == 1
    assert _row(data, "municipalities", world.mun_a.pk)["region"] == "altmark"
    index.snapshot()
    page = client.get("/transparenz/").content.decode()
    regions_table = page.split('id="transparency-regions"', 1)[1].split("</table>", 1)[0]
    assert "Prignitz" in regions_table and "Altmark" in regions_table
    assert "Perleberg" in page and "Wittenberge" in page
