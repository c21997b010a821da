"""Partner feeds for the regional moderators: the list, a feed's settings with the mapping of the
partner's categories and tags as a table, "pull now" and the feed's history. Only feeds of the
regions the user moderates (another region's feed answers 404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from standortlotse.accounts import policy
from standortlotse.accounts.decorators import moderator_required
from standortlotse.places import partners, selectors, services
from standortlotse.places.feedforms import (
    DefaultTargetForm,
    FeedForm,
    MappingFormSet,
    mapping_from_rows,
    mapping_rows,
    with_defaults,
)
from standortlotse.places.models import FeedFormat, PartnerFeed


def _feed(request, pk) -> PartnerFeed:
    return get_object_or_404(selectors.moderated_feeds(request.user), pk=pk)


@moderator_required
def feed_list(request):
    feeds = selectors.feeds_with_last_run(selectors.moderated_feeds(request.user))
    return render(request, "places/feeds/list.html", {"feeds": feeds})


@moderator_required
def feed_create(request):
    return _edit(request, PartnerFeed())


@moderator_required
def feed_edit(request, pk):
    return _edit(request, _feed(request, pk))


def _edit(request, feed: PartnerFeed):
    """The feed's settings and mapping table. The table shows the defaults of the format it was
    filled for (``prefilled_for``); a form posted with another format is not saved but comes
    back with that format's defaults added (the moderator's rows win), so nobody replaces the
    defaults without having seen them. htmx posts the form when the format changes and swaps
    in the table; that request never saves."""
    regions = policy.moderated_regions(request.user)
    unmapped = selectors.unmapped_categories(feed) if feed.pk else []
    shown = feed.format if feed.pk else FeedFormat.AUTO
    rows, default = mapping_rows(partners.mapping_for(feed, shown), unmapped)
    errors: list[str] = []
    completed = False
    refresh_url = request.path
    if request.method == "POST":
        data = request.POST.copy()
        if data.get("prefilled_for") in FeedFormat.values:
            shown = data["prefilled_for"]
        format = data.get("format")
        formset = MappingFormSet(data, prefix="row")
        default_form = DefaultTargetForm(data, prefix="default")
        valid_table = formset.is_valid() and default_form.is_valid()
        if valid_table and format in FeedFormat.values and (format != shown or request.htmx):
            rows, default, completed = with_defaults(formset, default_form, shown, format)
            if completed or request.htmx:
                data["prefilled_for"] = format
                formset = MappingFormSet(initial=rows, prefix="row")
                default_form = DefaultTargetForm(initial=default, prefix="default")
        form = FeedForm(data, instance=feed, regions=regions, refresh_url=refresh_url)
        if completed or request.htmx:
            pass  # shown to be checked, not saved
        elif not valid_table:
            errors = [_("Please check the marked rows of the mapping.")]
        else:
            mapping, errors = mapping_from_rows(formset, default_form)
            if form.is_valid() and not errors:
                try:
                    feed = services.save_feed(request.user, form.instance, mapping)
                except ValidationError as error:
                    errors = error.messages
                else:
                    messages.success(request, _("The partner feed is saved."))
                    return redirect("places:feed_edit", pk=feed.pk)
    else:
        form = FeedForm(
            instance=feed,
            regions=regions,
            refresh_url=refresh_url,
            initial={"prefilled_for": shown},
        )
        formset = MappingFormSet(initial=rows, prefix="row")
        default_form = DefaultTargetForm(initial=default, prefix="default")
    return render(
        request,
        "places/feeds/form.html",
        {
            "feed": feed,
            "form": form,
            "formset": formset,
            "default_form": default_form,
            "mapping_errors": errors,
            "unmapped": unmapped,
            "uses_defaults": not feed.mapping,
            "completed": completed,
            "prefilled_for": form["prefilled_for"].value(),
        },
    )


@moderator_required
@require_POST
def feed_pull(request, pk):
    feed = _feed(request, pk)
    try:
        run = services.pull_feed(request.user, feed)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("places:feed_history", pk=feed.pk)
    summary = _(
        "Pulled: HTTP %(status)s · new: %(new)d, updated: %(updated)d, unchanged: "
        "%(unchanged)d, conflicts: %(conflicts)d, errors: %(errors)d."
    ) % {
        "status": run.http_status or "–",
        "new": run.new,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "conflicts": run.conflicts,
        "errors": run.errors,
    }
    counted = run.new + run.updated + run.unchanged + run.conflicts + run.errors
    failed = (
        run.http_status is None
        or run.http_status >= 400
        or (run.http_status != 304 and not counted and bool(run.message))
    )
    (messages.error if failed else messages.success)(request, f"{summary} {run.message}".strip())
    return redirect("places:feed_history", pk=feed.pk)


@moderator_required
def feed_history(request, pk):
    feed = _feed(request, pk)
    page = Paginator(feed.runs.all(), 50).get_page(request.GET.get("page"))
    return render(request, "places/feeds/history.html", {"feed": feed, "page": page})
