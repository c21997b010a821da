"""The brand colour rule (WCAG contrast with white text) and the theme stylesheet."""

import pytest
from django.core.exceptions import ValidationError

from standortlotse.core.colours import (
    WHITE,
    contrast_ratio,
    parse_hex,
    theme_css,
    validate_brand_colour,
)


def test_contrast_ratio_of_known_pairs():
    assert contrast_ratio((0, 0, 0), WHITE) == pytest.approx(21.0)
    assert contrast_ratio(WHITE, WHITE) == pytest.approx(1.0)
    # #767676 is the lightest grey that passes 4.5:1 on white; #777777 just fails.
    assert contrast_ratio(parse_hex("#767676"), WHITE) == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio(parse_hex("#777777"), WHITE) < 4.5


@pytest.mark.parametrize("colour", ["#2f5d50", "#2F5D50", "#000000", "#767676", "#1f4037"])
def test_dark_colours_are_accepted(colour):
    validate_brand_colour(colour)


def test_light_colour_is_refused_with_its_ratio():
    with pytest.raises(ValidationError) as error:
        validate_brand_colour("#ffcc00")
    message = error.value.messages[0]
    assert error.value.code == "low_contrast"
    assert "#ffcc00" in message and "1,51:1" in message and "4,5:1" in message  # German


def test_the_ratio_is_not_rounded_up_to_the_limit():
    with pytest.raises(ValidationError) as error:
        validate_brand_colour("#777777")  # 4.48:1
    assert "4,47:1" in error.value.messages[0]  # 4.478…, not 4.48 (nor 4.5)


@pytest.mark.parametrize("colour", ["2f5d50", "#2f5d5", "#2f5d50a", "#gggggg", "green", ""])
def test_malformed_colours_are_refused_with_the_format(colour):
    with pytest.raises(ValidationError) as error:
        validate_brand_colour(colour)
    assert error.value.code == "invalid_colour"
    assert "#2f5d50" in error.value.messages[0]  # the example of the accepted form


def test_theme_sets_the_kern_tokens():
    css = theme_css("#2F5D50")
    assert "--kern-color-action-default: #2f5d50;" in css
    assert "--sl-brand: #2f5d50;" in css
    assert "--sl-brand-dark: #23463c;" in css  # 25 % towards black
    assert css.count("{") == css.count("}") == 1


@pytest.mark.parametrize("colour", ["", "nonsense", "#ffff00"])
def test_theme_without_a_usable_colour_keeps_kern_defaults(colour):
    css = theme_css(colour)
    assert "--kern-color-action-default" not in css and "{" not in css


def test_the_message_in_english(settings):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as error:
        validate_brand_colour("#ffcc00")
    assert "White text on #ffcc00 has a contrast of only 1.51:1" in error.value.messages[0]
