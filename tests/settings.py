"""Settings of the test suite: production's settings (standortlotse.settings) plus the few fixed
changes every test wants. pyproject.toml points pytest-django here.

Tests that examine the real settings (tests/operations/test_settings.py, settings_probe.py,
`check --deploy` in tests/project/test_project.py) start a subprocess with
DJANGO_SETTINGS_MODULE=standortlotse.settings, so this file never hides a production setting
from them. What must be fresh for every test (media and private directories, an empty cache, the
active language) is set up by the autouse fixtures in tests/conftest.py."""

from standortlotse.settings import *  # noqa: F403

# Fast hashing: the tests create many users; production keeps Django's default hasher.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Background tasks run at once in tests; mail goes to django.core.mail.outbox.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# One in-process cache, even if REDIS_URL is set in the environment: rate-limit counters and
# cached pages stay inside the test process (conftest.py empties it before every test).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Map tiles: the tests never touch the network. The tile path asks a loopback port where nothing
# listens (refused at once: the maps get transparent tiles); tests of the tile path itself start
# a fake upstream (tests/core/test_tiles.py, tests/browser/test_map_tiles.py).
MAP_TILE_UPSTREAM = "http://127.0.0.1:9/{z}/{x}/{y}.png"
MAP_TILE_CACHE_DIR = __import__("tempfile").mkdtemp(prefix="standortlotse-tiles-")

# PostgreSQL: commits do not wait for the write-ahead log to reach the disk (a per-session
# setting, nothing changes on the server). The tests of the live server and of transactions
# commit thousands of times and every commit waited for an fsync; a crash can lose at most the
# last moments of a test database, which is thrown away anyway. Production keeps the default.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = (_options.get("options", "") + " -c synchronous_commit=off").strip()
