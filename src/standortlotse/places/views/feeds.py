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
    regions = policy.moderated_regions(request.user)
    unmapped = selectors.unmapped_categories(feed) if feed.pk else []
    format = feed.format if feed.pk else FeedFormat.AUTO
    rows, default = mapping_rows(partners.mapping_for(feed, format), unmapped)
    errors: list[str] = []
    if request.method == "POST":
        form = FeedForm(request.POST, instance=feed, regions=regions)
        formset = MappingFormSet(request.POST, prefix="row")
        default_form = DefaultTargetForm(request.POST, prefix="default")
        if formset.is_valid() and default_form.is_valid():
            mapping, errors = mapping_from_rows(formset, default_form)
        else:
            errors = [_("Please check the marked rows of the mapping.")]
        if form.is_valid() and not errors:
            try:
                feed = services.save_feed(request.user, form.instance, mapping)
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, _("The partner feed is saved."))
                return redirect("places:feed_edit", pk=feed.pk)
    else:
        form = FeedForm(instance=feed, regions=regions)
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
