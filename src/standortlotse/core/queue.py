"""Enqueue background tasks together with the data they belong to.

With the database task backend (production: django-tasks-db on the default database) the task row
is written in the caller's transaction: the record and its follow-up work (mails, alerts, import
steps) are committed together or not at all. Enqueueing after the commit instead would open a gap
in which a database failure loses the task of a saved record and shows the visitor "not saved"
for a record that was saved (seen in the PostgreSQL restart runs, docs/faults.md). The worker
cannot see the row before the commit, so it never runs ahead of the data.

Other backends (the immediate backend of the tests) run or send at once, so for them the task is
enqueued after the commit, as before.
"""

from django.db import DEFAULT_DB_ALIAS, router, transaction


def enqueue_with_transaction(task, *args) -> None:
    if stored_in_the_database(task):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))


def stored_in_the_database(task) -> bool:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    return (
        isinstance(task.get_backend(), DatabaseBackend)
        and router.db_for_write(DBTaskResult) == DEFAULT_DB_ALIAS
    )
