"""YAML to plain data, remembering the line of every key, refusing duplicate keys, bounded.

PyYAML keeps the last of two equal keys without a word: an operator who writes key "1"
twice in a menu silently loses one of the choices. And PyYAML's composer and constructor
follow aliases and recurse without limit: an 11 KB "billion laughs" file grows to gigabytes,
and a few thousand nested brackets end in a RecursionError. So we read libyaml's event stream
and build the data ourselves, without recursion: every key's line is recorded, a duplicate
key is an issue, nesting deeper than `max_depth` is refused, and every node counts against
`max_nodes`, an alias counting as many nodes as it stands for (what a consumer walking the
data would visit). An alias shares its anchor's value; nothing is copied.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from ivr.menu.issues import Issue, KeyPath, format_path
from ivr.menu.limits import ReadLimits

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


class _TooBig(Exception):
    def __init__(self, issue: Issue) -> None:
        self.issue = issue


def parse_yaml(text: str, file: str = "", limits: ReadLimits | None = None) -> ParsedYaml:
    """Parse one YAML document; a syntax error or an exceeded limit is the only issue."""
    limits = limits or ReadLimits()
    if (problem := limits.text_problem(text, file)) is not None:
        return ParsedYaml(None, SourceMap(file), [problem])
    loader = _Loader(text)
    builder = _Builder(loader, file, limits)
    try:
        data = builder.document()
    except yaml.MarkedYAMLError as error:
        return ParsedYaml(None, SourceMap(file), [_syntax_issue(error, file)])
    except yaml.YAMLError as error:  # a reader error without a mark
        return ParsedYaml(None, SourceMap(file), [Issue("yaml-syntax", (), f"YAML error: {error}", "check the file is plain YAML text", file, 1)])
    except _TooBig as refused:
        return ParsedYaml(None, SourceMap(file), [refused.issue])
    finally:
        loader.dispose()
    return ParsedYaml(data, SourceMap(file, builder.lines), builder.issues)


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


@dataclass
class _Frame:
    """A mapping or sequence being built."""

    value: dict[str, Any] | list[Any]
    path: KeyPath
    anchor: str | None
    first_node: int  # node count when it opened: its size is the count when it closes minus this
    line: int
    key: str | None = None  # mappings: the key whose value comes next
    key_line: int = 0
    skip: bool = False  # mappings: the value for `key` is a duplicate and is dropped
    expecting_key: bool = True
    merged: set[str] = field(default_factory=set)  # keys that came from `<<:` (explicit ones win)


_STR = "tag:yaml.org,2002:str"
_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


class _Builder:
    def __init__(self, loader: Any, file: str, limits: ReadLimits) -> None:
        self.loader, self.file, self.limits = loader, file, limits
        self.lines: dict[KeyPath, int] = {}
        self.issues: list[Issue] = []
        self.anchors: dict[str, tuple[Any, int]] = {}  # name -> (value, nodes it stands for)
        self.nodes = 0
        self.stack: list[_Frame] = []

    def document(self) -> Any:
        loader = self.loader
        loader.get_event()  # StreamStart
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # DocumentStart
        result = self._value()
        loader.get_event()  # DocumentEnd
        if not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()
            raise yaml.MarkedYAMLError("expected a single document in the file", None,
                                       "but found another document", event.start_mark)
        return result

    def _count(self, nodes: int, line: int) -> None:
        self.nodes += nodes
        if self.nodes > self.limits.max_nodes:
            raise _TooBig(Issue("too-many-nodes", (), f"the file expands to more than {self.limits.max_nodes:,} "
                                f"values (aliases count as what they repeat)", "write the values out, or split the "
                                "configuration; a short file that expands this far is an alias bomb", self.file, line))

    def _value(self) -> Any:
        """The next node, built iteratively (a stack of open collections, no recursion)."""
        result: Any = None
        done = False
        depth_base = len(self.stack)
        while not done:
            event = self.loader.get_event()
            line = event.start_mark.line + 1
            kind = type(event)
            if kind is yaml.ScalarEvent:
                self._count(1, line)
                value = self._scalar(event)
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, 1)
            elif kind in _OPEN:
                if len(self.stack) - depth_base >= self.limits.max_depth:
                    raise _TooBig(Issue("too-deep", (), f"values are nested more than {self.limits.max_depth} levels deep",
                                        "flatten the structure; no hotline file needs this depth", self.file, line))
                self._count(1, line)
                path = self._child_path()
                container: dict[str, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) else []
                self.stack.append(_Frame(container, path, event.anchor, self.nodes - 1, line))
                continue
            elif kind in _CLOSE:
                frame = self.stack.pop()
                if frame.anchor is not None:
                    self.anchors[frame.anchor] = (frame.value, self.nodes - frame.first_node)
                value = frame.value
            else:  # AliasEvent
                if event.anchor not in self.anchors:
                    raise yaml.MarkedYAMLError(None, None, f"found undefined alias {event.anchor!r}", event.start_mark)
                value, size = self.anchors[event.anchor]
                self._count(size, line)
            if len(self.stack) == depth_base:
                result, done = value, True
            else:
                self._place(value, line)
        return result

    def _scalar(self, event: yaml.ScalarEvent) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0]:  # quoted: text, whatever it looks like
                return event.value
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _STR:
            return event.value
        start: Any = event.start_mark  # libyaml's marks quack like PyYAML's
        end: Any = event.end_mark
        node = yaml.ScalarNode(tag, event.value, start, end, event.style)
        return self.loader.construct_object(node, deep=True)

    def _child_path(self) -> KeyPath:
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if isinstance(frame.value, list):
            return frame.path + (len(frame.value),)
        if frame.expecting_key:
            return frame.path + ("(key)",)
        return frame.path + (frame.key or "",)

    def _place(self, value: Any, line: int) -> None:
        frame = self.stack[-1]
        if isinstance(frame.value, list):
            self.lines.setdefault(frame.path + (len(frame.value),), line)
            frame.value.append(value)
            return
        if frame.expecting_key:
            self._key(frame, value, line)
            return
        frame.expecting_key = True
        if frame.skip:
            return
        assert frame.key is not None
        if frame.key == "<<":
            self._merge(frame, value, line)
            return
        frame.value[frame.key] = value

    def _key(self, frame: _Frame, value: Any, line: int) -> None:
        frame.expecting_key = False
        if isinstance(value, (dict, list)):
            self.issues.append(Issue("bad-key", frame.path, "a key must be plain text, not a mapping or list",
                                     "write the key as text", self.file, line))
            frame.key, frame.skip = None, True
            return
        # Keys are compared as text: `1:` and `"1":` are the same menu key to a caller.
        key = str(value)
        frame.key, frame.key_line, frame.skip = key, line, False
        key_path = frame.path + (key,)
        assert isinstance(frame.value, dict)
        if key in frame.value and key not in frame.merged:
            self.issues.append(Issue(
                "duplicate-key", key_path,
                f"key '{key}' appears twice in {format_path(frame.path)} (first at line {self.lines.get(key_path, frame.line)})",
                "keep one of the two entries; YAML would silently drop the first", self.file, line))
            frame.skip = True
            return
        frame.merged.discard(key)
        if key != "<<":
            self.lines[key_path] = line

    def _merge(self, frame: _Frame, value: Any, line: int) -> None:
        sources = value if isinstance(value, list) else [value]
        assert isinstance(frame.value, dict)
        for source in sources:
            if not isinstance(source, dict):
                self.issues.append(Issue("bad-merge", frame.path, "'<<:' must name a mapping (<<: *anchor)",
                                         "merge only mappings", self.file, line))
                return
            for key, item in source.items():
                if key not in frame.value:
                    frame.value[key] = item
                    frame.merged.add(key)
                    self.lines.setdefault(frame.path + (key,), line)
