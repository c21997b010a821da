"""The widget for municipality websites (framed by other sites) and the page that builds its snippet."""

from csp.decorators import csp_replace
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt

from standortlotse.core import embed
from standortlotse.properties import selectors
from standortlotse.properties.views.public import search_form

WIDGET_LIMIT = 50


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})  # other sites may frame the widget
def widget(request):
    """Properties of a municipality, district or region for an iframe on another website."""
    form, criteria = search_form(request)
    props = selectors.search(criteria)[:WIDGET_LIMIT]
    return render(
        request,
        "properties/widget.html",
        {"props": props, "query": form.api_query() if form.is_bound else ""},
    )


def embed_builder(request):
    form, _criteria = search_form(request)
    query = form.api_query() if form.is_bound else ""
    snippet, src = embed.snippet(request, "properties:widget", query, _("Commercial properties"))
    return render(request, "properties/embed.html", {"form": form, "snippet": snippet, "src": src})
