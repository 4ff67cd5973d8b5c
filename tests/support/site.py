"""Settings for tests: the checkout's config and prompts, a private var directory.

Tests build the one settings object as `ivrctl` does (hotline.settings.Settings), never from
the developer's environment, so a stray HOTLINE_* variable cannot change what they check.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from hotline.settings import Settings
from hotline.shipped import shipped
from ivr.dialplan.reload_settings import ReloadSettings

REPO = Path(__file__).resolve().parents[2]
CONFIG_DIR = shipped("config")
CATALOG = shipped("prompts/catalog.yaml")


def site_settings(var_dir: Path, **values: Any) -> Settings:
    """The checkout as the site, with var/ in `var_dir` (a test's tmp_path)."""
    return Settings.for_site(REPO, var_dir=var_dir, **values)


def reload_settings(var_dir: Path, **values: Any) -> ReloadSettings:
    """Reload settings for the checkout's config, history and versions in `var_dir`."""
    values.setdefault("config_path", CONFIG_DIR / "hotline.yaml")
    values.setdefault("catalog_path", CATALOG)
    return ReloadSettings(var_dir=var_dir, **values)
