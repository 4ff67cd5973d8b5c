"""FastAGI: the server Asterisk's AGI() calls reach, and one session per call."""

from ivr.agi.reply import AgiReply
from ivr.agi.server import AgiHandler, AgiServer
from ivr.agi.session import AgiError, AgiHangup, AgiSession, AgiTimeout

__all__ = ["AgiError", "AgiHandler", "AgiHangup", "AgiReply", "AgiServer", "AgiSession", "AgiTimeout"]
