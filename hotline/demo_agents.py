"""Demo agents for `make run DEMO_AGENTS=1`: a SIPp phone per agent of the roster, registered
with the agent's demo secret, answering every call with a tone for a while, and the agents
logged in, so a newcomer's call goes from the menus to an agent on the wallboard."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from ivr.pjsip import pjsip_name
from ivr.sandbox import Sandbox
from ivr.sipp.process import SippPhone
from routing import Agent, RouterError
from routing.asterisk import AgentDesk

log = logging.getLogger("hotline")
TALK_MS = 20_000  # how long a demo agent talks (plays its tone) before hanging up


def start_phones(sandbox: Sandbox, roster: Mapping[str, Agent], secrets: Mapping[str, str],
                 workdir: Path) -> list[SippPhone]:
    """Start and register a phone for every agent with a PJSIP endpoint; stop them all if one fails."""
    phones: list[SippPhone] = []
    try:
        for agent in roster.values():
            name = pjsip_name(agent.endpoint)
            if name is None or name not in secrets:
                continue
            phone = SippPhone(name, secrets[name], ("127.0.0.1", sandbox.ports.sip), workdir / name, talk_ms=TALK_MS)
            phones.append(phone)
            phone.start(register=False)
            if phone.register() != 0:
                raise RuntimeError(f"demo agent {name} could not register; SIPp said:\n"
                                   f"{phone.answering.errors() if phone.answering else ''}")
    except BaseException:
        stop_phones(phones)
        raise
    log.info("demo agents: %d SIPp phones registered and answering", len(phones))
    return phones


def stop_phones(phones: list[SippPhone]) -> None:
    for phone in phones:
        phone.stop()


async def log_in(desk: AgentDesk, roster: Mapping[str, Agent]) -> None:
    for agent_id in roster:
        try:
            await desk.login(agent_id)
        except RouterError:  # already in (restored from the last run)
            pass
