"""The benchmarks share one harness (bench/harness.py); no benchmark script is another's library.
Also the names issue 13 straightened out: exports live in properties/exports.py, a refused import
step is ImportStepRefused."""

import ast
import importlib
import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
SCRIPTS = sorted(p for p in BENCH.glob("*.py") if p.name != "harness.py")


def _harness():
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module("harness")
    finally:
        sys.path.remove(str(BENCH))


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_every_bench_script_uses_the_harness_and_search_api_is_nobody_s_library():
    script_names = {p.stem for p in SCRIPTS}
    assert {
        "search_api",
        "matching",
        "onesearch",
        "import_properties",
        "load",
        "faults",
    } <= script_names
    for path in SCRIPTS:
        imported = _imported_modules(path)
        assert "harness" in imported, f"{path.name} does not use bench/harness.py"
        assert "search_api" not in imported, f"{path.name} imports search_api.py"
    # The harness stands alone: it imports no benchmark script.
    assert not _imported_modules(BENCH / "harness.py") & script_names


def test_harness_percentile_timer_and_results(tmp_path):
    harness = _harness()
    assert harness.percentile([5, 1, 4, 2, 3], 50) == 3
    assert harness.percentile([5, 1, 4, 2, 3], 95) == 5
    timer = harness.SqlTimer()
    assert timer(lambda *args: "rows", "SELECT 1", (), False, {}) == "rows"
    assert timer.count == 1 and timer.seconds >= 0
    timer.reset()
    assert (timer.count, timer.seconds) == (0, 0.0)
    output = tmp_path / "results" / "x.json"
    harness.write_results({"a": 1}, output)
    assert json.loads(output.read_text()) == {"a": 1}
    assert harness.pg_dbname("postgres://u@h:5432/standortlotse_bench") == "standortlotse_bench"
    assert harness.pg_conninfo("postgres://u@h:5432/x") == "postgres://u@h:5432/postgres"


def test_exports_module_and_refused_import_step_names():
    from standortlotse.exchange import services
    from standortlotse.properties import exports

    assert exports.COLUMNS[0] == "external_id" and callable(exports.to_csv)
    assert importlib.util.find_spec("standortlotse.properties.exchange") is None
    assert issubclass(services.ImportStepRefused, Exception)
    assert not hasattr(services, "ImportError_")
    with pytest.raises(services.ImportStepRefused):
        raise services.ImportStepRefused("refused")
