"""Whether each agent's phone can take a call, from Asterisk's PJSIP registrations.

Asterisk reports every contact of an agent's aor (ContactStatus: registered, qualified
reachable or unreachable, removed); at every AMI connect the whole picture is read again
(PJSIPShowContacts), so a registration that changed while we were away is not missed. The
router hears one fact per agent, `phone(agent, reachable)`, and decides what it means.
Agents whose endpoint is not PJSIP (Local channels in tests) are never reported.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from panoramisk.message import Message

from ivr.ami import AmiClient, AmiError
from ivr.ami.errors import ActionFailed
from ivr.pjsip import pjsip_name
from routing import Agent
from routing.asterisk.adapter import RouterAdapter

log = logging.getLogger("routing.asterisk")

# A contact can take a call unless qualify found it unreachable. Registered but not yet
# qualified (NonQualified, Unknown, Created, Updated) counts as reachable: a ring that then
# fails is the ring's outcome, and the next qualify says the rest.
UNREACHABLE = frozenset({"Unreachable", "Removed"})


class Registrations:
    """The contacts of each endpoint and their last status (pure)."""

    def __init__(self) -> None:
        self._contacts: dict[str, dict[str, str]] = {}

    def seen(self, endpoint: str, uri: str, status: str) -> None:
        contacts = self._contacts.setdefault(endpoint, {})
        if status == "Removed":
            contacts.pop(uri, None)
        else:
            contacts[uri] = status

    def replace(self, contacts: Iterable[tuple[str, str, str]]) -> None:
        """Everything known, from a full listing: (endpoint, uri, status)."""
        self._contacts = {}
        for endpoint, uri, status in contacts:
            self.seen(endpoint, uri, status)

    def reachable(self, endpoint: str) -> bool:
        return any(status not in UNREACHABLE for status in self._contacts.get(endpoint, {}).values())


class PhoneWatch:
    def __init__(self, adapter: RouterAdapter, roster: Mapping[str, Agent]) -> None:
        """`roster` is read at each event, so a roster replaced in place (`ivrctl config
        reload`) is followed; call `resync` after such a swap to report its new agents."""
        self.adapter = adapter
        self.ami: AmiClient = adapter.ami
        self.registrations = Registrations()  # every endpoint's contacts, agents' or not yet
        self.roster = roster

    @property
    def agents(self) -> dict[str, str]:
        """PJSIP endpoint name -> agent id, for the roster as it is now."""
        return {name: agent.id for agent in self.roster.values() if (name := pjsip_name(agent.endpoint)) is not None}

    def attach(self) -> None:
        self.ami.subscribe("ContactStatus", self._on_contact_status)
        self.ami.connected.connect(self.resync)

    async def _on_contact_status(self, message: Message) -> None:
        endpoint = message.get("EndpointName", "")
        self.registrations.seen(endpoint, message.get("URI", ""), message.get("ContactStatus", ""))
        if (agent_id := self.agents.get(endpoint)) is not None:
            await self._report(agent_id, endpoint)

    async def resync(self) -> None:
        try:
            listed = await self.ami.send_list({"Action": "PJSIPShowContacts"})
            contacts = [(m.get("Endpoint", ""), m.get("Uri", ""), m.get("Status", "")) for m in listed.events]
        except ActionFailed:  # "No Contacts found": nobody is registered
            contacts = []
        except AmiError as exc:
            log.warning("could not read the agents' phone registrations: %s", exc)
            return
        self.registrations.replace(contacts)
        for endpoint, agent_id in self.agents.items():
            await self._report(agent_id, endpoint)

    async def _report(self, agent_id: str, endpoint: str) -> None:
        reachable = self.registrations.reachable(endpoint)
        await self.adapter.command(lambda now: self.adapter.router.phone(agent_id, reachable, now))
