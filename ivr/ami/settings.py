"""How to reach an Asterisk Manager Interface, and how patient to be with it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AmiSettings:
    host: str
    port: int
    username: str
    secret: str
    action_timeout: float = 5.0  # every action fails after this instead of waiting forever
    connect_timeout: float = 3.0  # TCP connect plus login
    ping_interval: float = 1.0  # the watchdog pings when the line has been quiet this long
    stall_timeout: float = 4.0  # no byte for this long (pings unanswered) means stalled
    backoff_initial: float = 0.2
    backoff_max: float = 5.0

    def __repr__(self) -> str:  # never print the secret
        return f"AmiSettings(host={self.host!r}, port={self.port}, username={self.username!r})"
