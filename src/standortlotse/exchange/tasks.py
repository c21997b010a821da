"""Background tasks of the bulk import (django-tasks; `manage.py db_worker` runs them)."""

import logging

from django.conf import settings
from django.utils import translation
from django_tasks import task

from standortlotse.exchange import services
from standortlotse.exchange.models import ImportJob

logger = logging.getLogger(__name__)


def _run(job_id: str, step: str):
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return
    expected = ImportJob.State.ANALYSING if step == "analyse" else ImportJob.State.IMPORTING
    if job.state != expected:
        return
    # The row notes and the job's message are stored as text, in the language of the user who
    # started the import (ImportJob.language; the site's for jobs from before it was kept).
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            getattr(services, step)(job)
        except Exception:
            logger.exception("import %s failed in step %s", job_id, step)
            services._fail(
                job,
                translation.gettext(
                    "An unexpected error stopped the import; nothing was written. The operators have been told."
                ),
            )


@task()
def analyse_task(job_id: str):
    _run(job_id, "analyse")


@task()
def apply_task(job_id: str):
    _run(job_id, "apply")
