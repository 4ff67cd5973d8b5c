"""FastAGI handlers of the self-service flows: balance lookup, card loss report, card status.

    routes(backend, FlowSettings.from_config(config))  ->  {script name: handler}

The service registers these on its AgiServer; the generated dialplan reaches them as
AGI(${HOTLINE_AGI}/<script>,dialect,business,callid) and reads HOTLINE_FLOW_RESULT after.
"""

from __future__ import annotations

from ivr.agi import AgiHandler
from ivr.selfservice.backend import SelfServiceBackend
from ivr.selfservice.flows.balance import balance
from ivr.selfservice.flows.call import EVENT_OUTCOME, Ending, FlowBody, flow_handler
from ivr.selfservice.flows.card_loss import card_loss
from ivr.selfservice.flows.card_status import card_status
from ivr.selfservice.flows.settings import FLOWS, FlowSettings

BODIES: dict[str, FlowBody] = {"balance": balance, "card_loss": card_loss, "card_status": card_status}
assert set(BODIES) == set(FLOWS)


def routes(backend: SelfServiceBackend, settings: FlowSettings | None = None) -> dict[str, AgiHandler]:
    """{FastAGI script name: handler} for every flow `settings.scripts` names."""
    settings = settings or FlowSettings()
    return {
        script: flow_handler(flow, BODIES[flow], backend, settings)
        for flow, script in settings.scripts.items()
    }


__all__ = ["EVENT_OUTCOME", "FLOWS", "Ending", "FlowSettings", "routes"]
