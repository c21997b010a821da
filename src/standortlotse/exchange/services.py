"""Bulk import, step by step: upload → map columns → check (preview) → confirm → import.

Nothing is written to the register before the user confirms, and the import itself runs in one
transaction: either every accepted row is written or none. Checking and importing run as
background tasks for large files; they stream the file in batches, so memory does not grow with
its size. Progress goes to the cache (shared by web and worker processes).
"""

from __future__ import annotations

import os
from itertools import islice

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.core.files import File
from django.db import connections, models, router, transaction
from django.db.models import Count, Min
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from standortlotse.accounts import policy
from standortlotse.core import bulk, imports
from standortlotse.core.queue import enqueue_with_transaction
from standortlotse.core.tabular import columns as tabular
from standortlotse.core.tabular import coordinates, readers
from standortlotse.core.textsearch import fold
from standortlotse.exchange import (
    tasks,  # imports this module back: its tasks are looked up when enqueued
)
from standortlotse.exchange.models import ColumnMemory, ImportJob, ImportRow

BATCH = 1000
State = ImportJob.State


class ImportStepRefused(Exception):
    """A step that cannot be taken now; the message is for the user."""


def target_of(job: ImportJob):
    return imports.get(job.target)


def maps_columns(module) -> bool:
    """Whether the target's files have a column step (a table's columns are assigned); a target
    whose formats name their fields themselves is checked right after the upload."""
    return getattr(module, "MAPS_COLUMNS", True)


def may_start(user, target: str) -> bool:
    module = imports.get(target)
    return module.may_start(user) if hasattr(module, "may_start") else policy.is_editor(user)


def may_open(user, job: ImportJob) -> bool:
    """Whether ``user`` may see and take the steps of ``job`` (besides having started it)."""
    module = target_of(job)
    return module.may_open(user, job) if hasattr(module, "may_open") else True


def _organisation(user):
    ids = policy.organisation_ids(user)
    return ids[0] if ids else None


def start(
    user,
    upload,
    target: str = "properties",
    publish: bool = False,
    options: dict | None = None,
    language: str | None = None,
) -> ImportJob:
    """Store the upload, check what it is (refusing hostile files) and suggest a mapping; for a
    target without a column step, start the check at once. ``options`` are the target's own
    parameters (for places: region, source, partner feed, format); ``language`` (the request's;
    the active one if None) is the one the check and the import write their notes in."""
    module = imports.get(target)
    job = ImportJob(
        target=target,
        created_by=user,
        filename=os.path.basename(upload.name)[:255],
        publish=publish,
        options=dict(options or {}),
        language=job_language(language),
    )
    job.organisation_id = _organisation(user)
    job.file.save(f"{job.id}{os.path.splitext(upload.name)[1].lower()}", File(upload), save=False)
    try:
        table = _table(job)
    except readers.Refused:
        job.file.delete(save=False)
        raise
    job.file_kind, job.file_note, job.headers = table.kind, table.note[:200], table.headers
    if warnings := getattr(table, "warnings", None):
        job.options["warnings"] = list(warnings)
    if not maps_columns(module):
        job.state = State.ANALYSING
        job.save()
        enqueue_with_transaction(tasks.analyse_task, str(job.id))
        return job
    head = _read_head(job, table)
    if head.get("refused"):
        # A formula or an oversized cell among the first rows: refused now, with the cell named,
        # rather than after the editor has assigned the columns.
        cache.delete(_samples_key(job))
        job.file.delete(save=False)
        raise readers.Refused(head["refused"])
    samples = head["samples"]
    job.mapping = suggested_mapping(job, samples)
    job.crs = remembered_crs(job) or detect_crs(job, job.mapping)
    job.save()
    return job


def remembered_crs(job: ImportJob) -> str:
    """The coordinate system confirmed last time with the mapping this job starts with (a file
    of the same shape, the mapping unchanged): a user who chose DHDN over the detected 42/83
    is not asked again, and the points do not move by 600 m on the next upload. Read with the
    remembered mapping (``_memory``), not again."""
    if not job.organisation_id or not job.mapping:
        return ""
    mapping, crs = _memory(job)
    if job.mapping != mapping:
        return ""
    return crs if crs in coordinates.SYSTEMS else ""


def job_language(code: str | None) -> str:
    """One of settings.LANGUAGES for ``code`` (the active language if None), else the site's."""
    try:
        return translation.get_supported_language_variant(code or translation.get_language())
    except LookupError:
        return settings.LANGUAGE_CODE


CRS_SAMPLE = 200


def detect_crs(job: ImportJob, mapping: dict[str, str]) -> str:
    """The coordinate system of the file's coordinate columns, from its first rows ("" if the
    target reads no coordinates from columns or the mapping has none)."""
    module = target_of(job)
    if not hasattr(module, "detect_crs"):
        return ""
    return module.detect_crs(_first_rows(job), mapping, job.created_by)


def describe_crs(job: ImportJob, crs: str, mapping: dict[str, str] | None = None) -> str:
    """Where the first row lies in ``crs`` under ``mapping`` (the job's by default), or ""."""
    module = target_of(job)
    if not crs or not hasattr(module, "describe_crs"):
        return ""
    mapping = job.mapping if mapping is None else mapping
    return module.describe_crs(_first_rows(job), mapping, job.created_by, crs)


