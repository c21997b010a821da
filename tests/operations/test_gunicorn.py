"""gunicorn with the shipped configuration (deploy/gunicorn.conf.py) in production mode: the
health check answers a load balancer over plain HTTP by IP address, a folder the app cannot
write stops the start with its name, and each instance has a control socket of its own."""

import http.client
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.operations.nginx_support import free_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def _env(tmp_path, port, **extra):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "standortlotse.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "test-" + "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "standortlotse.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "STANDORTLOTSE_PRIVATE_ROOT": str(tmp_path / "private"),
        "STANDORTLOTSE_CACHE_DIR": str(tmp_path / "cache"),
        "STANDORTLOTSE_MAP_TILE_UPSTREAM": "",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "PYTHONPATH": str(ROOT / "src"),
        **extra,
    }


def _get(port, path, host):
    """Status and body, without following a redirect."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_health_answers_a_load_balancer_and_each_instance_has_its_control_socket(tmp_path):
    port = free_port()
    runtime = tmp_path / "run"
    runtime.mkdir()
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=_env(tmp_path, port, RUNTIME_DIRECTORY=str(runtime)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        answer = None
        for _ in range(300):
            try:
                answer = _get(port, "/health/", "10.0.0.5:8000")
                break
            except OSError:
                time.sleep(0.1)
        assert answer is not None, "gunicorn did not answer"
        assert answer[0] == 200 and json.loads(answer[1]) == {"status": "ok"}
        # the rest of the site in production mode: HTTPS redirect, unknown host refused
        assert _get(port, "/", "standortlotse.example.org")[0] == 301
        assert _get(port, "/", "10.0.0.5:8000")[0] == 400
        assert (runtime / f"gunicorn-127-0-0-1-{port}.ctl").exists()
    finally:
        server.terminate()
        server.wait(30)


def test_a_folder_the_app_cannot_write_stops_the_start_with_its_name(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = subprocess.run(
        [str(GUNICORN), "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=_env(tmp_path, free_port(), STANDORTLOTSE_PRIVATE_ROOT=str(blocker / "private")),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3
    output = result.stdout + result.stderr
    assert "STANDORTLOTSE_PRIVATE_ROOT" in output and "Not a directory" in output
    assert "Booting worker" not in output
