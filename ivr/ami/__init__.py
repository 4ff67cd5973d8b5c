"""Asterisk Manager Interface: the client the service talks to Asterisk through."""

from ivr.ami.client import AmiClient, ListResult
from ivr.ami.errors import ActionFailed, ActionTimeout, AmiError, AuthenticationError, NotConnected
from ivr.ami.settings import AmiSettings

__all__ = [
    "ActionFailed",
    "ActionTimeout",
    "AmiClient",
    "AmiError",
    "AmiSettings",
    "AuthenticationError",
    "ListResult",
    "NotConnected",
]