def crs_status(job: ImportJob, mapping: dict[str, str], chosen: str = "") -> dict:
    """The coordinate system of the mapping step for ``mapping``: the one detected from the
    values, the one the check will use (``chosen`` if it is a system, else the detected one) and
    where the first row lies in it; {} when the mapping reads no coordinates from columns."""
    detected = detect_crs(job, mapping)
    crs = chosen if chosen in coordinates.SYSTEMS else detected
    note = describe_crs(job, crs, mapping) if crs else ""
    if not detected and not note:
        return {}
    return {"crs": crs, "detected": detected, "note": note}


def _first_rows(job: ImportJob) -> list:
    """The file's first ``CRS_SAMPLE`` rows, read once per job (``_read_head``); none if it
    cannot be read (the check reports why)."""
    return _read_head(job)["rows"]


def _context(module, job: ImportJob):
    if hasattr(module, "job_context"):
        return module.job_context(job)
    if hasattr(module, "detect_crs"):
        return module.Context(job.created_by, job.mapping, job.headers, crs=job.crs)
    return module.Context(job.created_by, job.mapping, job.headers)


SAMPLES_SECONDS = 24 * 3600


def _samples_key(job: ImportJob) -> str:
    return f"import-head:{job.id}"


def _sample(
    table, headers: list[str], head: list | None = None, refusals: list | None = None
) -> dict[str, list]:
    """The sample values; a row the check will refuse (a cell too long, a formula) ends the
    sample, and its reason is appended to ``refusals``. The first ``CRS_SAMPLE`` rows read on the
    way are appended to ``head``."""
    rows = table.rows()

    def readable():
        try:
            for row in rows:
                if head is not None and len(head) < CRS_SAMPLE:
                    head.append(row)
                yield row
        except readers.Refused as refused:
            if refusals is not None and not refusals:
                refusals.append(str(refused))
            return

    samples = tabular.sample_values(readable(), headers)
    if head is not None and len(head) < CRS_SAMPLE:
        for _row in readable():  # the samples were found before CRS_SAMPLE rows
            if len(head) >= CRS_SAMPLE:
                break
    return samples


def _read_head(job: ImportJob, table=None) -> dict:
    """What the mapping step shows of the file, read in one pass and kept in the cache for a day
    (the page, its live checks and a failed submit open the file no more): the sample values of
    each column (``samples``) and the first ``CRS_SAMPLE`` rows (``rows``, for the coordinate
    system). ``table`` is the file just opened at upload."""
    head = cache.get(_samples_key(job))
    if head is not None and table is None:
        return head
    rows: list = []
    refusals: list[str] = []
    try:
        samples = _sample(table or _table(job), job.headers, rows, refusals)
    except (readers.Refused, OSError):
        samples = {}
    head = {"samples": samples, "rows": [readers.Row(r.number, r.cells) for r in rows]}
    if refusals:
        head["refused"] = refusals[0]
    cache.set(_samples_key(job), head, SAMPLES_SECONDS)
    return head


def column_samples(job: ImportJob) -> dict[str, list]:
    """The first non-blank values of each column (``tabular.sample_values``), read once."""
    return _read_head(job)["samples"]


def _memory(job: ImportJob) -> tuple[dict[str, str], str]:
    """(the mapping, the coordinate system) the organisation confirmed last time for a file of
    this shape (({}, "") if none), in one query, kept on the job object: the upload asks for
    both, the mapping step for the mapping (``_remember`` forgets it when it writes)."""
    kept = getattr(job, "_remembered", None)
    if kept is not None:
        return kept
    if not job.organisation_id:
        return {}, ""
    stored: dict[str, str] = {}
    crs = ""
    for header, column, system in ColumnMemory.objects.filter(
        organisation_id=job.organisation_id,
        target=job.target,
        shape=tabular.file_shape(job.headers),
    ).values_list("header", "column", "crs"):
        stored[header] = column
        crs = crs or system
    mapping = (
        {header: stored.get(fold(header)[:200], "") for header in job.headers} if stored else {}
    )
    job._remembered = (mapping, crs)  # type: ignore[attr-defined]
    return mapping, crs


def remembered_mapping(job: ImportJob) -> dict[str, str]:
    """The mapping the organisation confirmed last time for a file of this shape (the same set
    of headers, ``tabular.file_shape``), or {}."""
    return dict(_memory(job)[0])


def suggested_mapping(job: ImportJob, samples: dict[str, list] | None = None) -> dict[str, str]:
    """The mapping confirmed last time for a file of this shape; else the suggestion from header
    words and values, over which go the headers the organisation assigned before (each field
    still taken by one column only)."""
    remembered = remembered_mapping(job)
    if remembered:
        return remembered
    module = target_of(job)
    samples = column_samples(job) if samples is None else samples
    mapping = dict.fromkeys(job.headers, "")
    mapping.update(module.suggest(job.headers, samples))
    if job.organisation_id:
        before = dict(
            ColumnMemory.objects.filter(
                organisation_id=job.organisation_id,
                target=job.target,
                shape="",
                header__in=job.headers,
            ).values_list("header", "column")
        )
        taken = {column for column in before.values() if column}
        for header in job.headers:
            if header in before:
                mapping[header] = before[header]
            elif mapping[header] in taken:
                mapping[header] = ""
    return mapping


