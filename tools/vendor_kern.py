"""Vendor KERN UX (@kern-ux/native) and the Lucide icons we use into core/static/vendor/.

Run once per update, with the npm tarballs unpacked somewhere (nothing of this runs in
production, and Node is only needed for `npm pack`):

    cd /tmp && npm pack @kern-ux/native@2.7.2 lucide-static@1.62.0
    mkdir kern lucide && tar xzf kern-ux-native-2.7.2.tgz -C kern && tar xzf lucide-static-1.62.0.tgz -C lucide
    python tools/vendor_kern.py /tmp/kern/package /tmp/lucide/package

What it does, and why (the page budget is 150 KB for HTML, CSS, JS, fonts and images):

* CSS: KERN's built ``dist/kern.css`` (340 KB, 35 KB gzipped) also carries the grid, the spacing
  utilities, the dark theme and 46 icons as data URIs. We keep the design tokens, the light theme
  and the components the platform uses (COMPONENTS), and only the KERN icons in KERN_ICONS; the
  rules themselves are copied unchanged. The dark theme is dropped: our own components are light
  only, and KERN would otherwise switch to dark with the visitor's system setting.
* Fonts: KERN's typeface Fira Sans (SIL OFL 1.1, no reserved font name) in the two weights the
  components use (400, 600), subset to Latin (the ``unicode-range`` below; other characters fall
  back to the system font) with fontTools: 129 KB per weight become about 20 KB.
* Icons: the Lucide icons in LUCIDE_ICONS, unchanged, as separate SVG files (the ``icon`` template
  tag inlines them).
"""

import re
import shutil
import sys
from pathlib import Path

import tinycss2
from fontTools import subset

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "src" / "standortlotse" / "core" / "static" / "vendor"

# The components whose markup the platform uses (kern-alert in base.html and the error summary,
# kern-btn, kern-badge, kern-table …) or may use without a new vendoring; the others (form
# inputs, task list, dialog, dropdown, summary, loader, progress, kopfzeile) are styled by
# site.css on our own markup or not needed. "dark" only appears inside :is(); the dark theme's
# own rules are dropped (DARK).
COMPONENTS = {
    "accordion", "alert", "badge", "body", "btn", "card", "description", "error", "fieldset",
    "heading", "hint", "icon", "label", "layer", "level", "light", "link", "sr", "table", "title",
    "dark",
}  # fmt: skip
KERN_ICONS = {
    "arrow-forward", "arrow-back", "check", "close", "dehaze", "info", "success", "warning",
    "danger", "search", "open-in-new", "mail", "download", "home", "language", "chevron-left",
    "chevron-right", "arrow-down", "arrow-up", "small", "default", "large", "x-large", "help",
}  # fmt: skip
LUCIDE_ICONS = [
    "map", "map-pin", "building-2", "factory", "warehouse", "landmark", "store", "trees",
    "house", "sprout", "users", "briefcase-business", "search", "scale", "compass", "menu", "x",
    "arrow-right", "mail", "phone", "train-front", "route", "wifi", "ruler", "euro", "calendar",
    "log-in", "log-out", "globe", "info", "circle-check", "triangle-alert", "download",
    "external-link", "lightbulb", "hand-coins", "chart-column", "layers",
]  # fmt: skip
LATIN = (
    "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,"
    "U+2000-206F,U+20AC,U+2122,U+2190-2193,U+2212,U+2215,U+2264-2265,U+FEFF,U+FFFD"
)
FONTS = {400: "FiraSans-Regular", 600: "FiraSans-SemiBold"}

KERN_CLASS = re.compile(r"\.kern-([a-z0-9_-]+)")


def keep_selector(selector: str) -> str:
    """The selectors of the list that use only kept KERN classes (and no dark theme), or ""."""
    kept = []
    for part in _split_top_level(selector):
        if part in DARK:
            continue
        if all(_keep_class(name) for name in KERN_CLASS.findall(part)):
            kept.append(part)
    return ", ".join(kept)


DARK = {"[data-kern-theme=dark]", ".kern-dark"}


