"""Owner consent for private plots: the editors' list and record of answers (back office), and the
owner's answer through a private link (no account). The rules are in properties/consent.py."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from standortlotse.accounts.decorators import editor_required
from standortlotse.core.links import FreshLinkForm, fresh_link_request
from standortlotse.properties import consent
from standortlotse.properties.forms import ConsentRecordForm, OwnerForm
from standortlotse.properties.models import OwnerConsent
from standortlotse.properties.views.backoffice import editable_property
from standortlotse.properties.views.public import pdf_response


@editor_required
def consent_list(request):
    records = list(consent.private_records(request.user))
    state = request.GET.get("state", "")
    rows = [(prop, consent.consent_of(prop)) for prop in records]
    if state in OwnerConsent.State.values:
        rows = [(p, c) for p, c in rows if c.state == state]
    if request.method == "POST":
        ids = {int(i) for i in request.POST.getlist("ids") if i.isdigit()}
        chosen = [p for p in records if p.pk in ids]
        channel = request.POST.get("channel")
        if not chosen or channel not in ("email", "letter"):
            messages.error(request, _("Choose at least one plot and how to ask."))
            return redirect("properties:consent_list")
        requested = consent.request(request.user, chosen, channel)
        if channel == "letter":
            if not any(url for _c, url in requested):
                messages.error(
                    request, _("No letter to write: the chosen owners have already agreed.")
                )
                return redirect("properties:consent_list")
            return pdf_response(consent.letters_pdf(requested), "zustimmung-briefe.pdf")
        sent = sum(1 for _c, url in requested if url)
        missing = [c.property.title for c, url in requested if not url]
        messages.success(request, _("%(n)d owners were asked by email.") % {"n": sent})
        if missing:
            messages.warning(
                request,
                _("No email address for: %(titles)s. Send them a letter.")
                % {"titles": ", ".join(missing)},
            )
        return redirect("properties:consent_list")
    return render(
        request,
        "properties/consent_list.html",
        {
            "rows": rows,
            "state": state,
            "states": OwnerConsent.State.choices,
        },
    )


@editor_required
def consent_edit(request, pk):
    prop = editable_property(request, pk)
    current = consent.consent_of(prop)
    owner_form = OwnerForm(
        initial={
            "owner_name": current.owner_name,
            "owner_email": current.owner_email,
            "owner_address": current.owner_address,
            "owner_language": current.owner_language,
        }
    )
    record_form = ConsentRecordForm(initial={"responded_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if request.POST.get("form") == "owner":
            owner_form = OwnerForm(request.POST)
            if owner_form.is_valid():
                data = owner_form.cleaned_data
                consent.save_owner(
                    request.user,
                    prop,
                    data["owner_name"],
                    data["owner_email"],
                    data["owner_address"],
                    data["owner_language"] or None,
                )
                messages.success(request, _("The owner's details were saved."))
                return redirect("properties:consent_edit", pk=pk)
        else:
            record_form = ConsentRecordForm(request.POST)
            if record_form.is_valid():
                data = record_form.cleaned_data
                was_public = prop.is_public
                consent.record(
                    request.user,
                    prop,
                    data["state"],
                    data["responded_on"],
                    data["how"],
                    data["note"],
                )
                messages.success(request, _("The owner's answer was recorded."))
                if was_public and not prop.is_public:
                    messages.warning(
                        request,
                        _(
                            "The owner refuses publication: the record was taken offline and is a draft again. "
                            "Its editors were informed by email."
                        ),
                    )
                return redirect("properties:consent_edit", pk=pk)
        status = 400
    return render(
        request,
        "properties/consent_edit.html",
        {
            "prop": prop,
            "consent": current,
            "owner_form": owner_form,
            "record_form": record_form,
        },
        status=status,
    )


def consent_response(request, token):
    """The owner's answer through the private link (no account needed)."""
    found = consent.by_token(token)
    if found is None:
        # Unknown and expired links look alike; the page offers a fresh link.
        return render(
            request,
            "properties/consent_response.html",
            {"invalid": True, "form": FreshLinkForm()},
            status=404,
        )
    if request.method == "POST" and found.state == consent.State.REQUESTED:
        answer = request.POST.get("answer")
        if answer in ("yes", "no"):
            done = consent.respond(token, answer == "yes")
            return render(
                request, "properties/consent_response.html", {"done": done, "prop": done.property}
            )
    return render(
        request, "properties/consent_response.html", {"consent": found, "prop": found.property}
    )


def consent_link_request(request):
    """ "Send me a fresh link" for consent requests: the same answer whether or not the address is known."""
    form, status, sent = fresh_link_request(request, "consent-link", consent.send_fresh_links)
    return render(
        request, "properties/consent_link_request.html", {"form": form, "sent": sent}, status=status
    )
