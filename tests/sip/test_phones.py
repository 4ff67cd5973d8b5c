"""Agents' phones on the sandbox's PJSIP: SIPp registers with its endpoint's credentials, and
a wrong secret is refused."""

from __future__ import annotations

from pathlib import Path

from ivr.ami import AmiClient
from ivr.ami.errors import ActionFailed
from ivr.pjsip import AgentPhone
from ivr.sandbox import Sandbox
from ivr.sipp.process import SippPhone
from tests.support.events import EventLog


def _phone(box: Sandbox, phones: tuple[AgentPhone, ...], name: str, workdir: Path) -> SippPhone:
    secret = next(p.secret for p in phones if p.name == name)
    return SippPhone(name, secret, ("127.0.0.1", box.ports.sip), workdir)


async def _contacts(ami: AmiClient, aor: str) -> list[str]:
    try:
        listed = await ami.send_list({"Action": "PJSIPShowContacts"})
    except ActionFailed:  # "No Contacts found"
        return []
    return [m.get("Uri", "") for m in listed.events if m.get("Endpoint") == aor]


async def test_a_phone_registers_with_its_endpoints_credentials(
        sandbox: Sandbox, ami: AmiClient, events: EventLog, sip_phones: tuple[AgentPhone, ...], tmp_path: Path) -> None:
    phone = _phone(sandbox, sip_phones, "1003", tmp_path)
    phone.start(register=False)
    try:
        assert phone.register() == 0, phone.answering.errors() if phone.answering else ""
        await events.wait("ContactStatus", AOR="1003", ContactStatus="NonQualified")
        assert await _contacts(ami, "1003") == [f"sip:1003@127.0.0.1:{phone.port}"]
        assert phone.unregister() == 0
        await events.wait("ContactStatus", AOR="1003", ContactStatus="Removed")
        assert await _contacts(ami, "1003") == []
    finally:
        phone.stop()


async def test_a_wrong_secret_is_refused(
        sandbox: Sandbox, ami: AmiClient, events: EventLog, sip_phones: tuple[AgentPhone, ...], tmp_path: Path) -> None:
    phone = _phone(sandbox, sip_phones, "1004", tmp_path)
    assert phone.register(secret="not-" + phone.secret, timeout=5) != 0
    refused = await events.wait("ChallengeResponseFailed", AccountID="1004")
    assert refused["Service"] == "PJSIP"
    assert await _contacts(ami, "1004") == []
    # the refusal is logged without the secret tried
    assert phone.secret not in sandbox.log_tail(400)