def _split_top_level(selector: str) -> list[str]:
    """Split a selector list at its commas, not at those inside :is(...) or :not(...)."""
    parts, depth, current = [], 0, ""
    for char in selector:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


def _keep_class(name: str) -> bool:
    if name.startswith("icon--"):
        return name[len("icon--") :] in KERN_ICONS
    return re.split(r"[-_]", name)[0] in COMPONENTS or name in COMPONENTS


def _filter(rules) -> list[str]:
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selector = keep_selector(tinycss2.serialize(rule.prelude).strip())
            if selector:
                out.append(f"{_clean(selector)}{{{_minify(tinycss2.serialize(rule.content))}}}")
        elif rule.type == "at-rule":
            prelude = tinycss2.serialize(rule.prelude).strip()
            if rule.at_keyword == "charset":
                continue
            if "prefers-color-scheme" in prelude:
                continue  # light only: [data-kern-theme=light] on <html> (base.html)
            if rule.content is None:
                out.append(f"@{rule.at_keyword} {prelude};")
                continue
            if rule.at_keyword in ("media", "supports", "container", "layer"):
                inner = tinycss2.parse_rule_list(
                    rule.content, skip_whitespace=True, skip_comments=True
                )
                kept = _filter(inner)
                if kept:
                    out.append(f"@{rule.at_keyword} {_clean(prelude)}{{{''.join(kept)}}}")
            else:  # keyframes, font-face
                body = _minify(tinycss2.serialize(rule.content))
                out.append(f"@{rule.at_keyword} {prelude}{{{body}}}")
    return out


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _minify(body: str) -> str:
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    body = re.sub(r"\s*\n\s*", "", body)
    return re.sub(r";\s*", ";", body).strip()


def build_css(package: Path) -> str:
    sheet = tinycss2.parse_stylesheet(
        (package / "dist" / "kern.css").read_text(), skip_whitespace=True, skip_comments=True
    )
    faces = "".join(
        "@font-face{font-family:'Fira Sans';font-style:normal;font-display:swap;"
        f"font-weight:{weight};src:url(fonts/{name}-latin.woff2) format('woff2');"
        f"unicode-range:{LATIN}}}"
        for weight, name in FONTS.items()
    )
    header = (
        "/*! KERN UX @kern-ux/native 2.7.2 (EUPL-1.2, https://gitlab.opencode.de/kern-ux/kern-ux-plain):"
        " dist/kern.css reduced to the tokens, the light theme and the components the platform"
        " uses (tools/vendor_kern.py). Fira Sans: SIL OFL 1.1, Mozilla Foundation and"
        " Telefonica S.A., subset to Latin. */\n"
    )
    return header + faces + "\n".join(_filter(sheet)) + "\n"


def build_fonts(package: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in FONTS.values():
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = ["kern", "liga", "calt", "tnum", "lnum", "locl"]
        options.hinting = False
        options.desubroutinize = True
        options.name_IDs = ["*"]  # keep copyright and licence
        font = subset.load_font(
            str(package / "dist" / "fonts" / "fira-sans" / f"{name}.woff2"), options
        )
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=_unicodes(LATIN))
        subsetter.subset(font)
        subset.save_font(font, str(target / f"{name}-latin.woff2"), options)


def _unicodes(ranges: str) -> list[int]:
    out: list[int] = []
    for part in ranges.split(","):
        low, _, high = part[2:].partition("-")
        out.extend(range(int(low, 16), int(high or low, 16) + 1))
    return out


def build_icons(package: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in LUCIDE_ICONS:
        shutil.copyfile(package / "icons" / f"{name}.svg", target / f"{name}.svg")
    shutil.copyfile(package / "LICENSE", target / "LICENSE")


def main(kern: Path, lucide: Path) -> None:
    target = VENDOR / "kern"
    target.mkdir(parents=True, exist_ok=True)
    (target / "kern.min.css").write_text(build_css(kern))
    shutil.copyfile(kern / "LICENSE.md", target / "LICENSE.md")
    build_fonts(kern, target / "fonts")
    build_icons(lucide, VENDOR / "lucide")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
