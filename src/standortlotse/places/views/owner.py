"""The owner's private link to their place: edit, confirm as current, rotate the link, write to
the editorial team (the thread of messages), ask for a fresh link. No account; unknown, expired
and revoked links look alike."""

from django.contrib import messages
from django.db.models import F
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from standortlotse.core.links import FreshLinkForm, fresh_link_request
from standortlotse.places import log, services
from standortlotse.places.forms import OwnerPlaceForm, OwnerReplyForm
from standortlotse.places.models import Status
from standortlotse.places.views.submission import municipality_centres


def owner(request, token):
    place = services.place_for_token(token)
    if place is None:
        # Unknown, expired and revoked links look alike; the page offers a fresh link.
        return render(request, "places/owner_invalid.html", {"form": FreshLinkForm()}, status=404)
    action = request.POST.get("action", "update") if request.method == "POST" else ""
    editing = action not in ("", "confirm", "rotate", "reply")
    form = OwnerPlaceForm(
        request.POST if editing else None, request.FILES if editing else None, instance=place
    )
    reply_form = OwnerReplyForm(request.POST if action == "reply" else None)
    if request.method == "POST":
        if action == "confirm":
            services.confirm_by_owner(place)
            messages.success(request, _("Thank you! Your place is confirmed as current."))
            return redirect("places:owner", token=token)
        if action == "rotate":
            services.rotate_link(place)
            return render(request, "places/owner_rotated.html")
        if action == "reply":
            if reply_form.is_valid():
                services.owner_reply(place, reply_form.cleaned_data["reply"])
                messages.success(
                    request, _("Thank you! Your message was sent to the editorial team.")
                )
                return redirect("places:owner", token=token)
        elif form.is_valid():
            result = services.owner_update(place, form)
            messages.success(
                request,
                _("Your changes are online.")
                if result == "applied" and place.is_public
                else _("Thank you! Your changes were saved and will be reviewed."),
            )
            return redirect("places:owner", token=token)
        if action != "reply":
            messages.error(request, _("Please correct the marked fields. Nothing was saved yet."))
    # The moderator's request: the step into "changes requested", not later log entries.
    request_note = (
        place.transitions.filter(to_status=Status.CHANGES_REQUESTED)
        .exclude(from_status=F("to_status"))
        .exclude(message="")
        .first()
    )
    return render(
        request,
        "places/owner.html",
        {
            "place": place,
            "form": form,
            "reply_form": reply_form,
            "token": token,
            "request_note": request_note,
            "thread": log.thread(place, for_owner=True),
            "pending": place.pending_updates.exists(),
            "municipality_centres": municipality_centres(form),
        },
    )


def owner_link_request(request):
    """ "Send me a fresh link": the same answer whether or not the address belongs to a place."""
    form, status, sent = fresh_link_request(request, "place-link", services.send_fresh_links)
    if sent:
        return render(request, "places/owner_link_sent.html")
    return render(request, "places/owner_link_request.html", {"form": form}, status=status)
