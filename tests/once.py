"""Test data built once per test module instead of once per test.

Some modules run many tests over the same data: the API fuzzing over 50 operations and the
English crawler over the demo data (`load_demo` takes seconds), the access matrix's 1,200 cells
over one set of records of every kind. `once_per_module` builds such data once, inside a
transaction that stays open for the module and is rolled back after its last test. Every test
still runs in its own savepoint inside that transaction (pytest-django's `db` fixture nests in
it), so what one test writes is gone before the next: each test starts from the same data,
exactly as if it had built them itself. Like Django's `setUpTestData`, each test gets its own
deep copy of the Python objects, and its own MEDIA_ROOT and PRIVATE_ROOT holding the files the
build saved (hard links: a test that deletes a file does not take it from the next one).

Usage in a test module (both names must be module attributes for pytest to find them):

    _once_module, objs = once_per_module(build_objs, name="objs")
    _once_module, demo = demo_once("--count", "10")

With pytest-xdist the build runs once per worker that runs a stretch of the module's tests
(xdist hands tests out in collection order: usually once or twice per module). `--dist
loadgroup` would keep a module on one worker but merges tests with equal node IDs, as
schemathesis gives all operations of one test function: it would run one case of 26. Tests
that need the data at another time or day (a patched clock) build them themselves.
"""

import copy
import os
import shutil
import tempfile
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings


def once_per_module(build: Callable[[], object], *, name: str):
    """The module-scoped build (fixture `_once_module`) and the function-scoped fixture `name`
    giving each test a deep copy of what `build()` returned."""

    @pytest.fixture(scope="module")
    def _once_module(django_db_setup, django_db_blocker):
        media = tempfile.mkdtemp(prefix="standortlotse-once-media-")
        private = tempfile.mkdtemp(prefix="standortlotse-once-private-")
        outer = transaction.atomic()
        with django_db_blocker.unblock():
            outer.__enter__()
            try:
                with override_settings(MEDIA_ROOT=media, PRIVATE_ROOT=private):
                    value = build()
            except BaseException:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
                raise
        try:
            yield media, private, value
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
            shutil.rmtree(media, ignore_errors=True)
            shutil.rmtree(private, ignore_errors=True)

    @pytest.fixture(name=name)
    def data(_once_module, db, settings):
        media, private, value = _once_module
        # conftest.py gave this test fresh, empty directories: the build's files go in.
        shutil.copytree(media, settings.MEDIA_ROOT, copy_function=os.link, dirs_exist_ok=True)
        shutil.copytree(private, settings.PRIVATE_ROOT, copy_function=os.link, dirs_exist_ok=True)
        return copy.deepcopy(value)

    return _once_module, data


def _load_demo(*options: str) -> None:
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", *options, "--allow-production", stdout=quiet)


def demo_once(*options: str, name: str = "demo"):
    """`load_demo *options` once for the module (always with --allow-production: the test
    settings may look like production)."""
    return once_per_module(lambda: _load_demo(*options), name=name)
