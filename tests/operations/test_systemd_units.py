"""The shipped systemd units (deploy/systemd/): `systemd-analyze verify` accepts them, with the
programs they name present; every scheduled job of the deployment guide has a timer with the
guide's schedule, running a management command that exists; and the wrapper for commands by
hand reads the environment file as the units do."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
APP = "/srv/standortlotse/app"
GUIDE = ROOT / "docs" / "deployment.md"
ANALYZE = shutil.which("systemd-analyze")
needs_systemd = pytest.mark.skipif(
    ANALYZE is None, reason="systemd-analyze missing: .ci/run installs the systemd package"
)


def _units():
    return sorted(p for p in UNITS.iterdir() if p.suffix in (".service", ".timer"))


def _installed(tmp_path) -> Path:
    """The units as installed under a stand-in for /srv/standortlotse/app whose venv programs
    are this test run's own (verify checks that each ExecStart program exists)."""
    app = tmp_path / "srv" / "standortlotse" / "app"
    (app / ".venv" / "bin").mkdir(parents=True)
    for program in ("standortlotse", "gunicorn"):
        real = Path(sys.executable).parent / program
        assert real.exists(), f"{real}: install the package (make install-test)"
        (app / ".venv" / "bin" / program).symlink_to(real)
    env = tmp_path / "standortlotse.env"
    env.write_text('DJANGO_DEBUG="0"\n')
    target = tmp_path / "units"
    target.mkdir()
    for unit in _units():
        text = unit.read_text().replace(APP, str(app)).replace("/etc/standortlotse.env", str(env))
        (target / unit.name).write_text(text)
    return target


def _verify(paths) -> subprocess.CompletedProcess:
    return subprocess.run(
        [ANALYZE, "verify", "--man=no", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@needs_systemd
def test_systemd_analyze_verifies_every_unit(tmp_path):
    target = _installed(tmp_path)
    result = _verify(sorted(target.iterdir()))
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


@needs_systemd
def test_verify_reports_a_broken_unit(tmp_path):
    """The check above can fail: a bare program name and a wrong setting are reported."""
    target = _installed(tmp_path)
    worker = (target / "standortlotse-worker.service").read_text()
    broken = target / "standortlotse-worker.service"
    broken.write_text(
        re.sub(r"(?m)^ExecStart=.*$", "ExecStart=manage.py db_worker", worker).replace(
            "Restart=always", "Restart=sometimes"
        )
    )
    result = _verify([broken])
    assert result.returncode != 0
    assert "manage.py" in result.stderr and "sometimes" in result.stderr


def test_units_run_the_venv_programs_by_absolute_path_as_the_app_user():
    for unit in _units():
        text = unit.read_text()
        if unit.suffix == ".timer":
            assert "[Install]" in text and "WantedBy=timers.target" in text, unit.name
            continue
        assert "User=standortlotse" in text and "EnvironmentFile=/etc/standortlotse.env" in text
        for line in re.findall(r"(?m)^ExecStart=(.*)$", text):
            assert line.startswith(f"{APP}/.venv/bin/"), (unit.name, line)
        if unit.name in ("standortlotse-web.service", "standortlotse-worker.service"):
            assert "[Install]" in text and "WantedBy=multi-user.target" in text


def _cron_jobs() -> dict[str, str]:
    """command line (after the wrapper) → cron schedule, from the guide's cron block."""
    block = GUIDE.read_text().split("```cron\n", 1)[1].split("```", 1)[0]
    jobs = {}
    for line in block.splitlines():
        line = line.split("  # ")[0].strip()
        if not line:
            continue
        fields = line.split()
        schedule, user, wrapper, command = fields[:5], fields[5], fields[6], fields[7:]
        assert user == "standortlotse" and wrapper == f"{APP}/deploy/bin/standortlotse-env"
        jobs[" ".join(command).replace("'*'", "*")] = " ".join(schedule)
    return jobs


def _on_calendar(cron: str) -> str:
    minute, hour, *rest = cron.split()
    assert rest == ["*", "*", "*"], cron
    if minute.startswith("*/"):
        minute = f"00/{minute[2:]}"
    else:
        minute = f"{int(minute):02d}"
    hour = "*" if hour == "*" else f"{int(hour):02d}"
    return f"*-*-* {hour}:{minute}:00"


def _timer_commands() -> dict[str, str]:
    """command line → OnCalendar, from the timers and the services they start."""
    found = {}
    for timer in UNITS.glob("*.timer"):
        text = timer.read_text()
        unit = re.search(r"(?m)^Unit=(.*)$", text).group(1)
        when = re.search(r"(?m)^OnCalendar=(.*)$", text).group(1)
        if "@" in unit:
            command = unit.split("@", 1)[1].removesuffix(".service")
        else:
            service = (UNITS / unit).read_text()
            command = re.search(r"(?m)^ExecStart=\S+ (.*)$", service).group(1)
        found[command] = when
    return found


def test_every_scheduled_job_of_the_guide_has_a_timer_with_its_schedule():
    jobs = _cron_jobs()
    assert len(jobs) == 10
    assert _timer_commands() == {command: _on_calendar(cron) for command, cron in jobs.items()}


def test_every_scheduled_job_is_a_management_command():
    from django.core.management import get_commands

    commands = get_commands()
    for command in _cron_jobs():
        assert command.split()[0] in commands, command


def test_the_wrapper_reads_the_environment_file_as_systemd_does(tmp_path):
    """A value with spaces and parentheses, quoted as the guide says, arrives whole; an
    unreadable file is named."""
    app = tmp_path / "app"
    (app / ".venv" / "bin").mkdir(parents=True)
    probe = app / ".venv" / "bin" / "standortlotse"
    probe.write_text('#!/bin/sh\nprintf "%s|%s|%s" "$STANDORTLOTSE_SITE_NAME" "$(pwd)" "$*"\n')
    probe.chmod(0o755)
    env = tmp_path / "standortlotse.env"
    env.write_text('STANDORTLOTSE_SITE_NAME="Standortlotse Altmark (Landkreis Stendal)"\n')
    wrapper = ROOT / "deploy" / "bin" / "standortlotse-env"
    variables = {
        "PATH": "/usr/bin:/bin",
        "STANDORTLOTSE_ENV_FILE": str(env),
        "STANDORTLOTSE_APP": str(app),
    }
    result = subprocess.run(
        [str(wrapper), "places_reminders", "--dry-run"],
        env=variables,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout
        == f"Standortlotse Altmark (Landkreis Stendal)|{app}|places_reminders --dry-run"
    )
    missing = subprocess.run(
        [str(wrapper), "migrate"],
        env={**variables, "STANDORTLOTSE_ENV_FILE": str(tmp_path / "nope.env")},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert missing.returncode == 78 and "nope.env" in missing.stderr
