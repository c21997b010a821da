"""Background tasks of the places (django-tasks; `manage.py db_worker` runs them)."""

from django.utils import translation
from django_tasks import task

from standortlotse.places import partners


@task()
def pull_partner_feeds_task() -> int:
    """Pull every active partner feed (enqueue it from a scheduler); returns the number of runs."""
    # Run messages are stored in German, the primary language of the back office.
    with translation.override("de"):
        return len(partners.pull_all())