def duplicate_assignments(mapping: dict[str, str]) -> dict[str, list[str]]:
    """Field → the headers assigned to it, for the fields that got more than one."""
    headers: dict[str, list[str]] = {}
    for header, column in mapping.items():
        if column:
            headers.setdefault(column, []).append(header)
    return {column: found for column, found in headers.items() if len(found) > 1}


def duplicate_message(headers: list[str], label: str) -> str:
    return _(
        "The columns %(columns)s are all assigned to “%(field)s”; a field takes one column. "
        "Set the others to “do not import” or to another field."
    ) % {"columns": ", ".join(_("“%(name)s”") % {"name": h} for h in headers), "field": label}


def duplicate_select_message(others: list[str], label: str) -> str:
    """At the select of a column whose field ``label`` the columns ``others`` have as well."""
    return _(
        "The field “%(field)s” is also assigned to the column %(columns)s; a field takes one "
        "column. Choose another field here or “%(none)s”."
    ) % {
        "field": label,
        "columns": ", ".join(_("“%(name)s”") % {"name": h} for h in others),
        "none": _("– do not import –"),
    }


def required_message(label: str) -> str:
    return _("The field “%(field)s” is required: assign it to one of the columns.") % {
        "field": label
    }


def required_select_message(label: str) -> str:
    """At the select of an unassigned column that looks like the required field ``label``."""
    return _(
        "The field “%(field)s” is required and no column is assigned to it; this column looks "
        "like it: choose “%(field)s” here, or assign it to another column."
    ) % {"field": label}


def mapping_warnings(
    job: ImportJob, mapping: dict[str, str], samples: dict[str, list], duplicates: bool = True
) -> list:
    """What the editor should look at before checking: two columns on one field (unless
    ``duplicates`` is false: a refused submit names them at their selects), and columns that
    look important (area, price, municipality, title, coordinates) but stay unmapped."""
    module = target_of(job)
    warnings = [
        duplicate_message(headers, module.column_label(column))
        for column, headers in duplicate_assignments(mapping).items()
        if duplicates
    ]
    for header in job.headers:
        if mapping.get(header):
            continue
        looks = module.looks_like(header, samples.get(header, []))
        if looks:
            warnings.append(
                _("The column “%(header)s” looks like “%(field)s” but is not imported.")
                % {"header": header, "field": module.column_label(looks)}
            )
    return warnings


def set_mapping(job: ImportJob, mapping: dict[str, str], crs: str | None = None) -> None:
    """Save the user's mapping and coordinate system (detected again for the new mapping when
    ``crs`` is not one of the systems), remember the mapping for the organisation and start the
    check."""
    module = target_of(job)
    if job.busy:
        raise ImportStepRefused(_("This import is running; wait until it is finished."))
    if job.state in (State.DONE, State.DISCARDED):
        raise ImportStepRefused(_("This import is finished; start a new one."))
    used = [c for c in mapping.values() if c]
    duplicates = duplicate_assignments(mapping)
    if duplicates:
        raise ImportStepRefused(
            " ".join(
                duplicate_message(headers, module.column_label(column))
                for column, headers in duplicates.items()
            )
        )
    missing = [c for c in module.REQUIRED if c not in used]
    if missing:
        raise ImportStepRefused(" ".join(required_message(module.column_label(c)) for c in missing))
    job.mapping = {h: mapping.get(h, "") for h in job.headers}
    job.crs = crs if crs in coordinates.SYSTEMS else detect_crs(job, job.mapping)
    job.state, job.counts, job.message = State.ANALYSING, {}, ""
    job.save(update_fields=["mapping", "crs", "state", "counts", "message"])
    if job.organisation_id:
        _remember(job, job.organisation_id)
    enqueue_with_transaction(tasks.analyse_task, str(job.id))


def _remember(job: ImportJob, organisation_id: int) -> None:
    """Each header's column for files of any shape, and the whole mapping for this shape."""
    job.__dict__.pop("_remembered", None)
    for header, column in job.mapping.items():
        ColumnMemory.objects.update_or_create(
            organisation_id=organisation_id,
            target=job.target,
            shape="",
            header=header[:200],
            defaults={"column": column},
        )
    shape = tabular.file_shape(job.headers)
    folded: dict[str, str] = {}
    for header, column in job.mapping.items():
        folded.setdefault(fold(header)[:200], column)
    memory = ColumnMemory.objects.filter(
        organisation_id=organisation_id, target=job.target, shape=shape
    )
    memory.delete()
    ColumnMemory.objects.bulk_create(
        ColumnMemory(
            organisation_id=organisation_id,
            target=job.target,
            shape=shape,
            header=header,
            column=column,
            crs=job.crs,
        )
        for header, column in folded.items()
    )


