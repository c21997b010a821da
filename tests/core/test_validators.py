"""The text validators' quick pass (one regular expression) lets through only what the
character-by-character check would let through."""

import sys
import unicodedata

import pytest
from django.core.exceptions import ValidationError

from standortlotse.core import validators
from standortlotse.core.validators import validate_text, validate_text_line


def refused(validator, text: str) -> bool:
    try:
        validator(text)
    except ValidationError:
        return True
    return False


def test_every_control_and_invisible_character_is_refused_in_a_line():
    control = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cc"]
    assert len(control) == 65
    for char in [*control, *validators.INVISIBLE]:
        assert refused(validate_text_line, f"Halle{char}Nord"), f"U+{ord(char):04X}"


def test_the_quick_pass_lets_only_harmless_characters_through():
    # Any character outside the quick pass's class must be one the full check accepts.
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if not validators._SUSPECT.search(char):
            assert unicodedata.category(char) != "Cc" and char not in validators.INVISIBLE


@pytest.mark.parametrize("text", ["Gewerbegebiet Süd – 3,5 ha", "Ärzte\u00a0Haus", "Ω ≤ 5 m²", ""])
def test_ordinary_text_passes(text):
    validate_text_line(text)
    validate_text(text + "\nzweite Zeile\tmit Tab")


def test_a_multi_line_text_still_names_the_position_of_a_control_character():
    with pytest.raises(ValidationError) as error:
        validate_text("Zeile\nzwei\x07")
    assert "U+0007" in str(error.value) and " 11" in str(error.value)
