"""The development SECRET_KEY: generated once per installation, kept outside the repository.

Used only when DJANGO_SECRET_KEY is not set and DEBUG is on (settings.py); production must set
DJANGO_SECRET_KEY, the same on every app server.
"""

import os
import secrets
from pathlib import Path


def load_or_create(path: Path) -> str:
    """The key stored in `path`; on first use a new random key, written with mode 0600."""
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process (the worker started beside the server) wrote it first.
        return path.read_text().strip() or key
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
