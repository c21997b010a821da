"""``{% icon "map" %}``: a vendored Lucide icon (core/static/vendor/lucide, ISC), inlined.

Inline SVG costs no request and takes the text colour (stroke="currentColor"). Icons are
decoration next to a visible text label: aria-hidden, not focusable, no title.
"""

import re
from functools import cache
from pathlib import Path

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

ICONS = Path(__file__).resolve().parents[1] / "static" / "vendor" / "lucide"
NAME = re.compile(r"^[a-z0-9-]+$")


@cache
def _svg(name: str) -> str:
    if not NAME.match(name):
        raise template.TemplateSyntaxError(f"icon: invalid name {name!r}")
    path = ICONS / f"{name}.svg"
    if not path.is_file():
        raise template.TemplateSyntaxError(f"icon: {name!r} is not vendored (tools/vendor_kern.py)")
    text = path.read_text()
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S).strip()
    text = re.sub(r"\s*\n\s*", " ", text)
    # Lucide's own class attribute is replaced by ours.
    return re.sub(r'\sclass="[^"]*"', "", text, count=1).replace(
        "<svg", '<svg class="icon icon-{name}{extra}" aria-hidden="true" focusable="false"', 1
    )


@register.simple_tag
def icon(name: str, extra_class: str = "") -> str:
    extra = f" {escape(extra_class)}" if extra_class else ""
    return mark_safe(_svg(name).replace("{name}", name, 1).replace("{extra}", extra, 1))
