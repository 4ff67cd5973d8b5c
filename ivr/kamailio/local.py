"""A cluster on one machine, for development and tests: Kamailio in front of sandbox Asterisk
nodes, the agents' phones registering to Kamailio with their location in PostgreSQL.

Every part listens on loopback, each on its own ports. The nodes get the same dialplans and
prompts; each renders the trunk as Kamailio's address (the carrier's calls reach a node only
through the front door) and the agents as `PJSIP/<extension>@kamailio`.
`ivrctl cluster up` (hotline.cluster.local) adds the services; the tests share one per session.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ivr.kamailio.db import create_schema, sync_subscribers
from ivr.kamailio.process import Kamailio
from ivr.kamailio.render import PROXY_NAME, FrontDoor, MediaNode, Registrar
from ivr.pjsip import AgentsProxy, IncomingTrunk, render_pjsip
from ivr.sandbox import Sandbox
from ivr.sandbox.config import HOTLINE_PJSIP_FILE, SIP_TRANSPORT
from ivr.sandbox.ports import free_sip_port

log = logging.getLogger(__name__)
KAMAILIO_HOST = "127.0.0.1"
__all__ = ["PROXY_NAME", "LocalCluster", "node_pjsip"]


def node_pjsip(kamailio: tuple[str, int], qualify_s: int = 10) -> str:
    """A node's PJSIP objects: the trunk is whatever comes from Kamailio, the agents are behind it."""
    host, port = kamailio
    return render_pjsip(transport=SIP_TRANSPORT, phones=(), incoming=[IncomingTrunk("trunk-12333", (host,))],
                        agents_proxy=AgentsProxy(PROXY_NAME, f"sip:{host}:{port}"), qualify_s=qualify_s)


@dataclass
class LocalCluster:
    """Kamailio + `nodes` sandbox Asterisks + the registrar's tables in `db_url`'s database."""

    asterisk_root: Path
    workdir: Path
    db_url: str  # postgres://user@address:port/database, created beforehand
    agi_port: int  # where every node's dialplan sends FastAGI (one service, or the active one)
    phones: Mapping[str, str] = field(repr=False, default_factory=dict)  # extension -> secret
    dialplan_dirs: Sequence[Path] = ()
    sounds_dir: Path | None = None
    nodes: int = 2
    trunk_sources: tuple[str, ...] = ("127.0.0.1",)
    probe_interval_s: int = 1
    realm: str = "hotline12333"
    kamailio_port: int = field(default_factory=free_sip_port)  # Kamailio listens on UDP and TCP
    ami_secret: str | None = field(default=None, repr=False)  # one AMI account on every node (None: one each)
    boxes: list[Sandbox] = field(default_factory=list)
    kamailio: Kamailio | None = None

    @property
    def front_door(self) -> tuple[str, int]:
        return KAMAILIO_HOST, self.kamailio_port

    def door(self) -> FrontDoor:
        return FrontDoor(
            KAMAILIO_HOST, self.kamailio_port,
            tuple(MediaNode(f"node{i}", "127.0.0.1", box.ports.sip) for i, box in enumerate(self.boxes, 1)),
            self.trunk_sources, str(self.workdir / "run"), str(self.workdir / "dispatcher.list"),
            probe_interval_s=self.probe_interval_s, node_timeout_ms=1000, children=2,
            registrar=Registrar(self.db_url, realm=self.realm))

    def start(self, extra_sandbox_options: Iterable[Mapping[str, object]] = ()) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        try:
            create_schema(self.db_url)
            sync_subscribers(self.db_url, self.realm, sorted(self.phones), self.phones)
            options = list(extra_sandbox_options) or [{}] * self.nodes
            for i, extra in enumerate(options[:self.nodes], 1):
                self.boxes.append(Sandbox(self.asterisk_root, agi_port=self.agi_port, dialplan_dirs=self.dialplan_dirs,
                                          sounds_dir=self.sounds_dir, name=f"node{i}",
                                          extra_files={HOTLINE_PJSIP_FILE: node_pjsip(self.front_door)},
                                          **extra))  # type: ignore[arg-type]
                if self.ami_secret is not None:
                    self.boxes[-1].ami = dataclasses.replace(self.boxes[-1].ami, secret=self.ami_secret)
            # Kamailio first: a node qualifies it as it boots, and a node that found it silent
            # would not ring an agent until its next qualify; Kamailio's probes find the nodes
            # within a probe interval of their start
            kamailio_dir = self.workdir / "kamailio"
            kamailio_dir.mkdir(exist_ok=True)
            self.kamailio = Kamailio(self.door(), kamailio_dir)
            self.kamailio.start()
            for box in self.boxes:
                box.start()
        except BaseException:
            self.stop()
            raise
        log.info("local cluster up: front door %s:%s, nodes %s", *self.front_door,
                 ", ".join(str(box.ports.sip) for box in self.boxes))

    def restart_kamailio(self) -> None:
        assert self.kamailio is not None
        self.kamailio.stop()
        self.kamailio.start()

    def stop(self) -> None:
        if self.kamailio is not None:
            self.kamailio.stop()
        for box in self.boxes:
            box.remove()
