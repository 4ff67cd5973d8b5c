"""PJSIP for the hotline: the 12333 trunk and the agents' phones, rendered from config (pure)
and their secrets, kept outside the repository."""

from ivr.pjsip.render import AgentPhone, IncomingTrunk, OutgoingTrunk, pjsip_name, render_pjsip
from ivr.pjsip.secrets import SecretsError, demo_secrets, read_secrets

__all__ = ["AgentPhone", "IncomingTrunk", "OutgoingTrunk", "SecretsError", "demo_secrets", "pjsip_name", "read_secrets",
           "render_pjsip"]
