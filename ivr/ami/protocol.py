"""The wire side of AMI: panoramisk's protocol, with framing we can trust.

panoramisk 1.4's AMIProtocol correlates responses with actions (ActionID, EventList) well, so
we keep that. Its framing decodes each TCP chunk on its own with errors ignored (a Chinese
character split across two reads is lost) and drops unparseable frames silently; here bytes
are framed first, decoded per frame, and anything dropped is logged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from panoramisk.actions import Action
from panoramisk.ami_protocol import AMIProtocol
from panoramisk.message import Message

log = logging.getLogger("ivr.ami")

FRAME_END = b"\r\n\r\n"
BANNER_PREFIX = b"Asterisk Call Manager/"
MAX_FRAME = 1 << 20  # an AMI message this large is garbage, not a message


class AmiAction(Action):
    """panoramisk's Action, safe for replies it misreads.

    Its `multi` looks up the action's Async header for any reply ending "successfully
    queued" (PlayDTMF's does) and raises KeyError when the action has none, so the answer
    never arrives. Without Async there is no list to wait for.
    """

    @property
    def multi(self) -> bool:
        try:
            return super().multi
        except KeyError:
            return False


class LinkCallbacks:
    """What the protocol tells its owner (panoramisk calls the owner its `factory`)."""

    # panoramisk re-queues unanswered actions after a reconnect; we fail them instead, so
    # every action is "forgettable" from its point of view.
    class _Everything:
        def __contains__(self, item: object) -> bool:
            return True

    forgetable_actions = _Everything()
    awaiting_actions: list[Any] = []
    save_stream = None

    def __init__(self, on_event: Callable[[Message], None], on_lost: Callable[[Exception | None], None]):
        self.dispatch = on_event
        self.connection_lost = on_lost


class AmiProtocol(AMIProtocol):
    def __init__(self, callbacks: LinkCallbacks) -> None:
        super().__init__()
        self._callbacks = callbacks
        self._buffer = bytearray()
        self.last_received = time.monotonic()
        self.frames_skipped = 0

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self.factory = self._callbacks
        self.encoding = "utf-8"
        self.log = log

    def data_received(self, data: bytes) -> None:
        self.last_received = time.monotonic()
        self._buffer += data
        if self.version is None and self._buffer.startswith(BANNER_PREFIX):
            line_end = self._buffer.find(b"\r\n")
            if line_end < 0:
                return
            self.version = self._buffer[len(BANNER_PREFIX) : line_end].decode("ascii", "replace")
            del self._buffer[: line_end + 2]
        while (end := self._buffer.find(FRAME_END)) >= 0:
            frame = bytes(self._buffer[:end])
            del self._buffer[: end + len(FRAME_END)]
            self._handle_frame(frame)
        if len(self._buffer) > MAX_FRAME:
            log.warning("AMI: discarding %d bytes with no frame end", len(self._buffer))
            self._buffer.clear()

    def _handle_frame(self, frame: bytes) -> None:
        text = frame.decode("utf-8", "replace").strip("\r\n")
        if not text:
            return
        bad_lines = [line for line in text.split("\r\n") if ": " not in line]
        message = Message.from_line(text)
        if message is None:
            self.frames_skipped += 1
            log.warning("AMI: skipping a frame with no Event or Response header: %.120r", text)
            return
        if bad_lines:
            log.warning("AMI: skipping malformed header line(s) %.120r in %s", bad_lines, _describe(message))
        try:
            self.handle_message(message)
        except Exception:  # one bad message must not kill the connection
            log.exception("AMI: error handling %s", _describe(message))

    def connection_lost(self, exc: Exception | None) -> None:
        if self._buffer.strip():
            log.warning("AMI: connection closed mid-frame; %d bytes discarded", len(self._buffer))
            self._buffer.clear()
        super().connection_lost(exc)


def _describe(message: Message) -> str:
    if "event" in message:
        return f"event {message['event']}"
    return f"response {message.get('response', '?')} ({message.get('actionid', 'no ActionID')})"
