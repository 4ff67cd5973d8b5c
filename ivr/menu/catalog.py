"""The prompt ids a prompt catalog offers, read from whatever catalog path we are given.

The catalog (prompts/catalog.yaml) belongs to the prompts component; menus only need its
ids. We accept the plausible shapes - `prompts:` as a mapping or list, or a top-level
mapping of ids - so the menu checks do not break when the catalog's details change.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ivr.menu.issues import ConfigError
from ivr.menu.limits import read_config_text
from ivr.menu.positions import parse_yaml


@dataclass(frozen=True)
class PromptCatalog:
    path: str
    ids: frozenset[str]
    languages: frozenset[str] = frozenset()  # Asterisk language codes it has text for; empty = not said

    def __contains__(self, prompt_id: object) -> bool:
        return prompt_id in self.ids


def load_catalog(path: str | Path) -> PromptCatalog:
    path = Path(path)
    text = read_config_text(path)  # bounded; a missing or unreadable file is one issue
    parsed = parse_yaml(text, str(path))
    if parsed.issues:
        raise ConfigError(parsed.issues)
    data = parsed.data
    languages = data.get("languages") if isinstance(data, dict) and "prompts" in data else None
    return PromptCatalog(str(path), frozenset(prompt_ids(data)), frozenset(map(str, languages or ())))


def prompt_ids(data: Any) -> set[str]:
    body = data.get("prompts", data) if isinstance(data, dict) else data
    if isinstance(body, dict):
        return {str(key) for key in body}
    if isinstance(body, list):
        return {str(item["id"]) if isinstance(item, dict) and "id" in item else str(item) for item in body}
    return set()
