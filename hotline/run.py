"""`ivrctl run`: the whole hotline in the foreground, until Ctrl-C.

In sandbox mode it also starts the project's own Asterisk with the project's dialplans and
prompts, and stops it on the way out, so no process is left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

import uvicorn

from hotline.ami_events import service_eventfilter
from hotline.assembly import AsteriskSite, assemble
from hotline.config.site import load_site
from hotline.db.schema_check import require_head_schema
from ivr.menu.issues import ConfigError
from hotline.http.supervision import close_streams_on_exit
from hotline.settings import Settings
from ivr.pjsip import AgentPhone, demo_secrets, pjsip_name
from ivr.pjsip.secrets import DEMO_FILE
from ivr.prompts.moh import MOH_CLASS, render_built_moh_conf
from ivr.sandbox import Sandbox
from hotline.demo_agents import log_in, start_phones, stop_phones
from ivr.sandbox.keeper import SandboxKeeper
from ivr.sipp.process import SippPhone
from ivr.sandbox.runner import remove_stale_instances
from ivr.sandbox.ports import free_tcp_port
from routing.asterisk import load_roster

log = logging.getLogger("hotline")


def run(settings: Settings, *, demo_agents: bool = False) -> None:
    """Raises ConfigurationError, before anything starts, on a database not at the head schema.
    `demo_agents` (sandbox only): a registered SIPp phone per agent, answering with a tone."""
    require_head_schema([settings.database().resolved_url()])
    site, issues = load_site(settings.config_dir, catalog=settings.catalog_path, limits=settings.read_limits())
    if site is None:  # every file checked before anything starts: one line a problem
        raise ConfigError([issue for issue in issues if issue.severity == "error"])
    agi_port = settings.agi_port or free_tcp_port()
    keeper: SandboxKeeper | None = None
    phones: list[SippPhone] = []
    if settings.asterisk_mode == "sandbox":
        keeper = start_sandbox(settings, agi_port)
        sandbox = keeper.sandbox
        if demo_agents:
            roster = load_roster(settings.agents_path)
            secrets = demo_secrets(settings.var_dir / DEMO_FILE, [p.name for p in sandbox.sip_phones])
            phones = start_phones(sandbox, roster, secrets, settings.var_dir / "demo-agents")
        site = AsteriskSite(
            ami=sandbox.ami,
            dialplan_live_dir=sandbox.dialplan_dir,
            messages_dir=sandbox.host_path(sandbox.layout.spool) / "monitor" / "messages",
            recorder_spool_dir=sandbox.host_path(sandbox.layout.spool) / "recorder",
            call_recordings=(sandbox.host_path(sandbox.layout.spool) / "calls", str(sandbox.layout.spool / "calls")),
            # hard links to the build's files: a take going live replaces its link, not the build
            live_sounds_dir=sandbox.host_path(sandbox.layout.data) / "sounds",
        )
    else:
        site = AsteriskSite(ami=settings.ami(), dialplan_live_dir=settings.dialplan_live_dir,
                            messages_dir=settings.messages_dir, recorder_spool_dir=settings.recorder_spool_dir,
                            live_sounds_dir=settings.prompts_live_dir)
    try:
        asyncio.run(_serve(settings, site, agi_port, demo_agents=bool(phones)))
    except KeyboardInterrupt:
        pass
    finally:
        stop_phones(phones)
        if keeper is not None:
            log.info("stopping the sandbox Asterisk")
            keeper.stop()


def start_sandbox(settings: Settings, agi_port: int) -> SandboxKeeper:
    """The development Asterisk, kept alive: restarted if it dies, its core file and log kept
    in var/asterisk-crashes/. Instances left by killed runs are removed first."""
    remove_stale_instances(settings.asterisk_root)
    build = settings.prompts_build_dir
    # The built hold music and its musiconhold.conf go together: the sandbox's own default
    # class looks in data/moh, where only the built class's folder would be.
    moh_built = (build / "moh" / MOH_CLASS).is_dir()
    roster = load_roster(settings.agents_path)
    names = [name for agent in roster.values() if (name := pjsip_name(agent.endpoint))]
    secrets_file = settings.var_dir / DEMO_FILE
    secrets = demo_secrets(secrets_file, names)
    sandbox = Sandbox(
        settings.asterisk_root,
        agi_port=agi_port,
        dialplan_dirs=[settings.dialplans_dir],
        sounds_dir=_existing(build / "sounds"),
        moh_dir=build / "moh" if moh_built else None,
        extra_files={"musiconhold.conf": render_built_moh_conf()} if moh_built else None,
        name="run",
        sip_phones=[AgentPhone(name, secrets[name]) for name in names],
        ami_event_filter=service_eventfilter(),  # only the events the service reads
    )
    keeper = SandboxKeeper(sandbox, settings.var_dir / "asterisk-crashes")
    keeper.start()
    log.info("sandbox Asterisk: AMI 127.0.0.1:%s, SIP 127.0.0.1:%s, log %s",
             sandbox.ports.ami, sandbox.ports.sip, sandbox.log_file)
    print("\n".join(softphone_lines(sandbox.ports.sip, names, secrets_file)), flush=True)
    return keeper


def softphone_lines(port: int, agents: list[str], secrets_file: Path) -> list[str]:
    """What `make run` prints for a newcomer to place a call (no secret: those stay in the file)."""
    lines = [f"Call the hotline: sip:12333@127.0.0.1:{port} (UDP or TCP, no account needed; "
             "keys as RFC 2833/4733, codec G.711 u-law or A-law)"]
    if agents:
        lines.append(f"Agents' phones: register as {', '.join(agents)} at 127.0.0.1:{port}; "
                     f"their passwords are in {secrets_file}")
    return lines


def _existing(path: Path) -> Path | None:
    return path if path.exists() else None


class StoppingServer(uvicorn.Server):
    """uvicorn, without raising Ctrl-C again once it has shut down. uvicorn re-raises the
    signal it caught as it returns; under asyncio.run that cancels the main task, so the
    hotline's own stop (recording switched off, records flushed, the lease handed over) was cut
    off at its first await. The caller stops the hotline, then returns normally."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        with super().capture_signals():
            yield
            self._captured_signals.clear()


async def _serve(settings: Settings, site: AsteriskSite, agi_port: int, *, demo_agents: bool = False) -> None:
    hotline = assemble(settings, site, agi_port=agi_port)
    await hotline.start()
    try:
        await hotline.service.wait_ready(10)
        if demo_agents:
            await log_in(hotline.desk, hotline.desk.roster)
        config = uvicorn.Config(hotline.app, host=settings.http_host, port=settings.http_port,
                                log_level="info", lifespan="off")
        server = StoppingServer(config)
        close_streams_on_exit(server, hotline.app.state.live_feed)  # open wallboards must not hold up Ctrl-C
        await server.serve()  # returns on Ctrl-C / SIGTERM
    finally:
        await hotline.stop()
