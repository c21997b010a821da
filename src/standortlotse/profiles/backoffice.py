"""Back office (Datenpflege) of the location profiles: the figures of the editor's areas, the
statistics import (upload → preview → confirm) and editing one figure with its source.
Editors only (``editor_required``); figures outside their scope answer 404 (``services``)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from standortlotse.accounts.decorators import editor_required
from standortlotse.core.privatestorage import private_storage
from standortlotse.core.uploads import random_name
from standortlotse.profiles import services
from standortlotse.profiles.forms import FigureForm, ImportForm
from standortlotse.profiles.models import Figure, Key

SESSION_KEY = "profiles_import"
FOLDER = "profiles-imports/"


@editor_required
def figure_list(request):
    figures = services.editable_figures(request.user).select_related("municipality", "district")
    municipalities = services.editable_municipalities(request.user).order_by("name")
    chosen = request.GET.get("municipality", "")
    if chosen.isdigit():
        figures = figures.filter(municipality_id=int(chosen))
    key = request.GET.get("key", "")
    if key in Key.values:
        figures = figures.filter(key=key)
    figures = figures.order_by("municipality__name", "district__name", "key", "-as_of")
    page = Paginator(figures, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "profiles/editor_list.html",
        {
            "page": page,
            "municipalities": municipalities,
            "chosen": chosen,
            "keys": Key.choices,
            "key": key,
        },
    )


def _forget(request):
    kept = request.session.pop(SESSION_KEY, None)
    if kept and kept.get("file", "").startswith(FOLDER):
        private_storage().delete(kept["file"])


@editor_required
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        raw = data["file"].read()
        report = services.import_table(
            raw,
            key=data["key"],
            as_of=data["as_of"],
            source=data["source"],
            source_url=data["source_url"],
            column=data["column"],
            user=request.user,
            dry_run=True,
        )
        _forget(request)
        if report.ok:
            name = private_storage().save(FOLDER + random_name("csv"), ContentFile(raw))
            request.session[SESSION_KEY] = {
                "file": name,
                "filename": data["file"].name[:200],
                "key": data["key"],
                "as_of": report.as_of.isoformat(),
                "source": data["source"],
                "source_url": data["source_url"],
                "column": data["column"],
            }
    return render(request, "profiles/editor_import.html", {"form": form, "report": report})


@require_POST
@editor_required
def import_confirm(request):
    kept = request.session.get(SESSION_KEY)
    if not kept or not private_storage().exists(kept["file"]):
        messages.error(request, _("The checked file is no longer there; upload it again."))
        return redirect("profiles:editor_import")
    with private_storage().open(kept["file"], "rb") as handle:
        raw = handle.read()
    report = services.import_table(
        raw,
        key=kept["key"],
        as_of=datetime.date.fromisoformat(kept["as_of"]),
        source=kept["source"],
        source_url=kept["source_url"],
        column=kept["column"],
        user=request.user,
    )
    _forget(request)
    if not report.written:
        # the register changed since the preview (or the scope did): show what is wrong now
        return render(
            request, "profiles/editor_import.html", {"form": ImportForm(), "report": report}
        )
    counts = report.counts
    messages.success(
        request,
        _("Imported: %(new)s new, %(changed)s changed, %(unchanged)s unchanged figures.") % counts,
    )
    return redirect("profiles:editor_list")


@editor_required
def figure_edit(request, pk=None):
    figure = (
        get_object_or_404(services.editable_figures(request.user), pk=pk)
        if pk is not None
        else Figure()
    )
    form = FigureForm(request.POST or None, instance=figure, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.save_figure(form.instance, request.user)
        messages.success(request, _("The figure is saved."))
        return redirect("profiles:editor_list")
    return render(request, "profiles/editor_figure.html", {"form": form, "figure": figure})
