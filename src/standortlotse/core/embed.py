"""The iframe snippet that municipality websites copy to show a widget."""

from django.urls import reverse


def snippet(request, widget_url_name: str, query: str, title: str) -> tuple[str, str]:
    """(iframe code, widget URL) for the widget with the given query string."""
    src = request.build_absolute_uri(reverse(widget_url_name)) + (f"?{query}" if query else "")
    code = f'<iframe src="{src}" title="{title}" width="100%" height="500" loading="lazy" style="border:0"></iframe>'
    return code, src
