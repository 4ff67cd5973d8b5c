"""Which sound files Asterisk really opened, seen by the kernel (Linux inotify, IN_OPEN).

A TestEvent PLAYBACK names only what the dialplan asked for ("welcome"), and the verbose log
names the channel's language, not the directory the file came from: Asterisk quietly falls
back from zh_yue/ to zh/ to the default language when a file is missing. inotify reports the
file opened, by directory, so a test can tell sounds/zh_yue/welcome from sounds/zh/welcome.
Asterisk opens a prompt before it emits PLAYBACK; music on hold opens its first track a tick
after MusicOnHoldStart: wait_for / wait_until wait on the inotify descriptor, never sleep.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import struct
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import TypeVar

T = TypeVar("T")

_IN_OPEN = 0x00000020
_IN_ISDIR = 0x40000000
_IN_NONBLOCK = os.O_NONBLOCK
_IN_CLOEXEC = os.O_CLOEXEC
_HEADER = struct.Struct("iIII")  # wd, mask, cookie, len; then len bytes of NUL-padded name

_libc = ctypes.CDLL("libc.so.6", use_errno=True)


class OpenedFiles:
    """Files opened under `root` (every real subdirectory, symlinked ones not followed)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._fd = _libc.inotify_init1(_IN_NONBLOCK | _IN_CLOEXEC)
        if self._fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        self._dirs: dict[int, PurePosixPath] = {}
        self.opened: list[PurePosixPath] = []  # relative to root, in the order they were opened
        for directory, _subdirs, _files in os.walk(self.root):
            wd = _libc.inotify_add_watch(self._fd, os.fsencode(directory), _IN_OPEN)
            if wd < 0:
                errno = ctypes.get_errno()
                self.close()
                raise OSError(errno, f"inotify_add_watch {directory}")
            self._dirs[wd] = PurePosixPath(Path(directory).relative_to(self.root).as_posix())

    def collect(self) -> list[PurePosixPath]:
        """Read every queued open into `opened`; returns the whole list so far."""
        while True:
            try:
                data = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                return self.opened
            offset = 0
            while offset < len(data):
                wd, mask, _cookie, length = _HEADER.unpack_from(data, offset)
                offset += _HEADER.size
                name = data[offset:offset + length].rstrip(b"\0").decode()
                offset += length
                if name and not mask & _IN_ISDIR:  # directory listings are not playback
                    self.opened.append(self._dirs[wd] / name)

    async def wait_for(self, stem: str, timeout: float = 5.0) -> list[str]:
        """Until a file named `stem` (any format) has been opened; returns stems()."""
        await self.wait_until(lambda stems: stem in stems, stem, timeout)
        return self.stems()

    async def wait_until(self, condition: Callable[[list[str]], T], what: str, timeout: float = 5.0) -> T:
        """Until condition(stems()) is truthy; returns its value."""
        loop = asyncio.get_running_loop()
        readable = asyncio.Event()
        loop.add_reader(self._fd, readable.set)
        try:
            async with asyncio.timeout(timeout):
                while not (result := condition(self.stems())):
                    readable.clear()
                    await readable.wait()
        except TimeoutError:
            raise AssertionError(f"Asterisk did not open {what} within {timeout} s; "
                                 f"opened: {self.stems()}") from None
        finally:
            loop.remove_reader(self._fd)
        return result

    def stems(self) -> list[str]:
        """What was opened, without the format suffix: "zh/digits/5", "za/welcome"."""
        return [str(path.with_suffix("")) for path in self.collect()]

    def close(self) -> None:
        os.close(self._fd)

    def __enter__(self) -> OpenedFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
