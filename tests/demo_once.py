"""Demo data loaded once per test module instead of once per test.

`load_demo` takes seconds; a module whose tests all read the same demo data (the API fuzzing runs
over 50 operations, the English crawler, the cookie check) loaded it before every test. Here it is
loaded once, inside a transaction that stays open for the module and is rolled back after its
last test. Every test still runs in its own savepoint inside that transaction (pytest-django's
`db` fixture nests in it), so what one test writes is gone before the next: each test starts from
the same demo data, exactly as when it loaded them itself.

Usage in a test module:

    _demo_module, demo = demo_once("--count", "10")  # both are fixtures pytest must find

    def test_something(demo, client): ...  # demo.media_root: where the demo photos lie

With pytest-xdist the load happens once per worker that runs a stretch of the module's tests
(xdist hands out tests in collection order: usually once or twice per module). `--dist
loadgroup` would keep a module on one worker but merges tests with equal node IDs, as
schemathesis gives all operations of one test function: it would run one case of 26. Tests
that need the data at another time or day (a patched clock) load them themselves.
"""

import os
import shutil
import tempfile
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings


@dataclass(frozen=True)
class DemoFiles:
    media_root: str
    private_root: str


def demo_once(*options: str, name: str = "demo"):
    """The module-scoped load (fixture `_demo_module`) and the function-scoped fixture `name`
    giving its data to a test: `load_demo *options` once for the module (always with
    --allow-production: the test settings may look like production)."""

    @pytest.fixture(scope="module")
    def _demo_module(django_db_setup, django_db_blocker):
        files = DemoFiles(
            tempfile.mkdtemp(prefix="standortlotse-demo-media-"),
            tempfile.mkdtemp(prefix="standortlotse-demo-private-"),
        )
        outer = transaction.atomic()
        with django_db_blocker.unblock():
            outer.__enter__()
            try:
                with (
                    override_settings(MEDIA_ROOT=files.media_root, PRIVATE_ROOT=files.private_root),
                    open(os.devnull, "w") as quiet,
                ):
                    call_command("load_demo", *options, "--allow-production", stdout=quiet)
            except BaseException:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
                raise
        try:
            yield files
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
            shutil.rmtree(files.media_root, ignore_errors=True)
            shutil.rmtree(files.private_root, ignore_errors=True)

    @pytest.fixture(name=name)
    def demo(_demo_module, db, settings):
        # The demo photos and documents lie in the module's directories (conftest.py gives each
        # test fresh, empty ones).
        settings.MEDIA_ROOT = _demo_module.media_root
        settings.PRIVATE_ROOT = _demo_module.private_root
        return _demo_module

    return _demo_module, demo
