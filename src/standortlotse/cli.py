"""The `standortlotse` command (a console script of the package, pyproject.toml): the same as
`manage.py`, for systemd units and cron jobs, which run it by its absolute path in the venv."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "standortlotse.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
