"""Frames the real Asterisk will not produce on demand, from a fake AMI server (the only fake).

A garbled header, a message cut mid-frame and an unknown event are logged and skipped; the
client keeps serving.
"""

import asyncio
import logging

import pytest

from ivr.ami import AmiClient, AmiSettings

GOOD_EVENT = b"Event: UserEvent\r\nUserEvent: AfterGarbage\r\nUniqueid: 1\r\n\r\n"


class FakeAmi:
    """Answers Login and Ping; sends whatever raw bytes a test gives it."""

    def __init__(self) -> None:
        self.writers: list[asyncio.StreamWriter] = []
        self.server: asyncio.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.append(writer)
        writer.write(b"Asterisk Call Manager/11.0.0\r\n")
        while True:
            block = await reader.readuntil(b"\r\n\r\n")
            headers = dict(l.split(": ", 1) for l in block.decode().strip().split("\r\n"))
            reply = {"Login": "Response: Success\r\nMessage: Authentication accepted",
                     "Ping": "Response: Success\r\nPing: Pong"}[headers["Action"]]
            writer.write(f"{reply}\r\nActionID: {headers['ActionID']}\r\n\r\n".encode())

    def send(self, data: bytes) -> None:
        self.writers[-1].write(data)

    async def close(self) -> None:
        for w in self.writers:
            w.close()
        assert self.server is not None
        self.server.close()


@pytest.fixture
async def fake() -> FakeAmi:
    server = FakeAmi()
    yield server
    await server.close()


async def _connected(fake: FakeAmi) -> AmiClient:
    port = await fake.start()
    client = AmiClient(AmiSettings("127.0.0.1", port, "u", "p", backoff_max=0.2))
    await client.connect()
    return client


async def test_garbled_frames_are_logged_and_skipped(fake: FakeAmi, caplog) -> None:
    client = await _connected(fake)
    try:
        caplog.set_level(logging.WARNING, "ivr.ami")
        after = asyncio.ensure_future(client.wait_for("UserEvent", lambda m: m["UserEvent"] == "AfterGarbage"))
        fake.send(b"this is not a header\r\nnor this\r\n\r\n")  # no Event/Response at all
        fake.send(b"Event: Newchannel\r\nChannel PJSIP/1\r\nUniqueid: 7\r\n\r\n")  # one header lacks ': '
        fake.send(b"Event: SomethingNobodyKnows\r\nFoo: bar\r\n\r\n")  # unknown event
        fake.send(GOOD_EVENT)
        assert (await asyncio.wait_for(after, 5))["Uniqueid"] == "1"
        assert (await client.send({"Action": "Ping"}))["Ping"] == "Pong"
        text = caplog.text
        assert "no Event or Response header" in text and "this is not a header" in text
        assert "malformed header" in text and "Channel PJSIP/1" in text
    finally:
        await client.close()


async def test_a_frame_split_across_reads_and_a_split_utf8_character(fake: FakeAmi) -> None:
    client = await _connected(fake)
    try:
        got = asyncio.ensure_future(client.wait_for("UserEvent"))
        frame = "Event: UserEvent\r\nUserEvent: Menu\r\nLabel: 养老保险\r\n\r\n".encode()
        cut = frame.index("老".encode()) + 1  # in the middle of a three-byte character
        fake.send(frame[:cut])
        await asyncio.sleep(0.05)  # let the first half arrive as its own read
        fake.send(frame[cut:])
        assert (await asyncio.wait_for(got, 5))["Label"] == "养老保险"
    finally:
        await client.close()


async def test_a_message_cut_by_a_dropped_connection_is_discarded_and_reconnected(fake: FakeAmi, caplog) -> None:
    client = await _connected(fake)
    try:
        caplog.set_level(logging.WARNING, "ivr.ami")
        lost = asyncio.Event()
        client.disconnected.connect(lambda reason: lost.set())
        fake.send(b"Event: Hangup\r\nChannel: PJSIP/1-0001\r\nUniq")
        await asyncio.sleep(0.05)
        fake.writers[-1].close()
        await asyncio.wait_for(lost.wait(), 5)
        await client.wait_connected(5)
        assert (await client.send({"Action": "Ping"}))["Ping"] == "Pong"
        assert "closed mid-frame" in caplog.text
    finally:
        await client.close()
