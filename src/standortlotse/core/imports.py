"""The registry of import targets: each domain app registers the module that turns rows of a file
into its records (``properties/importing.py``, ``places/importing.py``) in its
``AppConfig.ready()``; the import pipeline (``exchange/services.py``) looks them up by key.

``core`` imports no domain app: a target is any object (usually a module) with the functions the
pipeline calls (``KEY``, ``LABEL``, ``Context``, ``convert``, ``plan``, ``write``, …; see
docs/architecture.md, "Adding an import source").
"""

from __future__ import annotations

from typing import Any

_targets: dict[str, Any] = {}


def register(key: str, target: Any) -> None:
    """Make ``target`` the import target for ``key`` (registering again replaces it)."""
    _targets[key] = target


def get(key: str) -> Any:
    """The target registered for ``key``; KeyError if none is."""
    return _targets[key]


def all() -> dict[str, Any]:
    """Key → target, in the order they were registered."""
    return dict(_targets)
