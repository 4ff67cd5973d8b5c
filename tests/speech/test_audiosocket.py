"""The AudioSocket server with a real TCP client speaking Asterisk's side of the protocol."""
from __future__ import annotations

import asyncio
import uuid

from ivr.speech.audiosocket import KIND_AUDIO, KIND_DTMF, KIND_HANGUP, KIND_UUID, AudioSocketServer, read_frame
from ivr.speech.listen import AudioFrame, KeyFrame


def frame(kind: int, payload: bytes) -> bytes:
    return bytes([kind]) + len(payload).to_bytes(2, "big") + payload


async def test_frames_reach_the_expected_window_and_the_window_ends_with_a_hangup_frame():
    server = AudioSocketServer()
    await server.start()
    call = uuid.uuid4()

    async def listener(frames):
        got = []
        async for item in frames:
            got.append(item)
            if isinstance(item, KeyFrame):
                return got
        return got

    done = server.expect(call, listener)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(frame(KIND_UUID, call.bytes) + frame(KIND_AUDIO, bytes(320)) + frame(KIND_DTMF, b"7"))
    await writer.drain()
    got = await asyncio.wait_for(done, 5)
    assert got == [AudioFrame(bytes(320), 8000), KeyFrame("7")]
    kinds = []
    while (kind := (await read_frame(reader))[0]) != KIND_HANGUP:  # keep-alive silence first
        kinds.append(kind)
    assert set(kinds) <= {KIND_AUDIO}
    writer.close()
    await server.close()


async def test_a_connection_for_no_expected_call_is_hung_up():
    server = AudioSocketServer()
    await server.start()
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(frame(KIND_UUID, uuid.uuid4().bytes))
    await writer.drain()
    assert (await read_frame(reader))[0] == KIND_HANGUP
    assert await reader.read() == b""  # and closed
    writer.close()
    await server.close()