def progress_key(job_id) -> str:
    return f"import-progress:{job_id}"


def progress(job: ImportJob) -> dict:
    return cache.get(progress_key(job.id)) or {"done": 0}


def _report_progress(job: ImportJob, done: int):
    cache.set(progress_key(job.id), {"done": done}, 3600)


def _batches(iterable, size):
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def _table(job):
    module = target_of(job)
    if hasattr(module, "open_table"):  # a target with readers of its own
        return module.open_table(job.file.path, job.filename, job.options)
    return readers.open_table(job.file.path, job.filename, module.known_headers())


def analyse(job: ImportJob) -> ImportJob:
    """Check every row: new / update / unchanged / conflict / error, stored per row for the
    preview."""
    module = target_of(job)
    counts = {"new": 0, "update": 0, "unchanged": 0, "error": 0, "warning": 0}
    ImportRow.objects.filter(job=job).delete()
    done = 0
    try:
        ctx = _context(module, job)
        check = module.duplicate_check(ctx) if hasattr(module, "duplicate_check") else None
        identical_in_sql = hasattr(check, "leave_identical_rows_to_caller")
        if identical_in_sql:  # found in SQL by the stored fingerprints, not kept in memory
            check.leave_identical_rows_to_caller()  # type: ignore[union-attr]
        near_later = hasattr(check, "leave_near_rows_to_caller")
        if near_later:  # found after the last batch from the stored rows, not kept in memory
            check.leave_near_rows_to_caller()  # type: ignore[union-attr]
        for batch in _batches(_table(job).rows(), BATCH):
            converted = [module.convert(row, ctx) for row in batch]
            results = []
            planned = module.plan(converted, ctx)
            findings = check.check(planned) if check else {}
            titles = (
                module.record_titles(f.record for f in findings.values() if f.record)
                if findings
                else {}
            )
            fingerprints = getattr(check, "fingerprints", {})
            near = getattr(check, "near", {})
            # The new rows' records, built once here and written by apply as they are.
            staged = module.stage(planned, ctx) if hasattr(module, "stage") else {}
            for outcome, row, _existing, changed in planned:
                counts[outcome] = counts.get(outcome, 0) + 1  # "conflict" only where there are
                counts["warning"] += bool(row.warnings)
                result = ImportRow(
                    job=job,
                    number=row.number,
                    outcome=outcome,
                    external_id=row.external_id[:100],
                    title=str(row.values.get("title", ""))[:200],
                    messages=[list(e) for e in row.errors] + [["", w] for w in row.warnings],
                    changed=changed,
                    fingerprint=fingerprints.get(row.number),
                    staged=staged.get(row.number, ""),
                )
                if compared := near.get(row.number):
                    result.near_group, result.near_a, result.near_b = compared
                if finding := findings.get(row.number):
                    _note_duplicate(result, finding, titles)
                results.append(result)
            _store_rows(results)
            done += len(batch)
            _report_progress(job, done)
    except readers.Refused as refused:
        return _fail(job, str(refused))
    if near_later:
        _mark_near_rows(job, check)
    if identical_in_sql:
        _mark_identical_rows(job)
    _mark_duplicate_ids(job, module, counts)
    if duplicates := ImportRow.objects.filter(job=job).exclude(decision="").count():
        counts["duplicate"] = duplicates
    job.counts = counts
    job.state = State.PREVIEW
    job.save(update_fields=["counts", "state"])
    return job


