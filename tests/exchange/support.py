"""Helpers for import tests: files as municipalities write them, and one import run start to end."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import Workbook

from standortlotse.exchange import services
from standortlotse.exchange.models import ImportJob


@pytest.fixture
def tasks_after_commit(monkeypatch):
    """The test transaction never commits: run on_commit callbacks (the task enqueueing) at once."""
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def upload(name, content):
    return SimpleUploadedFile(name, content)


def xlsx_bytes(rows, title_rows=()):
    workbook = Workbook()
    sheet = workbook.active
    for row in title_rows:
        sheet.append(row)
    if title_rows:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, delimiter=";", encoding="utf-8"):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def run(user, name, content, mapping=None, publish=False, skip_errors=False, confirm=True):
    job = services.start(user, upload(name, content))
    services.set_mapping(job, mapping or job.mapping)
    job.refresh_from_db()
    if confirm and job.state == ImportJob.State.PREVIEW:
        try:
            services.confirm(job, skip_errors=skip_errors, publish=publish)
        except services.ImportStepRefused:
            return job
        job.refresh_from_db()
    return job
