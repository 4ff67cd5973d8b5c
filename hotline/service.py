"""The running hotline: the parts that talk to Asterisk, started and stopped together.

Composition root: it builds the AMI client and the FastAGI server from settings and hands
them to the features (routing, self-service, ...), which register their own handlers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ivr.agi import AgiHandler, AgiServer
from ivr.agi.load import LoopLag, OverloadPolicy
from ivr.ami import AmiClient, AmiSettings, NotConnected

log = logging.getLogger("hotline")
DATABASE_CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class Health:
    ami_connected: bool
    ami_state: str
    ami_reconnects: int
    asterisk_version: str | None
    agi_serving: bool
    agi_active_sessions: int
    database_reachable: bool | None = None  # None: this service has no database to check
    # the last prompt build's provenance per language (ivr.prompts.build.read_provenance)
    prompts: Mapping[str, Mapping[str, Any]] | None = None
    # the holiday calendar's coverage (hotline.hours.calendar.coverage); a missing year is shown,
    # not a 503: restarting the service would not add the notice
    calendar: Mapping[str, Any] | None = None
    # None: no recording; else whether recordings can be stored, and why not. Not part of `ok`:
    # calls go on unrecorded, so monitors see it here and in /metrics, not as a failing service.
    recording: tuple[bool, str] | None = None
    # hotline.cluster.role.ServiceRole.as_json(): active or standby, the lease's epoch and age
    cluster: Mapping[str, Any] | None = None
    # several Asterisk nodes (config/cluster.yaml): each node's AMI state; the fields above are
    # the first node's. None: one Asterisk.
    nodes: Mapping[str, str] | None = None

    @property
    def standby(self) -> bool:
        return self.cluster is not None and self.cluster.get("role") == "standby"

    @property
    def ok(self) -> bool:
        # a standby's FastAGI is closed on purpose (Asterisk reaches the active one)
        return (self.ami_connected and (self.agi_serving or self.standby)
                and self.database_reachable is not False)

    def as_json(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.ok else "degraded",
            "ami": {"connected": self.ami_connected, "state": self.ami_state,
                    "reconnects": self.ami_reconnects, "asterisk_version": self.asterisk_version},
            "fastagi": {"serving": self.agi_serving, "active_sessions": self.agi_active_sessions},
            "database": {"reachable": self.database_reachable},
            **({"prompts": {language: {"own_language": p.get("own_language"), "recorded": p.get("recorded"),
                                       "total": p.get("total"), "falling_back": len(p.get("falling_back") or [])}
                            for language, p in self.prompts.items()}} if self.prompts is not None else {}),
            **({"calendar": dict(self.calendar)} if self.calendar is not None else {}),
            "recording": None if self.recording is None else {"available": self.recording[0],
                                                              "reason": self.recording[1] or None},
            **({"cluster": dict(self.cluster)} if self.cluster is not None else {}),
            **({"nodes": {name: {"ami": state} for name, state in self.nodes.items()}}
               if self.nodes is not None else {}),
        }


class HotlineService:
    """`ami` is the first (or only) Asterisk, `node` its id ("" while there is one); `others`
    the other nodes of a cluster (config/cluster.yaml), each with an AMI connection of its own."""

    def __init__(self, ami: AmiSettings, *, agi_host: str, agi_port: int, agi_read_timeout: float = 10.0,
                 agi_routes: Mapping[str, AgiHandler] | None = None,
                 overload: OverloadPolicy = OverloadPolicy(), node: str = "",
                 others: Mapping[str, AmiSettings] | None = None) -> None:
        self.ami = AmiClient(ami)
        self.node = node
        # every node's connection by node id, the first node's first
        self.nodes: dict[str, AmiClient] = {node: self.ami, **{name: AmiClient(settings)
                                                               for name, settings in (others or {}).items()}}
        self.agi = AgiServer(dict(agi_routes or {}), host=agi_host, port=agi_port, read_timeout=agi_read_timeout)
        self.loop_lag = LoopLag()
        self.overload = overload
        self._asterisk_version: str | None = None
        self.database_check: Callable[[], Awaitable[None]] | None = None  # raises when unreachable
        # what callers hear in their own language, per language (blocking: a small file read)
        self.prompts_report: Callable[[], Mapping[str, Mapping[str, Any]] | None] | None = None
        self.calendar_report: Callable[[], Mapping[str, Any]] | None = None  # blocking: may re-read hours files
        self.recording_state: Callable[[], tuple[bool, str]] | None = None  # (available, why not)
        self.recordings_failed: Callable[[], int] | None = None  # recordings that ended with no file
        self.cluster_state: Callable[[], Mapping[str, Any]] | None = None  # the role in a pair
        self.ami.connected.connect(self._on_connected)

    async def _on_connected(self) -> None:
        try:
            self._asterisk_version = (await self.ami.command("core show version")).split(" built")[0]
        except Exception as exc:  # health must not fail because a version query did
            log.warning("could not read the Asterisk version: %s", exc)

    async def start(self, *, listen: bool = True) -> None:
        """FastAGI first (calls may arrive at once), then AMI in the background: the service
        comes up even while Asterisk is down, reports it in /health, and connects when it can.
        `listen=False` (the standby of a pair): FastAGI stays closed until `open_agi()`."""
        if listen:
            await self.agi.start()
        for ami in self.nodes.values():
            ami.start()
        self.loop_lag.start()

    @property
    def others(self) -> dict[str, AmiClient]:
        """The nodes other than the first, by node id."""
        return {name: ami for name, ami in self.nodes.items() if ami is not self.ami}

    async def stop(self) -> None:
        await self.loop_lag.stop()
        for ami in self.nodes.values():
            await ami.close()
        await self.agi.close()

    async def open_agi(self) -> None:
        if not self.agi.serving:
            await self.agi.start()

    async def close_agi(self) -> None:
        """Stop answering FastAGI at once: the listener closes (Asterisk's next AGI() to us is
        refused at once, AGISTATUS=FAILURE) and sessions in progress end."""
        await self.agi.close()

    def saturated(self) -> bool:
        """Whether a new self-service caller should be offered an agent instead (ivr.agi.load)."""
        return self.overload.saturated(self.agi.stats.active, self.loop_lag.recent())

    async def wait_ready(self, timeout: float) -> None:
        try:
            await self.ami.wait_connected(timeout)
        except NotConnected:
            log.warning("AMI not connected yet; carrying on and retrying in the background")

    async def health(self) -> Health:
        reachable = None
        if self.database_check is not None:
            try:
                async with asyncio.timeout(DATABASE_CHECK_SECONDS):
                    await self.database_check()
                reachable = True
            except Exception as exc:  # any failure is "unreachable"; the reason goes to the log
                log.warning("health: database unreachable (%s)", type(exc).__name__)
                reachable = False
        prompts = await asyncio.to_thread(self.prompts_report) if self.prompts_report is not None else None
        return Health(
            ami_connected=self.ami.is_connected,
            ami_state=self.ami.state,
            ami_reconnects=self.ami.reconnects,
            asterisk_version=self._asterisk_version if self.ami.is_connected else None,
            agi_serving=self.agi.serving,
            agi_active_sessions=self.agi.stats.active,
            database_reachable=reachable,
            prompts=prompts,
            calendar=await asyncio.to_thread(self.calendar_report) if self.calendar_report is not None else None,
            recording=self.recording_state() if self.recording_state else None,
            cluster=self.cluster_state() if self.cluster_state else None,
            nodes={name: ami.state for name, ami in self.nodes.items()} if len(self.nodes) > 1 else None,
        )
