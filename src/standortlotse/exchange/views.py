"""Back-office pages of the bulk import; the steps themselves are in services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from standortlotse.accounts.decorators import editor_required
from standortlotse.core import imports
from standortlotse.core.fields import concrete_field
from standortlotse.core.ratelimit import hit
from standortlotse.core.tabular import columns as tabular
from standortlotse.core.tabular import coordinates, readers
from standortlotse.exchange import services
from standortlotse.exchange.forms import (
    ConfirmForm,
    CoordinateSystemForm,
    MappingForm,
    UploadForm,
)
from standortlotse.exchange.models import ImportJob, ImportRow
from standortlotse.properties import importing as property_import
from standortlotse.properties.exports import COLUMNS
from standortlotse.properties.models import Property

UPLOADS_PER_HOUR = 60


def _job(request, job_id) -> ImportJob:
    """The user's own job, while the target still lets them open it (a places job only while
    they moderate its region); else 404, as for another user's job."""
    job = get_object_or_404(services.visible_jobs(request.user), pk=job_id)
    if not services.may_open(request.user, job):
        raise Http404
    return job


@editor_required
def start(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if not hit(request, f"import-upload:{request.user.pk}", UPLOADS_PER_HOUR, 3600):
            form.add_error("file", _("Too many uploads in the last hour; please wait a little."))
        else:
            try:
                job = services.start(
                    request.user, form.cleaned_data["file"], language=request.LANGUAGE_CODE
                )
            except readers.Refused as refused:
                form.add_error("file", str(refused))
            else:
                return redirect("exchange:job", job_id=job.pk)
    jobs = services.visible_jobs(request.user).exclude(state=ImportJob.State.DISCARDED)[:20]
    return render(
        request,
        "exchange/start.html",
        {"form": form, "jobs": jobs},
        status=400 if form.errors else 200,
    )


def _target(key: str):
    try:
        return imports.get(key)
    except KeyError:
        raise Http404 from None


@editor_required
def start_target(request, target):
    """The upload of a target with a start form of its own (places: partner feed, source,
    format, region and the file); then the job page shows the check, preview and import."""
    module = _target(target)
    if not hasattr(module, "start_form"):
        return redirect("exchange:start")
    if not services.may_start(request.user, target):
        raise PermissionDenied
    form = module.start_form(request.user, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if not hit(request, f"import-upload:{request.user.pk}", UPLOADS_PER_HOUR, 3600):
            form.add_error("file", _("Too many uploads in the last hour; please wait a little."))
        else:
            try:
                job = services.start(
                    request.user,
                    form.cleaned_data["file"],
                    target=target,
                    options=module.options_of(form),
                    language=request.LANGUAGE_CODE,
                )
            except readers.Refused as refused:
                form.add_error("file", str(refused))
            else:
                return redirect("exchange:job", job_id=job.pk)
    jobs = (
        services.visible_jobs(request.user)
        .filter(target=target)
        .exclude(state=ImportJob.State.DISCARDED)[:20]
    )
    return render(
        request,
        module.START_TEMPLATE,
        {"form": form, "jobs": jobs},
        status=400 if form.errors else 200,
    )


def _target_context(job: ImportJob) -> dict:
    """What the job page says differently per target: whether there is a column step and a
    publish choice, where a new upload starts and where the imported records are."""
    module = services.target_of(job)
    return {
        "without_columns": not services.maps_columns(module),
        "without_publish_choice": not getattr(module, "PUBLISH_CHOICE", True),
        "start_url": getattr(module, "START_URL", "exchange:start"),
        "records_url": getattr(module, "RECORDS_URL", "properties:editor_list"),
        "record_url": getattr(module, "RECORD_URL", "properties:editor_edit"),
        "without_duplicate_update": not getattr(module, "DUPLICATE_UPDATE", True),
        "upload_warnings": job.options.get("warnings", []),
        "upload_warnings_link": (
            module.warnings_link(job) if hasattr(module, "warnings_link") else None
        ),
    }


# The coordinate columns by what a file calls them too: an "Ostwert" or "Rechtswert" column
# belongs to the longitude, a "Nordwert" or "Hochwert" one to the latitude.
COORDINATE_LABELS = {
    "lat": gettext_lazy("latitude or northing (y)"),
    "lon": gettext_lazy("longitude or easting (x)"),
}


def _column_label(column: str) -> str:
    return str(COORDINATE_LABELS.get(column) or property_import.column_label(column))


def _column_choices():
    return [(c, _column_label(c)) for c in COLUMNS]


@editor_required
def job(request, job_id):
    job = _job(request, job_id)
    context = {"job": job, "progress": services.progress(job), **_target_context(job)}
    mapping_step = job.state == ImportJob.State.MAPPING or request.GET.get("step") == "mapping"
    if mapping_step and not context["without_columns"]:
        context.update(_mapping_step(job))
    if job.state in (ImportJob.State.PREVIEW, ImportJob.State.DONE, ImportJob.State.FAILED):
        outcome = request.GET.get("outcome", "")
        rows = job.rows.all()
        if outcome in ImportRow.Outcome.values:
            rows = rows.filter(outcome=outcome)
        elif outcome == "duplicate":
            rows = rows.exclude(decision="")
        elif job.counts.get("error"):
            outcome = ""
        page = Paginator(rows, 100).get_page(request.GET.get("page"))
        for row in page:
            row.changed_labels = services.changed_labels(job, row.changed)  # type: ignore[attr-defined]
        context.update(
            {
                "rows": page,
                "outcome": outcome,
                "outcomes": [*ImportRow.Outcome.choices, ("duplicate", _("possible duplicates"))],
                "decisions": ImportRow.Decision.choices[1:],
                "confirm_form": ConfirmForm(initial={"publish": job.publish}),
            }
        )
        if job.state == ImportJob.State.PREVIEW:
            context["decided"] = services.decided_counts(job)
        if job.state == ImportJob.State.DONE:
            context["results"] = services.result_counts(job)
    return render(request, "exchange/job.html", context)


@editor_required
def job_progress(request, job_id):
    """The progress fragment, polled by htmx while the job runs; a finished job reloads the page."""
    job = _job(request, job_id)
    response = render(
        request, "exchange/_progress.html", {"job": job, "progress": services.progress(job)}
    )
    if not job.busy:
        response["HX-Refresh"] = "true"
    return response


@editor_required
@require_http_methods(["GET", "POST"])
def mapping(request, job_id):
    job = _job(request, job_id)
    if request.method == "GET":  # a reload of the page a refused step answered: back to the job
        return redirect("exchange:job", job_id=job.pk)
    step = _mapping_step(job, request.POST)
    form, crs_form = step["mapping_form"], step["crs_form"]
    if form.is_valid() and crs_form.is_valid():
        try:
            services.set_mapping(job, form.mapping(), crs_form.cleaned_data["crs"])
        except services.ImportStepRefused as error:
            form.add_error(None, str(error))
        else:
            return redirect("exchange:job", job_id=job.pk)
    # The columns on one field are named at their selects and in the summary: not a third time
    # among the points to check.
    step["mapping_warnings"] = services.mapping_warnings(
        job, form.submitted(), services.column_samples(job), duplicates=False
    )
    return render(request, "exchange/job.html", {"job": job, "progress": {}, **step}, status=400)


@editor_required
@require_POST
def mapping_checks(request, job_id):
    """The warnings and the coordinate system for the mapping as the form holds it now: the
    fragment htmx fetches when a select of the mapping step changes (nothing is saved). The
    coordinate section is sent whole only when it appears or disappears (the form had no
    coordinate system select, or has one it no longer needs); otherwise only its status line,
    so the select the user is on keeps its focus."""
    job = _job(request, job_id)
    step = _mapping_step(job, request.POST)
    had_section = CoordinateSystemForm.prefix + "-crs" in request.POST
    step["crs_swap_section"] = had_section != bool(step.get("crs_label"))
    return render(request, "exchange/_mapping_checks.html", {"job": job, "live": True, **step})


def _crs_context(job: ImportJob, mapping: dict[str, str], form: CoordinateSystemForm) -> dict:
    """The coordinate system choice of the mapping step: shown only when ``mapping`` reads
    coordinates from columns, with the system the check will use (the one chosen in ``form``,
    else the detected one) and where the first row lies in it."""
    status = services.crs_status(job, mapping, form["crs"].value() or "")
    if not status:
        return {}
    detected = status["detected"]
    return {
        "crs_label": str(coordinates.SYSTEMS[status["crs"]].label),
        "crs_chosen": status["crs"] != detected,
        "crs_detected_label": str(coordinates.SYSTEMS[detected].label) if detected else "",
        "crs_note": status["note"],
    }


def _mapping_step(job, data=None) -> dict:
    """The mapping form with sample values, the coordinate system form, the warnings and the
    coordinate system for the mapping shown (the job's, or the one sent in ``data``), and
    whether it was remembered. Reads the file at most once per job (``services._read_head``)."""
    samples = services.column_samples(job)
    form = MappingForm(
        data,
        headers=job.headers,
        columns=_column_choices(),
        initial_mapping=job.mapping,
        samples={h: tabular.shown_samples(v) for h, v in samples.items()},
        required=getattr(services.target_of(job), "REQUIRED", ()),
        looks_like=lambda header, _shown: services.target_of(job).looks_like(
            header, samples.get(header, [])
        ),
    )
    crs_form = CoordinateSystemForm(data, initial={"crs": job.crs})
    mapping = job.mapping if data is None else form.submitted()
    warnings = services.mapping_warnings(job, mapping, samples)
    return {
        "mapping_form": form,
        "crs_form": crs_form,
        "mapping_warnings": warnings,
        "mapping_remembered": data is None
        and job.state == ImportJob.State.MAPPING
        and job.mapping == services.remembered_mapping(job),
        **_crs_context(job, mapping, crs_form),
    }


@editor_required
@require_http_methods(["GET", "POST"])
def confirm(request, job_id):
    job = _job(request, job_id)
    if request.method == "GET":  # a reload of the page a refused step answered: back to the job
        return redirect("exchange:job", job_id=job.pk)
    form = ConfirmForm(request.POST)
    form.is_valid()
    if "decide" in request.POST:  # store the choices only: the counts then show what will happen
        try:
            services.set_decisions(
                job, _posted_decisions(request.POST), form.cleaned_data.get("rest", "")
            )
        except services.ImportStepRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Your choices are saved; the counts show what the import will do.")
            )
        return redirect("exchange:job", job_id=job.pk)
    try:
        services.confirm(
            job,
            form.cleaned_data.get("skip_errors", False),
            form.cleaned_data.get("publish", False),
            decisions=_posted_decisions(request.POST),
            rest=form.cleaned_data.get("rest", ""),
        )
    except services.ImportStepRefused as error:
        messages.error(request, str(error))
    return redirect("exchange:job", job_id=job.pk)


def _posted_decisions(post) -> dict[int, str]:
    """The choices of the preview's rows: ``decision-<row number>`` → update / create / skip."""
    decisions = {}
    for key, value in post.items():
        number = key.removeprefix("decision-")
        if number != key and number.isdigit():
            decisions[int(number)] = value
    return decisions


@editor_required
@require_http_methods(["GET", "POST"])
def discard(request, job_id):
    job = _job(request, job_id)
    if request.method == "GET":  # a reload of the page a refused step answered: back to the job
        return redirect("exchange:job", job_id=job.pk)
    try:
        services.discard(job)
    except services.ImportStepRefused as error:
        messages.error(request, str(error))
        return redirect("exchange:job", job_id=job.pk)
    messages.success(request, _("The import was discarded and its file deleted."))
    return redirect(_target_context(job)["start_url"])


@editor_required
def report(request, job_id):
    job = _job(request, job_id)
    if job.state not in (ImportJob.State.PREVIEW, ImportJob.State.DONE, ImportJob.State.FAILED):
        raise Http404
    headers = [
        _("row"),
        _("result"),
        _("record"),
        _("external ID"),
        _("title"),
        _("changed fields"),
        _("errors and notes"),
        _("possible duplicate"),
        _("decision"),
    ]
    body = readers.csv_text(headers, services.report_rows(job))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}.csv"'
    return response


