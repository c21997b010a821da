"""Brand colours of a region: the contrast rule (WCAG 2.x) and the theme stylesheet.

A region's brand colour is the background of the header and of primary buttons (white text on
it) and the colour of links on white, so it must reach 4.5:1 against white. The theme sets KERN
UX's design tokens (CSS custom properties), which every KERN component and our own components
(site.css) read; it is served as a small stylesheet because the CSP forbids inline styles.
"""

import math
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST = 4.5
WHITE = (255, 255, 255)


def parse_hex(value: str) -> tuple[int, int, int]:
    if not HEX_COLOUR.match(value or ""):
        raise ValueError(value)
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def validate_brand_colour(value: str) -> None:
    """A hex colour (#RRGGBB) on which white text reaches 4.5:1."""
    try:
        rgb = parse_hex(value)
    except ValueError:
        raise ValidationError(
            _("Enter the colour as # and six hexadecimal digits, e.g. #2f5d50."),
            code="invalid_colour",
        ) from None
    ratio = contrast_ratio(rgb, WHITE)
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            _(
                "White text on %(colour)s has a contrast of only %(ratio)s:1; at least 4.5:1 is "
                "needed (WCAG 2.1 AA). Choose a darker colour."
            ),
            code="low_contrast",
            # cut, not rounded: 4.497 must not read as 4.50
            params={"colour": value, "ratio": number_format(_cut(ratio), decimal_pos=2)},
        )


def _cut(ratio: float) -> Decimal:
    return Decimal(math.floor(ratio * 100)) / 100


def shade(rgb: tuple[int, int, int], factor: float) -> str:
    """The colour darkened towards black by ``factor`` (0–1), as #rrggbb."""
    return "#" + "".join(f"{round(c * (1 - factor)):02x}" for c in rgb)


def tint(rgb: tuple[int, int, int], factor: float) -> str:
    """The colour lightened towards white by ``factor`` (0–1), as #rrggbb."""
    return "#" + "".join(f"{round(c + (255 - c) * factor):02x}" for c in rgb)


def theme_css(brand_colour: str) -> str:
    """The stylesheet of a region: KERN's action and brand tokens set to the brand colour.

    An empty or invalid colour gives KERN's own defaults (an empty rule set)."""
    lines = ["/* Standortlotse: the region's brand colour as KERN UX tokens (generated). */"]
    try:
        rgb = parse_hex(brand_colour)
    except ValueError:
        return "\n".join(lines) + "\n"
    if contrast_ratio(rgb, WHITE) < MIN_CONTRAST:  # stored before the rule: fall back
        return "\n".join(lines) + "\n"
    colour = brand_colour.lower()
    lines += [
        ":root[data-kern-theme=light], :root {",
        f"  --kern-color-action-default: {colour};",
        f"  --kern-color-decorative-brand-default: {colour};",
        f"  --sl-brand: {colour};",
        f"  --sl-brand-dark: {shade(rgb, 0.25)};",
        f"  --sl-brand-soft: {tint(rgb, 0.9)};",
        f"  --sl-brand-tint: {tint(rgb, 0.96)};",
        "}",
    ]
    return "\n".join(lines) + "\n"
