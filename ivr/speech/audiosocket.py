"""A small AudioSocket server: Asterisk's AudioSocket() connects here and streams the call.

Protocol (docs.asterisk.org, "AudioSocket"): frames of kind (1 byte), length (2 bytes, big
endian), payload. Kinds: 0x00 hang up, 0x01 the call's UUID (16 bytes, first), 0x03 a DTMF
digit (1 ASCII byte), 0x10 audio (signed linear 8 kHz mono, 20 ms = 320 bytes), 0xff error.
We only listen, but Asterisk drops a connection that sends nothing for 2 s ("Reached timeout
after 2000 ms of no activity"), so a 20 ms frame of silence goes back every KEEPALIVE_S (the
caller hears the silence they would hear anyway). A 0x00 frame ends the window, which makes
AudioSocket() return 0 so the dialplan carries on (a bare close would end the call).

Each connection belongs to a listening window opened beforehand with `expect(uuid)`, by the
FastAGI handler of the same call; a connection with an unknown UUID is refused.
"""
from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

from ivr.speech.listen import AudioFrame, Frame, HangupFrame, KeyFrame

log = logging.getLogger("ivr.speech")

KIND_HANGUP, KIND_UUID, KIND_DTMF, KIND_AUDIO, KIND_ERROR = 0x00, 0x01, 0x03, 0x10, 0xFF
HANGUP_FRAME = bytes([KIND_HANGUP, 0, 0])
SILENCE_FRAME = bytes([KIND_AUDIO]) + (320).to_bytes(2, "big") + bytes(320)
KEEPALIVE_S = 0.5
Listener = Callable[[AsyncIterator[Frame]], Awaitable[object]]


async def read_frame(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    header = await reader.readexactly(3)
    length = int.from_bytes(header[1:3], "big")
    return header[0], await reader.readexactly(length) if length else b""


async def frames_from(reader: asyncio.StreamReader) -> AsyncIterator[Frame]:
    while True:
        try:
            kind, payload = await read_frame(reader)
        except (asyncio.IncompleteReadError, ConnectionError):
            yield HangupFrame()
            return
        if kind == KIND_AUDIO:
            yield AudioFrame(payload, 8000)
        elif kind == KIND_DTMF and payload:
            yield KeyFrame(payload[:1].decode("ascii", "replace"))
        elif kind in (KIND_HANGUP, KIND_ERROR):
            yield HangupFrame()
            return


class AudioSocketServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, first_frame_timeout: float = 2.0) -> None:
        self.host, self.port = host, port
        self.first_frame_timeout = first_frame_timeout
        self._server: asyncio.Server | None = None
        self._expected: dict[uuid.UUID, tuple[Listener, asyncio.Future]] = {}

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("AudioSocket listening on %s:%s", self.host, self.port)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for _, done in self._expected.values():
            done.cancel()
        self._expected.clear()

    def expect(self, call: uuid.UUID, listener: Listener) -> asyncio.Future:
        """Run `listener` on the frames of the connection that names `call`; the future gets its result."""
        done: asyncio.Future = asyncio.get_running_loop().create_future()
        self._expected[call] = (listener, done)
        done.add_done_callback(lambda _: self._expected.pop(call, None))
        return done

    def forget(self, call: uuid.UUID) -> None:
        entry = self._expected.pop(call, None)
        if entry and not entry[1].done():
            entry[1].cancel()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(self.first_frame_timeout):
                kind, payload = await read_frame(reader)
            call = uuid.UUID(bytes=payload) if kind == KIND_UUID and len(payload) == 16 else None
            entry = self._expected.get(call) if call else None
            if entry is None:
                log.warning("AudioSocket: connection for no expected call, refused")
                return
            listener, done = entry
            keepalive = asyncio.create_task(_keep_alive(writer))
            try:
                result = await listener(frames_from(reader))
            except Exception as error:  # the window must end and the caller go on by keys
                if not done.done():
                    done.set_exception(error)
            else:
                if not done.done():
                    done.set_result(result)
            finally:
                keepalive.cancel()
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError, ValueError):
            log.warning("AudioSocket: connection ended before it named its call")
        finally:
            try:
                writer.write(HANGUP_FRAME)
                await writer.drain()
            except ConnectionError:
                pass
            writer.close()


async def _keep_alive(writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            writer.write(SILENCE_FRAME)
            await writer.drain()
            await asyncio.sleep(KEEPALIVE_S)
    except ConnectionError:
        pass
