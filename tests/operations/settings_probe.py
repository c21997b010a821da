"""Read a setting as settings.py builds it from given environment variables (in a subprocess, so
the test process's own settings stay untouched)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def setting_from_environment(expression: str, **env):
    """`expression` is evaluated on `settings`, e.g. "STORAGES['default']"; returns its JSON value."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "standortlotse.settings",
        **env,
    }
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps(settings.{expression}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def settings_from_environment(expressions, **env) -> list:
    """Several settings at once, in one subprocess: the JSON value of each expression."""
    return setting_from_environment(
        "__class__ and [" + ", ".join(f"settings.{e}" for e in expressions) + "]", **env
    )
