"""core/units.py: hectares are rounded half up to the decimals shown, never cut."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from standortlotse.core.units import hectares, round_half_up
from standortlotse.properties.presenters import format_area


@pytest.mark.parametrize(
    ("m2", "decimals", "german", "english"),
    [
        (43_990, 2, "4,40 ha", "4.40 ha"),  # 4.399: cutting would show 4,39
        (43_990, 1, "4,4 ha", "4.4 ha"),  # cutting would show 4,3
        (43_950, 2, "4,40 ha", "4.40 ha"),  # 4.395: half up
        (43_950, 1, "4,4 ha", "4.4 ha"),
        (43_949, 2, "4,39 ha", "4.39 ha"),
        (43_449, 1, "4,3 ha", "4.3 ha"),
        (42_500, 1, "4,3 ha", "4.3 ha"),  # exactly half: up, not to even (4,2)
        (30_000, 2, "3,00 ha", "3.00 ha"),
        (29_999, 2, "3,00 ha", "3.00 ha"),
        (25, 2, "0,00 ha", "0.00 ha"),
    ],
)
def test_hectares_round_half_up_with_the_language_separator(m2, decimals, german, english):
    with translation.override("de"):
        assert hectares(m2, decimals) == german
    with translation.override("en"):
        assert hectares(m2, decimals) == english


def test_round_half_up():
    assert round_half_up(Decimal("2.345"), 2) == Decimal("2.35")
    assert round_half_up(Decimal("2.5"), 0) == Decimal("3")
    assert hectares(None) == ""


def test_area_of_the_property_pages_and_the_template_filter_round():
    with translation.override("de"):
        assert format_area(43_990) == "43.990 m² (4,40 ha)"
        assert format_area(9_999) == "9.999 m²"
        rendered = Template("{% load core_tags %}{{ m2|ha }} {{ m2|ha:1 }}").render(
            Context({"m2": 43_990})
        )
    assert rendered == "4,40 ha 4,4 ha"
    with translation.override("en"):
        assert format_area(43_950) == "43,950 m² (4.40 ha)"