@editor_required
def template_file(request, fmt):
    headers = list(COLUMNS)
    rows = property_import.template_example()
    if fmt == "csv":
        response = HttpResponse(
            readers.csv_text(headers, rows), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            _template_xlsx(headers, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = (
        f'attachment; filename="standortlotse-vorlage-immobilien.{fmt}"'
    )
    return response


def _template_xlsx(headers, rows) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Immobilien"
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    info = workbook.create_sheet("Spalten")
    info.append([_("column"), _("meaning"), _("accepted values")])
    for name, label, accepted in column_docs():
        info.append([name, label, accepted])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def column_docs():
    """(column, meaning, accepted values) for the column list page and the template: the forms
    come from ``property_import.accepted_forms``, i.e. from the tables the import reads with."""
    docs = []
    for name in COLUMNS:
        label = _column_label(name)
        forms = " · ".join(property_import.accepted_forms(name))
        if name == "municipality_ags":
            accepted = _("8-digit official key (AGS) or the name, e.g. 15090535 or Stendal")
        elif name == "outline":
            accepted = _("GeoJSON polygon; from GIS files the geometry is taken")
        elif name in ("lat", "lon"):
            accepted = (
                coordinates.accepted_forms()
                + " · "
                + _(
                    "headers such as Breite/Länge, Rechtswert/Hochwert, Ostwert/Nordwert, X/Y; "
                    "without coordinates the municipality centre is taken (marked as approximate)"
                )
            )
        elif not forms:
            accepted = _("text")
        else:
            model_field = concrete_field(Property, name)
            accepted = forms
            if name == "availability":
                accepted = _("%(forms)s (a date, quarter or year means “from date”)") % {
                    "forms": forms
                }
            elif name == "planning_status":
                accepted = _(
                    "%(forms)s (free text is read by these words; Außenbereich § 35 leaves it empty)"
                ) % {"forms": forms}
            elif model_field.get_internal_type() == "BooleanField":
                accepted = _("%(forms)s (a dash means no)") % {"forms": forms}
        required = name in property_import.REQUIRED
        docs.append((name, f"{label}{' *' if required else ''}", accepted))
    return docs


@editor_required
def columns(request):
    return render(
        request,
        "exchange/columns.html",
        {
            "docs": column_docs(),
            "coordinate_systems": coordinates.choices(),
            "plausible_km": property_import.PLAUSIBLE_KM,
        },
    )
