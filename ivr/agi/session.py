"""One FastAGI conversation with Asterisk, for one call."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import parse_qsl, urlsplit

from ivr.agi.reply import AgiReply, parse_reply, parse_status_line, quote

log = logging.getLogger("ivr.agi")


class AgiError(Exception):
    """Asterisk rejected a command (510 unknown, 520 bad usage) or the stream broke."""


class AgiHangup(AgiError):
    """The channel hung up: Asterisk accepts no more commands for this call (511)."""


class AgiTimeout(AgiError):
    """Asterisk did not answer in time."""


class AgiSession:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, read_timeout: float):
        self._reader = reader
        self._writer = writer
        self.read_timeout = read_timeout
        self.env: dict[str, str] = {}
        self.hung_up = False

    async def read_environment(self) -> None:
        while True:
            line = await self._readline(self.read_timeout)
            if not line:
                break
            key, _, value = line.partition(":")
            self.env[key.strip().removeprefix("agi_")] = value.strip()

    @property
    def script(self) -> str:
        """The script part of agi://host:port/script?query, used to route the session."""
        return urlsplit("agi://x/" + self.env.get("network_script", "")).path.strip("/")

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit("agi://x/" + self.env.get("network_script", "")).query))

    @property
    def args(self) -> list[str]:
        """AGI(url,arg1,arg2...) arguments, in order."""
        out, i = [], 1
        while f"arg_{i}" in self.env:
            out.append(self.env[f"arg_{i}"])
            i += 1
        return out

    @property
    def channel(self) -> str:
        return self.env.get("channel", "")

    @property
    def uniqueid(self) -> str:
        return self.env.get("uniqueid", "")

    async def command(self, *words: str, timeout: float | None = None) -> AgiReply:
        """Send one command and read its reply. Raises AgiHangup once the call has gone."""
        line = " ".join(words)
        self._writer.write(line.encode("utf-8") + b"\n")
        await self._writer.drain()
        reply = await self._read_reply(self.read_timeout if timeout is None else timeout)
        if reply.code == 511:
            self.hung_up = True
            raise AgiHangup(f"{words[0]}: channel is gone")
        if reply.code in (510, 520):
            raise AgiError(f"{line!r} refused ({reply.code}): {reply.text}")
        return reply

    async def _read_reply(self, timeout: float) -> AgiReply:
        while True:
            line = await self._readline(timeout)
            if line == "HANGUP":
                # Asterisk tells us of the hangup inline, before the reply to our command.
                self.hung_up = True
                continue
            if not line:
                raise AgiError("empty line where a reply was expected")
            code, continues, rest = parse_status_line(line)
            if not continues:
                return parse_reply(code, rest)
            usage = [rest]
            while True:  # 520-...: usage lines until "520 End of proper usage."
                more = await self._readline(timeout)
                if more.startswith(f"{code} "):
                    return AgiReply(code=code, text="\n".join(usage))
                usage.append(more)

    async def _readline(self, timeout: float) -> str:
        try:
            async with asyncio.timeout(timeout):
                raw = await self._reader.readline()
        except TimeoutError:
            raise AgiTimeout(f"no answer from Asterisk within {timeout} s") from None
        if not raw:
            self.hung_up = True
            raise AgiHangup("Asterisk closed the AGI connection")
        return raw.decode("utf-8", "replace").rstrip("\r\n")

    # commands the flows use -----------------------------------------------------------
    async def get_variable(self, name: str) -> str | None:
        reply = await self.command("GET VARIABLE", name)
        return reply.data if reply.result == "1" else None

    async def set_variable(self, name: str, value: str) -> None:
        await self.command("SET VARIABLE", name, quote(value))

    async def stream_file(self, name: str, escape_digits: str = "") -> str:
        """Play a prompt; returns the key that interrupted it, or ''."""
        reply = await self.command("STREAM FILE", name, quote(escape_digits), timeout=self.read_timeout + 120)
        return chr(reply.result_int) if reply.result_int > 0 else ""

    async def get_data(self, prompt: str, timeout_ms: int, max_digits: int) -> str | None:
        """Play `prompt`, collect up to max_digits keys (# ends). None: the caller pressed nothing."""
        reply = await self.command(
            "GET DATA", prompt, str(timeout_ms), str(max_digits),
            timeout=self.read_timeout + 120 + timeout_ms / 1000 * (max_digits + 1),
        )
        if reply.result == "":  # "result= (timeout)": nothing pressed
            return None
        return reply.result

    async def say_digits(self, digits: str) -> None:
        await self.command("SAY DIGITS", digits, '""', timeout=self.read_timeout + 60)

    async def say_number(self, number: int) -> None:
        await self.command("SAY NUMBER", str(number), '""', timeout=self.read_timeout + 60)

    async def verbose(self, message: str, level: int = 1) -> None:
        await self.command("VERBOSE", quote(message), str(level))

    def close(self) -> None:
        if not self._writer.is_closing():
            self._writer.close()
