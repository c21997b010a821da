"""The nginx micro-cache of docs/deployment.md, read from the guide itself, so that the load
benchmark (bench/load.py) and the test behind a real nginx (tests/operations/test_nginx_cache.py) run
exactly what the guide tells operators to write."""

from __future__ import annotations

import re
from pathlib import Path

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "deployment.md"
DOCUMENTED_CACHE_DIR = "/var/cache/nginx/standortlotse"
LOCATION_MARK = '# in "location /":'


def blocks(text: str | None = None) -> list[str]:
    """Every ```nginx block of the guide."""
    return re.findall(r"```nginx\n(.*?)```", GUIDE.read_text() if text is None else text, re.S)


def micro_cache(cache_dir: str | Path, text: str | None = None) -> tuple[str, str]:
    """(directives for the http block, directives for `location /`) of the guide's micro-cache,
    with the cache in `cache_dir`."""
    (block,) = [b for b in blocks(text) if "proxy_cache_path" in b]
    http_part, location_part = block.split(LOCATION_MARK)
    return http_part.strip().replace(DOCUMENTED_CACHE_DIR, str(cache_dir)), location_part.strip()
