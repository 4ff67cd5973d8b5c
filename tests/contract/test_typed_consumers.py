"""Consumers read the dialplan's UserEvents typed (ivr/userevents.py), never by header strings.

A scan of every module under hotline/ and routing/ (and ivr/, outside the decoders): reading
a mapping by a contract header (`message["CallID"]`, `event.get("Dialect")`), or naming a
contract event by its string (`== "HotlineSurvey"`), is a consumer reading the wire format
behind the contract's back. Such a read compiles, and breaks silently when the dialplan and
the contract change together."""

from __future__ import annotations

import ast
from pathlib import Path

from ivr import userevents

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("hotline", "routing", "ivr")
# The decoders: the contract itself and the AMI layer (whose actions and standard events share
# header names with ours).
ALLOWED = ("ivr/userevents.py", "ivr/ami/")
# Headers that standard AMI events carry too (OriginateResponse's Reason, ContactStatus's
# Status): reading them says nothing about which event it is.
SHARED_WITH_AMI = frozenset({"Reason", "Status"})
HEADERS = ({h for cls in userevents.EVENTS.values() for h in cls.headers()} - SHARED_WITH_AMI) | {"UserEvent"}
NAMES = frozenset(userevents.EVENTS)
READERS = frozenset({"get", "pop", "__getitem__", "setdefault"})


def string_reads(source: str) -> list[tuple[int, str]]:
    """(line, what) for every read of a contract header or name by string in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        key = None
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            key = node.slice.value
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in READERS
              and node.args and isinstance(node.args[0], ast.Constant)):
            key = node.args[0].value
        if isinstance(key, str) and key in HEADERS:
            found.append((node.lineno, f"reads header {key!r} by string"))
        elif isinstance(node, ast.Constant) and node.value in NAMES:
            found.append((node.lineno, f"names event {node.value!r} by string (use its class)"))
    return found


def consumer_modules() -> list[Path]:
    paths = [p for top in SCANNED for p in (ROOT / top).rglob("*.py")]
    return [p for p in paths if not str(p.relative_to(ROOT)).startswith(ALLOWED)]


def test_no_consumer_reads_a_userevent_by_header_string():
    problems = [f"{path.relative_to(ROOT)}:{line}: {what}" for path in consumer_modules()
                for line, what in string_reads(path.read_text())]
    assert not problems, "read the typed event (ivr/userevents.py) instead:\n  " + "\n  ".join(problems)


def test_the_scan_finds_what_it_is_for():
    """The check can fail: each way of reading the wire format is caught."""
    assert [what for _, what in string_reads('name = message.get("UserEvent", "")')] == [
        "reads header 'UserEvent' by string"]
    assert len(string_reads('call_id = message["CallID"]\nx = e.get("Dialect") or r.dialect')) == 2
    assert len(string_reads('if name == "HotlineSurvey":\n    pass')) == 1
    assert string_reads('reply.get("Reason", "")\nevent.dialect\nami.subscribe("UserEvent", f)') == []
    assert len(consumer_modules()) > 50  # the scan sees the tree
