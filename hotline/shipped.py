"""Files that ship with the hotline: config templates, hand-written dialplans, the prompt catalog.

In a git checkout they are the checkout's own directories (edit them there); in an installed
wheel they are package data under hotline/_shipped/ (the build copies them in, see setup.py).
`ivrctl init` copies the templates into a new site; the hand-written dialplans are read from
here by every reload, so an upgrade of the package brings their new version.
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_SOURCE_TREE = _PACKAGE.parent
# A checkout has its pyproject.toml beside the packages; an installed wheel does not.
CHECKOUT: Path | None = _SOURCE_TREE if (_SOURCE_TREE / "pyproject.toml").is_file() else None
# What ships, relative to the checkout (and to hotline/_shipped/ in the wheel).
SHIPPED = ("config", "dialplans", "prompts/catalog.yaml", "prompts/recordings", "contrib")


def shipped(name: str) -> Path:
    """The shipped file or directory `name` (one of SHIPPED, or a path inside one)."""
    root = CHECKOUT if CHECKOUT is not None else _PACKAGE / "_shipped"
    return root / name
