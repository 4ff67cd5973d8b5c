"""Kamailio, the SIP front door of a multi-node hotline: its configuration (pure) and process."""

from ivr.kamailio.render import FrontDoor, FrontDoorError, MediaNode, Registrar, render_dispatcher_list, render_kamailio_cfg

__all__ = ["FrontDoor", "FrontDoorError", "MediaNode", "Registrar", "render_dispatcher_list", "render_kamailio_cfg"]
