"""`ivrctl run`: the whole hotline in the foreground, until Ctrl-C.

In sandbox mode it also starts the project's own Asterisk with the project's dialplans and
prompts, and stops it on the way out, so no process is left behind.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import uvicorn

from hotline.http.app import create_app
from hotline.service import HotlineService
from hotline.settings import PROJECT_ROOT, ServiceSettings
from ivr.ami import AmiSettings
from ivr.dialplan.reload_settings import ReloadSettings
from ivr.prompts.moh import MOH_CLASS, render_built_moh_conf
from ivr.sandbox import Sandbox
from ivr.sandbox.ports import free_tcp_port

log = logging.getLogger("hotline")


def run(settings: ServiceSettings) -> None:
    agi_port = settings.agi_port or free_tcp_port()
    sandbox: Sandbox | None = None
    if settings.asterisk_mode == "sandbox":
        # Started from the main thread: the sandbox dies with the thread that started it.
        sandbox = start_sandbox(settings, agi_port)
        ami = sandbox.ami
        # ops reloads go to the sandbox's live dialplan directory
        reload_settings = ReloadSettings(dialplan_live_dir=sandbox.dialplan_dir)
    else:
        ami = settings.external_ami()
        reload_settings = ReloadSettings()
    try:
        asyncio.run(_serve(settings, ami, agi_port, reload_settings))
    except KeyboardInterrupt:
        pass
    finally:
        if sandbox is not None:
            log.info("stopping the sandbox Asterisk")
            sandbox.remove()


def start_sandbox(settings: ServiceSettings, agi_port: int) -> Sandbox:
    build = settings.prompts_dir / "build"
    # The built hold music and its musiconhold.conf go together: the sandbox's own default
    # class looks in data/moh, where only the built class's folder would be.
    moh_built = (build / "moh" / MOH_CLASS).is_dir()
    sandbox = Sandbox(
        settings.asterisk_root,
        agi_port=agi_port,
        dialplan_dirs=[PROJECT_ROOT / "dialplans"],
        sounds_dir=_existing(build / "sounds"),
        moh_dir=build / "moh" if moh_built else None,
        extra_files={"musiconhold.conf": render_built_moh_conf()} if moh_built else None,
        name="run",
    )
    sandbox.start()
    log.info("sandbox Asterisk: AMI 127.0.0.1:%s, SIP 127.0.0.1:%s, log %s",
             sandbox.ports.ami, sandbox.ports.sip, sandbox.log_file)
    return sandbox


def _existing(path: Path) -> Path | None:
    return path if path.exists() else None


async def _serve(settings: ServiceSettings, ami: AmiSettings, agi_port: int,
                 reload_settings: ReloadSettings) -> None:
    service = HotlineService(ami, agi_host=settings.agi_host, agi_port=agi_port,
                             agi_read_timeout=settings.agi_read_timeout)
    await service.start()
    try:
        await service.wait_ready(10)
        app = create_app(service)
        app.state.reload_settings = reload_settings
        config = uvicorn.Config(app, host=settings.http_host, port=settings.http_port,
                                log_level="info", lifespan="off")
        await uvicorn.Server(config).serve()  # returns on Ctrl-C / SIGTERM
    finally:
        await service.stop()
