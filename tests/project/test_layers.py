"""The layering written as import-linter contracts ([tool.importlinter] in pyproject.toml): core at
the bottom imports no domain app, the domain apps never import the portal (site-wide pages), geo,
accounts, privacy, properties, places, guides and inquiries import none of the apps built on them,
properties and places do not import exchange (which aggregates their imports, exports and feeds),
none of the apps whose records it measures imports transparency, and none of the apps whose
records or figures the location profiles show imports profiles.
The real tree keeps every contract, and a copy of it with one import against a contract breaks
exactly that contract."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(src: Path, config: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache", "--no-logo"],
        cwd=src.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree_copy(tmp_path):
    """The Python files of src/standortlotse (no templates, static files or translations)."""
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "standortlotse",
        src / "standortlotse",
        ignore=lambda folder, names: [
            n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()
        ],
    )
    return src


def test_the_real_tree_keeps_every_layer_contract():
    result = lint(ROOT / "src", ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "11 kept, 0 broken" in result.stdout


def test_the_copy_without_changes_keeps_them_too(tree_copy):
    result = lint(tree_copy, ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "module, line, contract",
    [
        (
            "core/violation.py",
            "from standortlotse.geo.models import Region\n",
            "core is the ground floor: it imports no domain app and not the portal BROKEN",
        ),
        # function-local imports count as well
        (
            "core/violation.py",
            "def f():\n    from standortlotse.portal import views\n",
            "core is the ground floor: it imports no domain app and not the portal BROKEN",
        ),
        (
            "places/violation.py",
            "from standortlotse.portal.sitemaps import SITEMAPS\n",
            "No domain app imports the portal (the site-wide pages sit above them) BROKEN",
        ),
        (
            "accounts/violation.py",
            "from standortlotse.properties import selectors\n",
            "geo and accounts import none of the apps built on them BROKEN",
        ),
        (
            "properties/violation.py",
            "import standortlotse.cases.services\n",
            "properties imports none of the apps that show or use properties BROKEN",
        ),
        (
            "accounts/violation.py",
            "from standortlotse.privacy import registry\n",
            "geo and accounts import none of the apps built on them BROKEN",
        ),
        (
            "privacy/violation.py",
            "from standortlotse.inquiries.models import Inquiry\n",
            "privacy imports accounts, and none of the apps built on privacy BROKEN",
        ),
        (
            "guides/violation.py",
            "from standortlotse.inquiries import routing\n",
            "guides imports none of the apps that route or use it BROKEN",
        ),
        (
            "inquiries/violation.py",
            "def f():\n    from standortlotse.cases import services\n",
            "inquiries imports none of the apps that use it BROKEN",
        ),
        (
            "places/violation.py",
            "from standortlotse.guides.models import Contact\n",
            "places imports none of the apps that show or use places BROKEN",
        ),
        (
            "places/violation.py",
            "def f():\n    from standortlotse.exchange.models import ImportJob\n",
            "properties and places do not import exchange, the aggregator above them BROKEN",
        ),
        (
            "inquiries/violation.py",
            "from standortlotse.transparency import index\n",
            "No app whose records the transparency index measures imports it BROKEN",
        ),
        (
            "transparency/violation.py",
            "def f():\n    from standortlotse.profiles import selectors\n",
            "No app whose records or figures the location profiles show imports profiles BROKEN",
        ),
    ],
)
def test_an_import_against_a_contract_breaks_it(tree_copy, module, line, contract):
    (tree_copy / "standortlotse" / module).write_text(line)
    result = lint(tree_copy, ROOT / "pyproject.toml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert contract in result.stdout
    assert f"standortlotse.{module[:-3].replace('/', '.')}" in result.stdout
