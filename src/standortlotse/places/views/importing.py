"""Importing a partner's file of places (moderators: upload, preview, apply) and the public CSV
template of the format. The mapping and the rules are in places/exchange.py."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from standortlotse.accounts import policy
from standortlotse.accounts.decorators import moderator_required
from standortlotse.places import exchange, partners, selectors
from standortlotse.places.forms import ImportForm
from standortlotse.places.models import FeedFormat, PartnerFeed


@moderator_required
def import_upload(request):
    regions = policy.moderated_regions(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    form.fields["region"] = _region_field(regions)
    form.fields["feed"] = forms.ModelChoiceField(
        label=_("Partner feed"),
        queryset=PartnerFeed.objects.filter(region__in=regions),
        required=False,
        empty_label=_("– none (our own format) –"),
        help_text=_(
            "Its name is the source, its region and its mapping of categories and tags are used."
        ),
    )
    form.order_fields(["feed", "source", "format", "file", "region"])
    rows = None
    unmapped: list[str] = []
    detected = ""
    if request.method == "POST" and form.is_valid():
        feed = form.cleaned_data["feed"]
        upload = form.cleaned_data["file"]
        format = form.cleaned_data["format"]
        if feed is not None and format == FeedFormat.AUTO:
            format = feed.format
        try:
            mapped, detected = partners.read_and_map(upload.read(), upload.name, format, feed)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            region = feed.region if feed is not None else form.cleaned_data["region"]
            source = feed.name if feed is not None else form.cleaned_data["source"]
            rows = exchange.plan(mapped.records, source, region)
            unmapped = mapped.unmapped_categories
            request.session["place_import"] = {
                "records": mapped.records,
                "source": source,
                "region": region.pk,
                "feed": feed.pk if feed is not None else None,
                "filename": upload.name,
            }
    return render(
        request,
        "places/import.html",
        {
            "form": form,
            "rows": rows,
            "summary": _summary(rows),
            "unmapped": unmapped,
            "detected": FeedFormat(detected).label if detected else "",
        },
    )


def _region_field(regions):
    return forms.ModelChoiceField(label=_("Region"), queryset=regions, initial=regions.first())


def _summary(rows):
    if rows is None:
        return None
    summary = {"new": 0, "update": 0, "unchanged": 0, "conflict": 0, "error": 0}
    for row in rows:
        summary[row.action] += 1
    return summary


@moderator_required
@require_POST
def import_apply(request):
    pending = request.session.pop("place_import", None)
    if not pending:
        messages.error(request, _("There is no import to apply. Please upload the file again."))
        return redirect("places:import")
    region = get_object_or_404(policy.moderated_regions(request.user), pk=pending["region"])
    rows = exchange.plan(pending["records"], pending["source"], region)
    counts = exchange.apply(rows, pending["source"], region, request.user)
    feed = PartnerFeed.objects.filter(pk=pending.get("feed"), region=region).first()
    if feed is not None:
        partners.record_run(
            feed, counts, message=_("Upload: %(file)s") % {"file": pending.get("filename", "")}
        )
    messages.success(
        request,
        _(
            "Import done: %(new)d new, %(update)d updated, %(unchanged)d unchanged, "
            "%(conflict)d conflicts for review, %(error)d rows with errors skipped."
        )
        % counts,
    )
    return redirect(reverse("places:queue") + "?status=attention")


def csv_template(request):
    response = HttpResponse(exchange.csv_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="orte-vorlage.csv"'
    return response


def gogocarto_feed(request):
    """Our published places as a GoGoCarto JSON source, for partner maps to pull."""
    response = JsonResponse(partners.gogocarto_feed(selectors.published_places()))
    response["Access-Control-Allow-Origin"] = "*"
    return response
