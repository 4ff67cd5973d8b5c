"""Free local ports, so several sandboxes (and a developer's own Asterisk) can coexist."""

from __future__ import annotations

import random
import socket


def free_tcp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_sip_port() -> int:
    """A port free for both UDP and TCP on loopback (SIP listens on both)."""
    for _ in range(50):
        port = free_udp_port()
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise OSError("no port free for both UDP and TCP on 127.0.0.1")


def _udp_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_udp_range(size: int, low: int = 20000, high: int = 60000) -> tuple[int, int]:
    """An even-aligned range of `size` UDP ports none of which is bound now (RTP wants even starts)."""
    for _ in range(200):
        start = random.randrange(low, high - size) & ~1
        if all(_udp_free(p) for p in range(start, start + size)):
            return start, start + size - 1
    raise OSError(f"no free range of {size} UDP ports between {low} and {high}")
