"""Back office: the access export for every editor (what they may see), the erasure and its
records for state administrators. The address travels in POST bodies only, never in URLs (and so
never in access logs)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from standortlotse.accounts import policy
from standortlotse.accounts.decorators import editor_required, state_admin_required
from standortlotse.privacy import services
from standortlotse.privacy.forms import AddressForm, ExportForm
from standortlotse.privacy.models import ErasureRecord


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@editor_required
def export(request):
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = services.export_data(form.cleaned_data["email"], request.user)
        if form.cleaned_data["format"] == "zip":
            return _download(services.export_zip(data), "application/zip", "auskunft.zip")
        return _download(services.export_json(data), "application/json", "auskunft.json")
    return render(
        request,
        "privacy/export.html",
        {"form": form, "complete": policy.is_state_admin(request.user)},
        status=400 if form.errors else 200,
    )


@state_admin_required
def erase(request):
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if request.POST.get("confirm") != "yes":
            return render(
                request, "privacy/erase_confirm.html", {"form": form, "plan": services.plan(email)}
            )
        try:
            record = services.erase(email, by=request.user)
        except ValidationError as error:
            form.add_error("email", error.message_dict["email"])
        else:
            if record.remaining:
                messages.warning(
                    request,
                    _("Erased, but the address still appears %(n)s times: see the erasure record.")
                    % {"n": record.remaining},
                )
            else:
                messages.success(request, _("Everything about the address was erased."))
            return redirect("privacy:erasures")
    return render(request, "privacy/erase.html", {"form": form}, status=400 if form.errors else 200)


@state_admin_required
def erasures(request):
    names = services.labels()
    records = [
        (
            record,
            [
                (names.get(kind, kind), done.get("deleted", 0), done.get("anonymised", 0))
                for kind, done in record.counts.items()
            ],
        )
        for record in ErasureRecord.objects.select_related("erased_by")[:200]
    ]
    return render(request, "privacy/erasures.html", {"records": records})
