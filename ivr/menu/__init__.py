"""The hotline configuration: typed models, loading with line numbers, and validation.

    config = load_config("config/hotline.yaml")          # raises ConfigError(issues)
    issues = validate(config, load_catalog("prompts/catalog.yaml"))
    config, issues = check_config(config_path, catalog_path)   # both, never raises
    lines = summarise_change(old_config, new_config)          # for a reload history
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


def check_config(config_path: str | Path, catalog_path: str | Path | None) -> tuple[HotlineConfig | None, list[Issue]]:
    """Load and validate; the config is None when it could not be typed at all.

    A catalog path that does not exist yields a warning, not an error: prompts are then
    unchecked, which the operator should know but which must not block a menu change.
    """
    try:
        config = load_config(config_path)
    except ConfigError as error:
        return None, error.issues
    catalog, issues = None, []
    if catalog_path is not None:
        if Path(catalog_path).exists():
            try:
                catalog = load_catalog(catalog_path)
            except ConfigError as error:
                issues += error.issues
        else:
            issues.append(Issue("catalog-missing", (), f"prompt catalog {catalog_path} does not exist, prompts were not checked", "build the prompt catalog or pass --catalog", str(catalog_path), severity="warning"))
    return config, issues + validate(config, catalog)
