"""Speaking to the caller and reading keys, over one FastAGI session (the imperative shell).

Numbers: on a Chinese channel (language zh*) Asterisk's SayNumber reads Chinese numerals. On
any other line (Zhuang, `za`) SayNumber would use English rules, so the files the Chinese
rules would play are streamed one by one instead: in the line's language where a recording
exists (Zhuang numerals follow the same pattern), else its fallback.
"""

from __future__ import annotations

from ivr.agi import AgiError, AgiSession
from ivr.agi.reply import quote
from ivr.prompts import zh_saynumber_files
from ivr.selfservice.flows.speech import Digits, Number, Prompt, Utterance


class PromptFailed(AgiError):
    """Asterisk could not play a prompt (a missing sound file): the flow cannot go on."""


class Voice:
    def __init__(self, session: AgiSession, language: str) -> None:
        self._session = session
        self.language = language
        self.chinese_numbers = language.startswith("zh")

    async def say(self, *speech: Utterance) -> None:
        """Play everything in order; keys pressed meanwhile are not taken."""
        files: list[str] = []  # consecutive sound files go out as one Playback
        for utterance in speech:
            match utterance:
                case Prompt(id=prompt):
                    files.append(prompt)
                case Number(value=value) if not self.chinese_numbers:
                    files += zh_saynumber_files(value)
                case Number(value=value):
                    await self._play(files)
                    await self._session.say_number(value)
                case Digits(digits=digits):
                    await self._play(files)
                    await self._session.say_digits(digits)
        await self._play(files)

    async def ask(self, prompt: str, *, max_keys: int, timeout_ms: int) -> str | None:
        """Play `prompt` (keys cut it short) and read up to `max_keys` keys; `#` ends the
        entry and is not returned. None: nothing pressed.

        The keys travel only in the FastAGI reply; they are never logged or stored here."""
        keys = await self._session.get_data(prompt, timeout_ms, max_keys)
        if keys == "-1":
            # Asterisk's -1 means the caller hung up as well as "could not play": ask the
            # channel, which answers a hang-up with 511 (AgiHangup), a live channel with its state.
            await self._session.command("CHANNEL STATUS")
            raise PromptFailed(f"GET DATA could not play {prompt!r}")
        return keys or None

    async def _play(self, files: list[str]) -> None:
        """Playback (not STREAM FILE, which Asterisk's TestEvents do not report), then empty
        `files`. A missing file is logged by Asterisk and skipped, as in the menus."""
        if not files:
            return
        # The longest prompts run for about 15 s each: more than one command's usual wait.
        timeout = self._session.read_timeout + 20 * len(files)
        await self._session.command("EXEC", "Playback", quote("&".join(files)), timeout=timeout)
        files.clear()
