"""Small hotline configs and prompt catalogs written into tmp dirs, for the menu and dialplan tests."""
from __future__ import annotations

from pathlib import Path

import yaml

VOCABULARY_PROMPTS = [
    "welcome", "menu_language", "menu_dialect", "menu_main", "menu_pension", "menu_medical",
    "menu_unemployment", "menu_work_injury", "menu_employment", "menu_labour_relations",
    "menu_personnel", "menu_ss_card", "invalid_key", "no_input", "transfer_agent", "goodbye",
]

# Two dialects, two business lines, an announcement, a language choice and two submenus.
SMALL = """\
name: test hotline
default_dialect: mandarin
dialects:
  mandarin: {name: Mandarin, language: zh}
  cantonese: {name: Cantonese, language: zh_yue}
business_lines:
  pension: {name: pension insurance}
  ss_card: {name: social-security card}
defaults:
  timeout_s: 5
  retries: 2
  business: pension
self_service:
  balance: {agi: balance}
  card_loss: {agi: card_loss}
routing:
  dialects: [mandarin, cantonese]
  business_lines: [pension, ss_card]
entry:
  start: welcome
menus:
  welcome:
    title: welcome
    prompt: welcome
    next: {goto: language}
  language:
    title: language choice
    prompt: menu_language
    keys:
      "1": {dialect: mandarin, goto: main}
      "2": {dialect: cantonese, goto: main}
    on_timeout: {dialect: mandarin, goto: main}
  main:
    title: main menu
    prompt: menu_main
    keys:
      "1": {goto: pension}
      "2": {goto: ss_card}
  pension:
    title: pension
    prompt: menu_pension
    business: pension
    keys:
      "1": {self_service: balance}
  ss_card:
    title: card
    prompt: menu_ss_card
    business: ss_card
    retries: 1
    keys:
      "1": {self_service: card_loss}
      "9": {agent: true}
"""


def write_config(directory: Path, text: str, name: str = "hotline.yaml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def write_catalog(directory: Path, ids: list[str] = VOCABULARY_PROMPTS) -> Path:
    path = directory / "catalog.yaml"
    path.write_text(yaml.safe_dump({"prompts": {prompt: {"zh": "..."} for prompt in ids}}), encoding="utf-8")
    return path


def line_of(text: str, marker: str) -> int:
    """1-based line of the only line containing `marker`."""
    hits = [number for number, line in enumerate(text.splitlines(), 1) if marker in line]
    assert len(hits) == 1, f"marker {marker!r} found on lines {hits}"
    return hits[0]


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def write_site_files(directory: Path) -> None:
    """The files beside SMALL's hotline.yaml that a site-wide check reads: its two dialects'
    hours, one agent, the demo callback policy and calendar."""
    demo = Path(__file__).resolve().parents[2] / "config"
    (directory / "hours.yaml").write_text(
        "timezone: Asia/Shanghai\nlines:\n"
        "  mandarin: {dialects: [mandarin], periods: [{open: \"08:30\", close: \"18:00\"}]}\n"
        "  dialect: {dialects: [cantonese], periods: [{open: \"09:00\", close: \"17:30\"}]}\n", encoding="utf-8")
    (directory / "agents.yaml").write_text(
        "agents:\n  - {id: \"1\", name: A, endpoint: PJSIP/1, proficiencies: {mandarin: 5, cantonese: 5, pension: 5, ss_card: 5}}\n",
        encoding="utf-8")
    (directory / "callbacks.yaml").write_text((demo / "callbacks.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (directory / "calendar").mkdir(exist_ok=True)
    (directory / "calendar" / "2026.yaml").write_text((demo / "calendar" / "2026.yaml").read_text(encoding="utf-8"), encoding="utf-8")
