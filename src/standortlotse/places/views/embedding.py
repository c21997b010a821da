"""The places widget for other websites (framed by them) and the page that builds its snippet."""

from csp.decorators import csp_replace
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt

from standortlotse.core import embed
from standortlotse.places import selectors
from standortlotse.places.forms import PlaceSearchForm
from standortlotse.places.views.public import search_criteria


def embed_builder(request):
    form = PlaceSearchForm(request.GET or None)
    snippet, src = embed.snippet(
        request, "places:widget", request.GET.urlencode(), _("Creative places")
    )
    return render(request, "places/embed.html", {"form": form, "snippet": snippet, "src": src})


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})  # other sites may frame the widget
def widget(request):
    form = PlaceSearchForm(request.GET or None)
    criteria = search_criteria(form) if form.is_bound else {}
    return render(request, "places/widget.html", {"places": selectors.search(criteria)[:100]})
