"""Bounds on a configuration file, checked before and while it is parsed.

A configuration comes from an ops engineer's editor, a deployment tool or, through the ops
endpoint, a network request: whatever it holds, reading it must stay within a known time and
memory, and a refusal must be one line that says what to do. Sizes are measured on the bytes
(a multi-byte character counts as its bytes), lines are 1-based.
"""
from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from ivr.menu.issues import ConfigError, Issue

DEFAULT_MAX_BYTES = 1024 * 1024  # the demo hotline.yaml is 12 KB; 10,000 menus fit in about 1 MB
DEFAULT_MAX_NODES = 500_000  # values after alias expansion; validation stays well under a second
DEFAULT_MAX_DEPTH = 32  # the deepest hotline file nests 6 levels

# C0 controls but tab, newline and carriage return; DEL; C1 controls. YAML refuses most of
# them anyway, with a traceback-shaped error; a NUL usually means a binary file was copied.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class ReadLimits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_nodes: int = DEFAULT_MAX_NODES
    max_depth: int = DEFAULT_MAX_DEPTH

    def text_problem(self, text: str, file: str = "") -> Issue | None:
        """Too long, or a control character: checked before any parsing."""
        size = len(text.encode("utf-8", "surrogatepass")) if len(text) * 4 > self.max_bytes else len(text)
        if size > self.max_bytes:
            return _too_large(size, self.max_bytes, file)
        if (found := _CONTROL.search(text)) is not None:
            line = text.count("\n", 0, found.start()) + 1
            column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
            return Issue("control-character", (), f"control character U+{ord(found.group()):04X} at column {column}",
                         "remove it (it is invisible in most editors; a NUL often means a binary file)", file, line)
        return None


def _too_large(size: int, limit: int, file: str) -> Issue:
    return Issue("too-large", (), f"the file is larger than the {limit:,}-byte limit ({size:,} bytes or more)",
                 "split or shorten it, or raise the configuration size limit if it is really meant to be this big", file, 1)


def read_config_text(path: str | Path, limits: ReadLimits | None = None) -> str:
    """The text of a configuration file, or ConfigError with one issue saying why not.

    Only a regular file is read (a FIFO would block, a device never end), at most one byte
    more than the limit, and only if it is UTF-8."""
    limits = limits or ReadLimits()
    path = Path(path)
    file = str(path)

    def refuse(code: str, message: str, hint: str, line: int | None = None) -> ConfigError:
        return ConfigError([Issue(code, (), message, hint, file, line)])

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise refuse("missing-file", "the file does not exist", "create it (the demo config/ has one of each) or fix the path") from None
    except OSError as error:
        raise refuse("unreadable", f"cannot open the file: {error.strerror}", "check the path and its permissions") from None
    try:
        kind = os.fstat(fd).st_mode
        if not stat.S_ISREG(kind):
            what = "a directory" if stat.S_ISDIR(kind) else "a pipe" if stat.S_ISFIFO(kind) else "a device or socket"
            raise refuse("not-a-file", f"is {what}, not a regular file", "point at the YAML file itself")
        chunks, size = [], 0
        while size <= limits.max_bytes:
            chunk = os.read(fd, min(1 << 20, limits.max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise refuse("unreadable", f"cannot read the file: {error.strerror}", "check the path and its permissions") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limits.max_bytes:
        raise ConfigError([_too_large(len(data), limits.max_bytes, file)])
    return decode_config(data, file)


def decode_config(data: bytes, file: str = "") -> str:
    """UTF-8 text (a leading byte-order mark dropped), or ConfigError naming the line."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ConfigError([Issue("not-utf8", (), f"byte 0x{data[error.start]:02x} is not UTF-8",
                                 "save the file as UTF-8 (GBK and GB18030 are not accepted)", file, line)]) from None
