"""A private Asterisk 22 for development and tests, run from the Debian root `make asterisk` builds."""

from ivr.sandbox.config import SandboxPorts, render_config_set
from ivr.sandbox.runner import Sandbox, SandboxError

__all__ = ["Sandbox", "SandboxError", "SandboxPorts", "render_config_set"]
