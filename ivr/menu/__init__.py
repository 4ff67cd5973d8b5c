"""The hotline configuration: typed models, loading with line numbers, and validation.

    config = load_config("config/hotline.yaml")          # raises ConfigError(issues)
    issues = validate(config, "prompts/catalog.yaml")    # or a loaded PromptCatalog
    config, issues = check_config(config_path, catalog)  # both, never raises
    lines = summarise_change(old_config, new_config)     # for a reload history
"""
from __future__ import annotations

from pathlib import Path

from ivr.menu.catalog import PromptCatalog, load_catalog
from ivr.menu.diff import summarise_change
from ivr.menu.issues import ConfigError, Issue, errors_only
from ivr.menu.loader import load_config, parse_config
from ivr.menu.models import Action, HotlineConfig, Menu
from ivr.menu.validate import validate

__all__ = [
    "Action", "ConfigError", "HotlineConfig", "Issue", "Menu", "PromptCatalog",
    "check_config", "errors_only", "load_catalog", "load_config", "parse_config", "summarise_change", "validate",
]


def check_config(config_path: str | Path, catalog: PromptCatalog | str | Path | None) -> tuple[HotlineConfig | None, list[Issue]]:
    """Load and validate; the config is None when it could not be typed at all."""
    try:
        config = load_config(config_path)
    except ConfigError as error:
        return None, error.issues
    return config, validate(config, catalog)
