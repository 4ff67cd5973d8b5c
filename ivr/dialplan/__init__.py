"""Asterisk dialplan rendered from the hotline configuration.

    files = render_dialplan(config)        # {"hotline-entry.conf": ..., "hotline-v<version>.conf": ...}
    version = config_version(config)       # 12 hex chars, also in the header and events
    outline = dialplan_outline(text)       # {context: [extensions]} to compare with ShowDialPlan
"""
from ivr.dialplan.files import write_rendered
from ivr.dialplan.outline import dialplan_outline, extension_steps
from ivr.dialplan.render import RENDERER_VERSION, config_version, render_dialplan

__all__ = ["RENDERER_VERSION", "config_version", "dialplan_outline", "extension_steps", "render_dialplan", "write_rendered"]
