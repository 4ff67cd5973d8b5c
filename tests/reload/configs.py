"""Hotline configs for the reload tests: the demo config broken in each way the issue lists,
and a small fast config (sub-second prompts, 1 s timeouts) for tests that wait on silence."""
from __future__ import annotations

from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
DEMO = (PROJECT / "config" / "hotline.yaml").read_text(encoding="utf-8")
CATALOG = PROJECT / "prompts" / "catalog.yaml"


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, marker: str) -> int:
    """1-based number of the one line containing `marker` (or, if several, the one equal to it)."""
    hits = [number for number, line in enumerate(text.splitlines(), 1) if marker in line]
    if len(hits) > 1:
        hits = [number for number, line in enumerate(text.splitlines(), 1) if line.rstrip() == marker]
    assert len(hits) == 1, f"{marker!r} on lines {hits}"
    return hits[0]


# name: (config text, issue code, the line it must name, words the message must say)
BROKEN = {
    "yaml-syntax": (edit(DEMO, '  agent: "0"\n', '  agent: "0\n'), "yaml-syntax",
                    # PyYAML notices the unclosed quote on the line after it
                    line_of(DEMO, '  agent: "0"') + 1, "YAML syntax error"),
    "duplicate-key": (edit(DEMO, '      "2": {goto: medical}\n', '      "2": {goto: medical}\n      "2": {goto: pension}\n'),
                      "duplicate-key", line_of(DEMO, '"2": {goto: medical}') + 1, "key '2' appears twice in menus.main.keys"),
    "dangling-target": (edit(DEMO, '"3": {goto: unemployment}', '"3": {goto: unemploymnet}'), "dangling-target",
                        line_of(DEMO, '"3": {goto: unemployment}'), "menu 'unemploymnet' does not exist"),
    "unreachable": (edit(DEMO, '      "1": {goto: pension}\n', ""), "unreachable",
                    line_of(DEMO, "  pension:") - 1, "no caller can reach menu 'pension'"),
    "loop": (edit(DEMO, "    back: language\n", "    back: language\n    on_timeout: {goto: language}\n"), "silent-loop",
             line_of(DEMO, "  language:"), "language -> main -> language"),
    "missing-prompt": (edit(DEMO, "prompt: menu_medical", "prompt: menu_medicall"), "missing-prompt",
                       line_of(DEMO, "prompt: menu_medical"), "prompt 'menu_medicall' is not in the prompt catalog"),
}

# Every prompt under a second, so a test that waits for silence waits ~1 s, not ~30 s.
FAST = """\
name: fast test hotline
default_dialect: mandarin
dialects:
  mandarin: {name: Mandarin, language: zh}
  cantonese: {name: Cantonese, language: zh_yue}
business_lines:
  pension: {name: pension}
  medical: {name: medical}
defaults:
  timeout_s: 1
  retries: 1
  business: pension
  invalid_key_prompt: jiao
  no_input_prompt: fen
routing:
  dialects: [mandarin, cantonese]
  business_lines: [pension, medical]
entry:
  start: welcome
menus:
  welcome:
    title: welcome
    prompt: yuan
    next: {goto: language}
  language:
    title: language
    prompt: month
    keys:
      "1": {dialect: mandarin, goto: main}
      "2": {dialect: cantonese, goto: main}
    on_timeout: {dialect: mandarin, goto: main}
  main:
    title: main
    prompt: year
    keys:
      "1": {goto: pension}
      "2": {goto: medical}
  pension:
    title: pension
    prompt: minutes
    business: pension
  medical:
    title: medical
    prompt: minutes
    business: medical
"""

# The same hotline after an ops change: key 1 of the main menu now leads to medical.
FAST_SWAPPED = edit(edit(FAST, '"1": {goto: pension}', '"1": {goto: MEDICAL}'), '"2": {goto: medical}', '"2": {goto: pension}').replace("MEDICAL", "medical")


def write(directory: Path, text: str, name: str = "hotline.yaml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def context_of(version: str, menu: str) -> str:
    return f"hotline-v{version}-menu-{menu}"


__all__ = ["BROKEN", "CATALOG", "DEMO", "FAST", "FAST_SWAPPED", "context_of", "edit", "line_of", "write"]