def _store_rows(rows: list[ImportRow]) -> None:
    """``bulk_create`` of a batch of rows in one ``executemany``, one transaction: the values as
    each field prepares them for the database (``get_db_prep_save``), without the per-object
    SQL compilation of ``bulk_create`` (which SQLite splits into statements of 66 rows, 999
    parameters each) and without reading the new keys back (nothing here uses them)."""

    fields = [f for f in ImportRow._meta.concrete_fields if not f.primary_key]
    connection = connections[router.db_for_write(ImportRow)]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(ImportRow._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    if not rows:
        return
    # A str, int, bool or None is what the database takes for the text, number, yes/no and key
    # fields (what their get_db_prep_save returns for it); anything else (JSON lists, a choice
    # member) is prepared by its field.
    plain = (str, int, bool, type(None))
    columns = [(f.attname, isinstance(f, models.JSONField), f.get_db_prep_save) for f in fields]
    params = [
        [
            value if not json_field and value.__class__ in plain else prepare(value, connection)
            for name, json_field, prepare in columns
            for value in (getattr(row, name),)
        ]
        for row in rows
    ]
    with transaction.atomic(using=connection.alias, savepoint=False):
        if connection.vendor == "postgresql":
            bulk.copy_rows(connection, ImportRow._meta.db_table, [f.column for f in fields], params)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(sql, params)


def _mark_near_rows(job: ImportJob, check) -> None:
    """A new row near-identical to an earlier row of the file (the target's ``near_rows`` over
    the stored rows, read in the order of their ``near_group`` and number) is a possible
    duplicate of it and needs the editor's choice. The rows are streamed from the database; only
    the rows found are kept."""
    stored = (
        ImportRow.objects.filter(job=job, near_group__isnull=False)
        .order_by("near_group", "number")
        .values_list("number", "near_group", "title", "near_a", "near_b", "outcome")
    )
    found = dict(
        check.near_rows(
            (number, group, title, a, b, outcome == ImportRow.Outcome.NEW)
            for number, group, title, a, b, outcome in stored.iterator(chunk_size=2000)
        )
    )
    numbers = list(found)
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        _update_rows(
            ["duplicate_of_row", "decision"],
            [
                (pk, found[number], ImportRow.Decision.ASK.value)
                for pk, number in ImportRow.objects.filter(job=job, number__in=chunk).values_list(
                    "pk", "number"
                )
            ],
            casts=["bigint", None],
        )


def _mark_identical_rows(job: ImportJob) -> None:
    """A new row whose parsed values are those of an earlier row (the same
    ``ImportRow.fingerprint``) is "identical to row N", N the first of them; it starts as
    "skip" unless a record of the register was found for it too (see ``_note_duplicate``).
    One grouping query over the job's stored rows and an update per 500 fingerprints: nothing
    per row of the file is kept in memory (only the fingerprints that repeat), and no query per
    batch depends on the statistics of a table that grows while the check runs (PostgreSQL
    scanned it whole for each batch before they were analysed)."""
    Decision = ImportRow.Decision
    groups = (
        ImportRow.objects.filter(job=job, fingerprint__isnull=False)
        .values("fingerprint")
        .annotate(n=Count("pk"), first=Min("number"))
        .filter(n__gt=1)
        .values_list("fingerprint", "first")
        .order_by()
    )
    # Only the fingerprints that occur more than once (about 1 % of the rows of the benchmark).
    firsts = {fingerprint: first for fingerprint, first in groups if fingerprint is not None}
    keys = list(firsts)
    for start in range(0, len(keys), 500):
        _mark_identical_chunk(job, {k: firsts[k] for k in keys[start : start + 500]}, Decision)


def _mark_identical_chunk(job: ImportJob, firsts: dict[int, int], Decision) -> None:
    """The rows of ``firsts``' fingerprints after their first: "identical to row N", written
    like the other results (``_update_rows``: UPDATE … FROM (VALUES …)); ``bulk_update``
    builds a CASE expression per row and field."""
    rows = [
        (pk, firsts[fingerprint], Decision.ASK.value if record else Decision.SKIP.value)
        for pk, number, fingerprint, record in ImportRow.objects.filter(
            job=job, fingerprint__in=list(firsts), outcome=ImportRow.Outcome.NEW
        ).values_list("pk", "number", "fingerprint", "duplicate_of_record")
        if fingerprint is not None and number > firsts[fingerprint]
    ]
    _update_rows(
        ["duplicate_of_row", "decision"],
        rows,
        casts=["bigint", None],
        also={"duplicate_identical": True},
    )


def _update_rows(
    columns: list[str], rows: list[tuple], casts: list[str | None], also: dict | None = None
) -> None:
    """``UPDATE exchange_importrow SET column = v.… FROM (VALUES (pk, value, …), …)`` per 500
    rows (PostgreSQL, SQLite ≥ 3.33): one statement for many rows. ``rows`` are (pk, value per
    column); ``casts`` the SQL type of each column's values where the VALUES list needs one
    (its parameters have no type on PostgreSQL), ``also`` columns set to one value for all."""
    if not rows:
        return
    connection = connections[router.db_for_write(ImportRow)]
    quote, table = connection.ops.quote_name, connection.ops.quote_name(ImportRow._meta.db_table)
    assignments = [
        f"{quote(column)} = " + (f"CAST(v.column{n} AS {cast})" if cast else f"v.column{n}")
        for n, (column, cast) in enumerate(zip(columns, casts, strict=True), start=2)
    ]
    assignments += [f"{quote(column)} = %s" for column in also or {}]
    fixed = list((also or {}).values())
    placeholders = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            cursor.execute(
                f"UPDATE {table} SET {', '.join(assignments)} "
                f"FROM (VALUES {', '.join([placeholders] * len(chunk))}) AS v "
                f"WHERE {table}.{quote('id')} = CAST(v.column1 AS bigint)",
                [*fixed, *(value for row in chunk for value in row)],
            )


def _note_duplicate(row: ImportRow, finding, titles: dict[int, str]) -> None:
    """A possible duplicate, with the choice it starts with: a row identical to an earlier one
    (and like no record) is skipped, the same row twice is never meant; any other — a record of
    the register (by position or title; an area is only a further reason) or a near-identical
    row — needs the editor's choice before the import can start."""
    Decision = ImportRow.Decision
    row.duplicate_of_row, row.duplicate_identical = finding.row, finding.identical
    row.duplicate_of_record = finding.record
    row.duplicate_record_title = titles.get(finding.record, "")[:200] if finding.record else ""
    row.duplicate_reasons = finding.reasons
    if finding.identical and not finding.record:
        row.decision = Decision.SKIP
    else:
        row.decision = Decision.ASK


def _mark_duplicate_ids(job: ImportJob, module, counts: dict) -> None:
    """A second row with the same external ID is an error (found in SQL, not in memory)."""
    duplicates = (
        ImportRow.objects.filter(job=job)
        .exclude(external_id="")
        .values("external_id")
        .annotate(n=Count("pk"), first=Min("number"))
        .filter(n__gt=1)
    )
    for duplicate in duplicates.iterator():
        later = ImportRow.objects.filter(
            job=job, external_id=duplicate["external_id"], number__gt=duplicate["first"]
        )
        for row in later:
            if row.outcome != "error":
                counts[row.outcome] -= 1
                counts["error"] += 1
            row.outcome, row.decision = "error", ""
            row.messages = [
                [
                    module.column_label("external_id"),
                    _("The ID “%(id)s” occurs already in row %(row)d.")
                    % {"id": row.external_id, "row": duplicate["first"]},
                ],
                *row.messages,
            ]
            row.save(update_fields=["outcome", "messages", "decision"])


def set_decisions(job: ImportJob, decisions: dict[int, str], rest: str = "") -> None:
    """Store the editor's choice per possible duplicate (row number → "update" / "create" /
    "skip"); ``rest`` ("create" or "skip") is taken for every row still undecided. "update" is
    offered only where a record of the register was found."""
    Decision = ImportRow.Decision
    if job.state != State.PREVIEW:
        raise ImportStepRefused(_("Only a checked import can be confirmed."))
    duplicates = ImportRow.objects.filter(job=job).exclude(decision="")
    by_choice: dict[str, list[int]] = {}
    for number, choice in decisions.items():
        if choice in (Decision.UPDATE, Decision.CREATE, Decision.SKIP):
            by_choice.setdefault(choice, []).append(number)
    for choice, numbers in by_choice.items():
        rows = duplicates.filter(number__in=numbers)
        if choice == Decision.UPDATE:
            if not getattr(target_of(job), "DUPLICATE_UPDATE", True):
                continue  # the target only creates anyway or skips
            rows = rows.filter(duplicate_of_record__isnull=False)
        rows.update(decision=choice)
    if rest in (Decision.CREATE, Decision.SKIP):
        duplicates.filter(decision=Decision.ASK).update(decision=rest)


def decided_counts(job: ImportJob) -> dict[str, int]:
    """What the import will do with the rows as the editor has decided so far (one grouping
    query): new / update / unchanged / conflict / error as checked, the possible duplicates by
    their choice — "update" counts as an update, "create anyway" as new, "skip" as ``skip``
    (skipped by the editor's choice), undecided as ``ask``. The preview and the confirm step
    show these; the result page counts the same rows the same way."""
    Decision = ImportRow.Decision
    counts = dict.fromkeys(("new", "update", "unchanged", "conflict", "error", "skip", "ask"), 0)
    grouped = job.rows.values_list("outcome", "decision").annotate(n=Count("pk")).order_by()
    for outcome, decision, n in grouped:
        if outcome == ImportRow.Outcome.ERROR:
            counts["error"] += n
        elif decision == Decision.SKIP:
            counts["skip"] += n
        elif decision == Decision.ASK:
            counts["ask"] += n
        elif decision == Decision.UPDATE and outcome == ImportRow.Outcome.NEW:
            counts["update"] += n
        else:
            counts[outcome] = counts.get(outcome, 0) + n
    return counts


def undecided_rows(job: ImportJob) -> list[int]:
    return list(
        ImportRow.objects.filter(job=job, decision=ImportRow.Decision.ASK).values_list(
            "number", flat=True
        )
    )


def _refuse_double_updates(job: ImportJob) -> None:
    """Two rows may not both update the same record (the second would overwrite the first)."""
    clash = (
        ImportRow.objects.filter(job=job, decision=ImportRow.Decision.UPDATE)
        .values("duplicate_of_record")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("duplicate_of_record")
        .first()
    )
    if clash:
        record = clash["duplicate_of_record"]
        numbers = ImportRow.objects.filter(
            job=job, decision=ImportRow.Decision.UPDATE, duplicate_of_record=record
        ).values_list("number", flat=True)
        raise ImportStepRefused(
            _("Rows %(rows)s would all update the record #%(id)d; choose “update” for one of them.")
            % {"rows": ", ".join(str(n) for n in numbers), "id": record}
        )


def confirm(
    job: ImportJob,
    skip_errors: bool,
    publish: bool,
    decisions: dict[int, str] | None = None,
    rest: str = "",
) -> None:
    if job.state != State.PREVIEW:
        raise ImportStepRefused(_("Only a checked import can be confirmed."))
    if decisions or rest:
        set_decisions(job, decisions or {}, rest)
    _refuse_double_updates(job)
    undecided = undecided_rows(job)
    if undecided:
        shown = ", ".join(str(n) for n in undecided[:10]) + (" …" if len(undecided) > 10 else "")
        raise ImportStepRefused(
            ngettext(
                "%(n)d row may be a duplicate and has no decision yet (row %(rows)s). Choose "
                "for it: update the existing record, create anyway or skip.",
                "%(n)d rows may be duplicates and have no decision yet (rows %(rows)s). Choose "
                "for each: update the existing record, create anyway or skip — or one choice "
                "for all of them.",
                len(undecided),
            )
            % {"n": len(undecided), "rows": shown}
        )
    if job.error_rows and not skip_errors:
        raise ImportStepRefused(
            ngettext(
                "%(n)d row has errors. Correct the file and upload it again, or confirm that it is skipped.",
                "%(n)d rows have errors. Correct the file and upload it again, or confirm that these rows are skipped.",
                job.error_rows,
            )
            % {"n": job.error_rows}
        )
    decided = decided_counts(job)
    if not (decided["new"] or decided["update"] or decided["conflict"]):
        raise ImportStepRefused(_("There is nothing to import: no new or changed rows."))
    job.skip_errors, job.publish, job.state = skip_errors, publish, State.IMPORTING
    job.save(update_fields=["skip_errors", "publish", "state"])
    enqueue_with_transaction(tasks.apply_task, str(job.id))


class _Changed(Exception):
    pass


class DecisionRefused(Exception):
    """A target's ``decide`` cannot carry out the choice for a possible duplicate: (row number,
    message). A target's own class of that name derives from it or is caught by that name."""


def _decision_refusals(module) -> tuple[type[Exception], ...]:
    own = getattr(module, "DecisionRefused", None)
    return (DecisionRefused, own) if own else (DecisionRefused,)


def apply(job: ImportJob) -> ImportJob:
    """Write the accepted rows in one transaction; a row that now checks differently than in the
    preview (the file or the register changed meanwhile) stops the import, and nothing is written."""
    module = target_of(job)
    # "held": new records a target left as drafts although the import publishes (properties:
    # below the publication gate).
    written = {"new": 0, "update": 0, "conflict": 0, "held": 0}
    reason = _("import of %(file)s") % {"file": job.filename}
    done = 0
    try:
        ctx = _context(module, job)
        if hasattr(ctx, "previewed"):  # a target that checks less of what the preview checked
            ctx.publish = job.publish
        with transaction.atomic():
            for batch in _batches(_table(job).rows(), BATCH):
                # What the preview said about these rows (one batch at a time: memory stays flat).
                expected, decisions, stored, staged = {}, {}, {}, {}
                for pk, number, outcome, decision, record, text in ImportRow.objects.filter(
                    job=job, number__in=[row.number for row in batch]
                ).values_list(
                    "pk", "number", "outcome", "decision", "duplicate_of_record", "staged"
                ):
                    expected[number], stored[number] = outcome, pk
                    if decision:
                        decisions[number] = (decision, record)
                    if text and outcome == "new" and decision in ("", ImportRow.Decision.CREATE):
                        staged[number] = text
                if hasattr(ctx, "previewed"):
                    ctx.previewed = expected
                # A new row the preview built the record of is written as built; the others
                # are read, checked and planned again.
                converted = [module.convert(row, ctx) for row in batch if row.number not in staged]
                outcomes = module.plan(converted, ctx) if converted else []
                for outcome, row, _e, _c in outcomes:
                    if expected.get(row.number) != outcome and not (
                        expected.get(row.number) == "error"
                    ):
                        raise _Changed(row.number)
                accepted = [
                    o
                    for o in outcomes
                    if o[0] in ("new", "update", "conflict") and expected.get(o[1].number) == o[0]
                ]
                if decisions:
                    accepted = module.decide(accepted, decisions, ctx)
                result = module.write(accepted, job.created_by, job.publish, reason)
                rows = dict(result.get("rows", {}))
                if staged:
                    written_staged = module.write_staged(
                        staged, job.created_by, job.publish, reason, ctx
                    )
                    if changed := written_staged.get("changed"):
                        raise _Changed(changed)
                    rows.update(written_staged["rows"])
                    for key in ("new", "held"):
                        result[key] = result.get(key, 0) + written_staged.get(key, 0)
                for key in written:
                    written[key] += result.get(key, 0)
                _record_results(stored, expected, accepted, rows)
                done += len(batch)
                _report_progress(job, done)
    except _Changed as changed:
        return _fail(
            job,
            _(
                "Row %(row)d differs from the preview (the file or the register changed meanwhile). "
                "Nothing was imported; please check again."
            )
            % {"row": changed.args[0]},
        )
    except _decision_refusals(module) as refused:
        number, message = refused.args
        return _fail(
            job,
            _("Row %(row)d: %(message)s Nothing was imported.")
            % {"row": number, "message": message},
        )
    except readers.Refused as refused:
        return _fail(job, str(refused))
    job.counts = {
        **job.counts,
        "written_new": written["new"],
        "written_update": written["update"],
        "written_conflict": written["conflict"],
        "written_held": written["held"],
    }
    job.state, job.finished_at = State.DONE, timezone.now()
    job.save(update_fields=["counts", "state", "finished_at"])
    if hasattr(module, "finished"):
        module.finished(job)
    return job


RESULT_OF = {
    "new": ImportRow.Result.CREATED,
    "update": ImportRow.Result.UPDATED,
    "conflict": ImportRow.Result.CONFLICT,
}


def _record_results(stored: dict, expected: dict, accepted: list, written: dict) -> None:
    """What the import did with each row of a batch, for the result page and the report: created
    or updated (with the record, where the target names it), kept as a conflict, unchanged,
    skipped by the editor's choice or for its error. ``written`` is the target's
    ``{number: (outcome, record id, changed fields)}``; without it the planned outcome counts.
    ``stored`` and ``expected`` are the batch's preview rows as apply read them (number → key,
    number → outcome).

    Written in plain SQL: ``bulk_update`` builds a CASE expression per row and field, which was
    40 % of a 10,000-row import (bench/import_properties.py --profile)."""
    done = {
        o[1].number: (
            o[0],
            getattr(o[2], "pk", None) if o[0] == "unchanged" else None,
            o[3] if len(o) > 3 else [],
        )
        for o in accepted
    }
    done.update(written)
    results, changes = [], []
    for number, pk in stored.items():
        if number in done:
            outcome, record, changed = done[number]
            results.append((RESULT_OF.get(outcome, ImportRow.Result.UNCHANGED), record, pk))
            if changed and outcome == "update":
                changes.append((list(changed), pk))
        elif expected[number] == "error":
            results.append((ImportRow.Result.SKIPPED_ERROR, None, pk))
        elif expected[number] == "unchanged":
            results.append((ImportRow.Result.UNCHANGED, None, pk))
        else:
            results.append((ImportRow.Result.SKIPPED, None, pk))
    # One UPDATE … FROM (VALUES …) per chunk: a statement per row cost PostgreSQL a round trip
    # each.
    _update_rows(
        ["result", "record_id"],
        [(pk, result, record) for result, record, pk in results],
        casts=[None, "bigint"],
        also={"staged": ""},  # written or not, a staged record is not needed any more
    )
    if changes:
        connection = connections[router.db_for_write(ImportRow)]
        quote = connection.ops.quote_name
        changed_field = ImportRow._meta.get_field("changed")
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(ImportRow._meta.db_table)} SET {quote('changed')} = %s "
                f"WHERE {quote('id')} = %s",
                [(changed_field.get_db_prep_save(c, connection), pk) for c, pk in changes],
            )


