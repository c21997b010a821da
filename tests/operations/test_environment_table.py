"""The deployment guide's variable tables list exactly the environment variables the code reads
(settings, the health checks, deploy/gunicorn.conf.py, the wrapper for commands by hand), so
that the table cannot drift from the code."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "deployment.md"
# variables of other programs that the guide names but the app does not read itself
READ_BY_LIBRARIES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
READERS = re.compile(
    r"""(?:os\.environ(?:\.get|\.setdefault)?|env_bool|env_list|environ\.get)\s*[\(\[]\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def read_by_the_code() -> set[str]:
    files = [*(ROOT / "src" / "standortlotse").rglob("*.py"), ROOT / "deploy" / "gunicorn.conf.py"]
    names = {name for path in files for name in READERS.findall(path.read_text())}
    for script in (ROOT / "deploy" / "bin").iterdir():  # the wrapper, backup, restore, upgrade
        # ${NAME:-default}, ${NAME:?message} and ${NAME-default} (empty is a value of its own)
        names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+):?[-?]", script.read_text()))
    # set by the programs themselves (Django's settings module) or by systemd, not by the operator
    return names - {"DJANGO_SETTINGS_MODULE", "RUNTIME_DIRECTORY"}


def documented(first_column_only: bool = False) -> set[str]:
    """The names in the variable tables of the guide: in the first column, or anywhere in a row
    (an older name is documented in the row of its successor)."""
    names = set()
    for line in GUIDE.read_text().splitlines():
        if line.startswith("| `"):
            cell = line.split("|")[1] if first_column_only else line
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)(?:=[^`]*)?`", cell))
    return names


def test_the_reader_finds_the_variables():
    names = read_by_the_code()
    # a sample from each place that reads variables, so that a broken pattern cannot pass
    assert {"DJANGO_SECRET_KEY", "STANDORTLOTSE_TASK_BACKEND", "GUNICORN_CONTROL_SOCKET"} <= names
    assert {"STANDORTLOTSE_HEALTH_TASK_DELAY", "STANDORTLOTSE_ENV_FILE"} <= names


def test_every_variable_the_code_reads_is_in_the_guide():
    missing = read_by_the_code() - documented()
    assert not missing, f"add to docs/deployment.md, section 2: {sorted(missing)}"


def test_the_guide_lists_no_variable_the_code_does_not_read():
    stale = documented(first_column_only=True) - read_by_the_code() - READ_BY_LIBRARIES
    assert not stale, f"no longer read by the code: {sorted(stale)}"
