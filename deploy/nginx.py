"""The nginx micro-cache of docs/deployment.md, read from the guide itself, so that the load
benchmark (bench/load.py) and the test behind a real nginx (tests/operations/test_nginx_cache.py) run
exactly what the guide tells operators to write."""

from __future__ import annotations

import re
from pathlib import Path

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "deployment.md"
DOCUMENTED_CACHE_DIR = "/var/cache/nginx/standortlotse"
LOCATION_MARK = '# in "location /":'
DOCUMENTED_TILE_CACHE_DIR = "/var/cache/nginx/standortlotse-tiles"
SERVER_MARK = '# in "server":'
TILE_PLACEHOLDERS = {"{zz}": "$tile_zz", "{z}": "$tile_z", "{x}": "$tile_x", "{y}": "$tile_y"}


def blocks(text: str | None = None) -> list[str]:
    """Every ```nginx block of the guide."""
    return re.findall(r"```nginx\n(.*?)```", GUIDE.read_text() if text is None else text, re.S)


def micro_cache(cache_dir: str | Path, text: str | None = None) -> tuple[str, str]:
    """(directives for the http block, directives for `location /`) of the guide's micro-cache,
    with the cache in `cache_dir`."""
    (block,) = [b for b in blocks(text) if "keys_zone=pages" in b]
    http_part, location_part = block.split(LOCATION_MARK)
    return http_part.strip().replace(DOCUMENTED_CACHE_DIR, str(cache_dir)), location_part.strip()


def tile_cache(
    cache_dir: str | Path, upstream: str | None = None, text: str | None = None
) -> tuple[str, str]:
    """(directives for the http block, locations for the server block) of the guide's tile
    cache, with the cache in `cache_dir` and, if given, another upstream: a URL template of
    STANDORTLOTSE_MAP_TILE_UPSTREAM's form ({z}, {zz}, {x}, {y})."""
    (block,) = [b for b in blocks(text) if "keys_zone=tiles" in b]
    http_part, server_part = block.split(SERVER_MARK)
    http_part = http_part.strip().replace(DOCUMENTED_TILE_CACHE_DIR, str(cache_dir))
    server_part = server_part.strip()
    if upstream is not None:
        target = upstream
        for placeholder, variable in TILE_PLACEHOLDERS.items():
            target = target.replace(placeholder, variable)
        server_part = re.sub(r"proxy_pass [^;]+;", f"proxy_pass {target};", server_part, count=1)
    return http_part, server_part