def result_counts(job: ImportJob) -> list[tuple[str, str, int]]:
    """What the import did, per result (value, label, rows), in the order of ImportRow.Result;
    jobs imported before results were kept per row have none."""
    counted = dict(
        job.rows.exclude(result="").values_list("result").annotate(n=Count("pk")).order_by()
    )
    return [(value, str(label), counted.get(value, 0)) for value, label in ImportRow.Result.choices]


def _fail(job: ImportJob, message: str) -> ImportJob:
    job.state, job.message, job.finished_at = State.FAILED, message, timezone.now()
    job.save(update_fields=["state", "message", "finished_at"])
    return job


def discard(job: ImportJob) -> None:
    if job.busy:
        raise ImportStepRefused(_("This import is running; wait until it is finished."))
    job.file.delete(save=False)
    cache.delete(_samples_key(job))  # the file's head, kept for the mapping step
    job.state = State.DISCARDED
    job.save(update_fields=["file", "state"])


def visible_jobs(user):
    return ImportJob.objects.filter(created_by=user)


def changed_labels(job: ImportJob, names: list[str]) -> list[str]:
    """The changed fields of a row as the page and the report name them: the target's labels
    ("verfügbare Fläche", not ``area_available_m2``); a name the target does not know as it is."""
    label = getattr(target_of(job), "column_label", None)
    shown = []
    for name in names:
        try:
            shown.append(str(label(name)) if label else name)
        except (FieldDoesNotExist, LookupError):  # not a field of the target
            shown.append(name)
    return shown


