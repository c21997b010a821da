"""The optional Redis cache (REDIS_URL, docs/deployment.md): what several app servers share.

A real redis-server (Debian package, started here on a free port) behind Django's RedisCache:
the public forms' rate limit counts across all clients of the cache, and import progress is
readable from another connection, as from another app server.
"""

import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import caches

from standortlotse.inquiries.models import Inquiry
from tests.inquiries.support import contact_post
from tests.operations.settings_probe import setting_from_environment

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (.ci/run installs it)")
    port = free_port()
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path_factory.mktemp("redis")),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def redis_cache(settings, redis_url):
    settings.CACHES = {"default": configured_cache(REDIS_URL=redis_url)}
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def configured_cache(**env) -> dict:
    """CACHES["default"] as settings.py builds it from these environment variables."""
    return setting_from_environment("CACHES['default']", **env)


def test_without_redis_a_file_cache():
    assert (
        configured_cache(REDIS_URL="")["BACKEND"]
        == "django.core.cache.backends.filebased.FileBasedCache"
    )


def test_redis_url_selects_the_redis_cache(redis_url):
    cache = configured_cache(REDIS_URL=redis_url)
    assert cache == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_url,
    }


def test_form_rate_limit_is_counted_in_redis(client, world, redis_cache, settings, redis_url):
    import redis

    settings.INQUIRIES_PER_HOUR = 2
    assert contact_post(client, world).status_code == 302
    assert contact_post(client, world).status_code == 302
    third = contact_post(client, world)
    assert (
        third.status_code == 429 and "Ist die Fläche noch frei?" in third.content.decode()
    )  # entries kept
    assert Inquiry.objects.count() == 2
    # The counter is in Redis, where every app server sees it (the address only as a hash).
    keys = [key.decode() for key in redis.Redis.from_url(redis_url).keys("*ratelimit:inquiry:*")]
    assert len(keys) == 1 and "127.0.0.1" not in keys[0]


def test_values_are_shared_between_connections(redis_cache, redis_url):
    from django.core.cache.backends.redis import RedisCache

    redis_cache.set("import-progress:job", {"done": 500, "total": 1000}, 60)
    other_server = RedisCache(redis_url, {})
    assert other_server.get("import-progress:job") == {"done": 500, "total": 1000}
