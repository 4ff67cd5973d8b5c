"""PJSIP for the hotline: the 12333 trunk and the agents' phones, rendered from config (pure)
and their secrets, kept outside the repository."""

from ivr.pjsip.render import (AgentPhone, AgentsProxy, IncomingTrunk, OutgoingTrunk, pjsip_name, render_pjsip,
                              via_proxy)
from ivr.pjsip.secrets import SecretsError, demo_secrets, read_secrets

__all__ = ["AgentPhone", "AgentsProxy", "IncomingTrunk", "OutgoingTrunk", "SecretsError", "demo_secrets", "pjsip_name",
           "read_secrets", "render_pjsip", "via_proxy"]
