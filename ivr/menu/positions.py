"""YAML to plain data, remembering the line of every key and refusing duplicate keys.

PyYAML keeps the last of two equal keys without a word: an operator who writes key "1"
twice in a menu silently loses one of the choices. So we compose the node tree with
PyYAML's safe loader and build the data ourselves, recording where each key was written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from ivr.menu.issues import Issue, KeyPath, format_path


@dataclass(frozen=True)
class SourceMap:
    """Where each key path was written in a file, so later checks can name a line."""

    file: str = ""
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line_of(self, path: KeyPath) -> int | None:
        """Line of `path`, or of its nearest written ancestor (a missing field has none)."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return 1 if self.lines else None

    def issue(self, code: str, path: KeyPath, message: str, hint: str, **extra: Any) -> Issue:
        return Issue(code, tuple(path), message, hint, self.file, self.line_of(path), **extra)


@dataclass(frozen=True)
class ParsedYaml:
    data: Any
    source: SourceMap
    issues: list[Issue]  # duplicate keys; the data keeps the first occurrence


def parse_yaml(text: str, file: str = "") -> ParsedYaml:
    """Parse one YAML document; a syntax error becomes the only issue, with its line."""
    loader = yaml.SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as error:
            return ParsedYaml(None, SourceMap(file), [_syntax_issue(error, file)])
        walker = _Walker(loader, file)
        data = walker.build(node, ()) if node is not None else None
        return ParsedYaml(data, SourceMap(file, walker.lines), walker.issues)
    finally:
        loader.dispose()


def _syntax_issue(error: yaml.MarkedYAMLError, file: str) -> Issue:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else None
    column = f", column {mark.column + 1}" if mark else ""
    problem = " ".join(part for part in (error.context, error.problem) if part)
    return Issue(
        "yaml-syntax",
        (),
        f"YAML syntax error{column}: {problem}",
        "check indentation and quoting near this line; keys *, # and & must be quoted ('*')",
        file,
        line,
    )


class _Walker:
    def __init__(self, loader: yaml.SafeLoader, file: str) -> None:
        self.loader = loader
        self.file = file
        self.lines: dict[KeyPath, int] = {}
        self.issues: list[Issue] = []

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.lines.setdefault(path + (index,), item.start_mark.line + 1)
                items.append(self.build(item, path + (index,)))
            return items
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            # Keys are compared as text: `1:` and `"1":` are the same menu key to a caller.
            key = str(self.build(key_node, path))
            key_path = path + (key,)
            line = key_node.start_mark.line + 1
            if key in out:
                self.issues.append(
                    Issue(
                        "duplicate-key",
                        key_path,
                        f"key '{key}' appears twice in {format_path(path)} "
                        f"(first at line {self.lines[key_path]})",
                        "keep one of the two entries; YAML would silently drop the first",
                        self.file,
                        line,
                    )
                )
                continue
            self.lines[key_path] = line
            out[key] = self.build(value_node, key_path)
        return out
