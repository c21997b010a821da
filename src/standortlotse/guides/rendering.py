"""Markdown to safe HTML for guide texts (python-markdown, then nh3 with a short allow-list)."""

import markdown
import nh3

from standortlotse.core.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

GUIDE_TAGS = ALLOWED_TAGS | {"h2", "h3", "h4"}


def markdown_html(text: str) -> str:
    if not text:
        return ""
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=GUIDE_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