def report_rows(job: ImportJob):
    """The downloadable report: one line per row of the file with what happened to it."""
    labels = dict(ImportRow.Outcome.choices)
    for row in job.rows.all().iterator(chunk_size=2000):
        errors = "; ".join(f"{c}: {m}" if c else m for c, m in row.messages)
        outcome = str(labels[row.outcome])
        if row.result:
            outcome = row.get_result_display()
        elif job.state == State.DONE and row.outcome == "error":
            outcome = _("skipped (error)")
        yield [
            row.number,
            outcome,
            row.record_id or "",
            row.external_id,
            row.title,
            ", ".join(changed_labels(job, row.changed)),
            errors,
            duplicate_note(row),
            row.get_decision_display() if row.decision else "",
        ]


def duplicate_note(row: ImportRow) -> str:
    """“possible duplicate of row 3 (identical)”, “… of #123 (Halle am Hafen)” for page and report."""
    notes = []
    if row.duplicate_of_row:
        if row.duplicate_identical:
            notes.append(_("identical to row %(row)d") % {"row": row.duplicate_of_row})
        else:
            notes.append(_("possible duplicate of row %(row)d") % {"row": row.duplicate_of_row})
    if row.duplicate_of_record:
        notes.append(
            _("possible duplicate of #%(id)d (%(title)s): %(reasons)s")
            % {
                "id": row.duplicate_of_record,
                "title": row.duplicate_record_title,
                "reasons": row.duplicate_reason_labels,
            }
        )
    return "; ".join(notes)
