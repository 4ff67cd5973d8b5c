"""Parsing FastAGI replies (pure): `200 result=N (data) key=value`, 510, 511, multi-line 520."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_RESULT = re.compile(r"result=(?P<result>\S*)(?: \((?P<data>[^)]*)\))?(?P<rest>.*)$")


@dataclass(frozen=True)
class AgiReply:
    code: int
    result: str = ""
    data: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    text: str = ""  # the whole reply for errors (520 usage, 510 message)

    @property
    def ok(self) -> bool:
        return self.code == 200

    @property
    def result_int(self) -> int:
        try:
            return int(self.result)
        except ValueError:
            return -1


def parse_status_line(line: str) -> tuple[int, bool, str]:
    """(code, continues, rest) of a reply line; `continues` is the `520-` multi-line form."""
    if len(line) < 3 or not line[:3].isdigit():
        raise ValueError(f"not an AGI reply line: {line!r}")
    code = int(line[:3])
    continues = line[3:4] == "-"
    return code, continues, line[4:]


def parse_reply(code: int, rest: str) -> AgiReply:
    if code != 200:
        return AgiReply(code=code, text=rest)
    match = _RESULT.match(rest)
    if match is None:
        return AgiReply(code=code, text=rest)
    extra = dict(item.split("=", 1) for item in match["rest"].split() if "=" in item)
    return AgiReply(code=code, result=match["result"], data=match["data"], extra=extra, text=rest)


def quote(argument: str) -> str:
    """One AGI command argument: quoted, with quotes and backslashes escaped."""
    return '"' + argument.replace("\\", "\\\\").replace('"', '\\"') + '"'
