"""Recording prompts by phone (FastAGI script `recorder`): staff log in, pick a language, and
record, listen back, keep or record again, prompt by prompt.

    AGI(${HOTLINE_AGI}/recorder,${ASTSPOOLDIR}/recorder)     dialplans/hotline-recorder.conf

1. Staff number and PIN (a phone login, hotline.auth.phone); only the recorder role goes on.
2. The language (keys in the catalog's language order), then walk the prompts still to
   record in it (ivr.prompts.progress.to_record) or key prompt numbers one at a time.
3. Per prompt: its number and its Mandarin version, then Record() after the tone into the
   spool directory Asterisk was given; the take is checked (silent, clipped, too short:
   refused with the spoken reason), played back, and kept (1), recorded again (2) or
   skipped (3). A kept take is conditioned and stored awaiting review (PromptLibrary.keep);
   it goes live only once approved on the review page.

Staff hear Mandarin prompts (the channel stays `zh`), so the Mandarin version of each prompt
plays by its id. Keys and PINs stay in local variables; logs name the staff number only.
Spool files are removed once their take is kept or dropped.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ivr.agi import AgiError, AgiHandler, AgiHangup, AgiSession, AgiTimeout
from ivr.agi.reply import quote
from ivr.selfservice.flows.speech import Number, Prompt
from ivr.selfservice.flows.voice import Voice
from ivr.userevents import RecorderTake, encode

from .audio import AudioError
from .library import PromptLibrary
from .progress import PromptRow, row_by_number, to_record
from .take_store import Refused

log = logging.getLogger("ivr.prompts.phone")
ROLE = "recorder"


class StaffMember(Protocol):
    name: str
    role: str


class Staff(Protocol):
    """Who is calling, for a staff number and PIN (hotline.auth.phone.PhoneLogins), or None.
    May block on a slow hash: it is called off the event loop."""

    def verify(self, number: str, pin: str) -> StaffMember | None: ...


@dataclass(frozen=True)
class RecorderSettings:
    spool_dir: Path  # the directory the dialplan gives Record(), as this service sees it
    login_tries: int = 3
    takes_per_prompt: int = 5  # records of one prompt (refused or not) before moving on
    key_ms: int = 6000
    record_max_s: int = 30
    record_silence_s: int = 4  # Record() ends after this much silence, as well as on #


@dataclass
class _Call:
    session: AgiSession
    voice: Voice
    settings: RecorderSettings
    asterisk_spool: str  # the same directory as Asterisk names it (it may run in a chroot)
    staff: str = "-"
    takes: int = 0


def recorder_handler(library: PromptLibrary, staff: Staff, settings: RecorderSettings) -> AgiHandler:
    async def handle(session: AgiSession) -> None:
        call = _Call(session, Voice(session, "zh"), settings, (session.args or [""])[0].rstrip("/"))
        if not call.asterisk_spool:
            log.error("recorder: the dialplan gave no spool directory")
            return
        try:
            member = await _login(call, staff)
            if member is not None:
                await _session(call, library)
            await call.voice.say(Prompt("recorder_goodbye"))
        except (AgiHangup, AgiTimeout):
            log.info("recorder: staff %s left", call.staff)
    return handle


async def _ask(call: _Call, prompt: str, max_keys: int) -> str | None:
    return await call.voice.ask(prompt, max_keys=max_keys, timeout_ms=call.settings.key_ms)


async def _login(call: _Call, staff: Staff) -> str | None:
    for _ in range(call.settings.login_tries):
        number = await _ask(call, "recorder_welcome", 9)
        pin = await _ask(call, "recorder_enter_pin", 7) if number else None
        member = await asyncio.to_thread(staff.verify, number, pin) if number and pin else None
        if member is None:
            log.info("recorder: login refused for staff number %s", number or "-")
            await call.voice.say(Prompt("recorder_login_failed"))
            continue
        call.staff = f"{number} {member.name}"
        if member.role != ROLE:
            log.warning("recorder: staff %s has role %s, not %s", call.staff, member.role, ROLE)
            await call.voice.say(Prompt("recorder_not_allowed"))
            return None
        log.info("recorder: staff %s logged in", call.staff)
        return call.staff
    return None


async def _choose(call: _Call, prompt: str, keys: str) -> str | None:
    """One key of `keys`; a wrong key or silence asks again, three times in all."""
    for attempt in range(3):
        if attempt:
            await call.voice.say(Prompt("invalid_key"))
        pressed = await _ask(call, prompt, 1)
        if pressed is not None and pressed in keys:
            return pressed
    return None


async def _session(call: _Call, library: PromptLibrary) -> None:
    catalog = await asyncio.to_thread(library.catalog)
    languages = list(catalog.languages)
    key = await _choose(call, "recorder_pick_language", "".join(str(i + 1) for i in range(len(languages))))
    if key is None:
        return
    language = languages[int(key) - 1]
    mode = await _choose(call, "recorder_walk_or_number", "12")
    if mode == "1":
        rows = await asyncio.to_thread(library.rows, language)
        pending = await asyncio.to_thread(library.awaiting, language)
        walk = to_record(rows, pending)
        if not walk:
            await call.voice.say(Prompt("recorder_all_done"))
        for row in walk:
            await _one_prompt(call, library, row)
    elif mode == "2":
        while (entry := await _ask(call, "recorder_enter_number", 4)) is not None:
            rows = await asyncio.to_thread(library.rows, language)
            row = row_by_number(rows, int(entry)) if entry.isdigit() else None
            if row is None:
                await call.voice.say(Prompt("recorder_number_unknown"))
                continue
            await _one_prompt(call, library, row)


async def _one_prompt(call: _Call, library: PromptLibrary, row: PromptRow) -> None:
    await call.voice.say(Prompt("recorder_prompt_is"), Number(row.number), Prompt("recorder_prompt_mandarin"),
                         Prompt(row.prompt_id))
    for _ in range(call.settings.takes_per_prompt):
        outcome = await _one_take(call, library, row)
        await _event(call, row, outcome)
        if outcome in ("kept", "skipped", "failed"):
            return


async def _one_take(call: _Call, library: PromptLibrary, row: PromptRow) -> str:
    """kept, skipped, again, failed or refused_<reason>."""
    call.takes += 1
    name = f"{call.session.uniqueid or 'take'}-{call.takes}"
    host_file = call.settings.spool_dir / f"{name}.wav"
    try:
        await call.voice.say(Prompt("recorder_record_after_tone"))
        s = call.settings
        await call.session.command(
            "EXEC", "Record", quote(f"{call.asterisk_spool}/{name}.wav,{s.record_silence_s},{s.record_max_s}"),
            timeout=call.session.read_timeout + s.record_max_s + 5)
        try:
            verdict = await asyncio.to_thread(library.check, host_file)
        except (AudioError, FileNotFoundError) as exc:
            log.error("recorder: take %s of %s/%s unreadable: %s", name, row.language, row.prompt_id, exc)
            await call.voice.say(Prompt("service_unavailable"))  # not silence: the staff member hears it failed
            return "failed"
        if not verdict.ok:
            log.info("recorder: staff %s, %s/%s take %s", call.staff, row.language, row.prompt_id, verdict.describe())
            await call.voice.say(Prompt(verdict.problem.prompt))  # type: ignore[union-attr]
            return f"refused_{verdict.problem.word}"  # type: ignore[union-attr]
        await call.voice.say(Prompt("recorder_your_take"), Prompt(f"{call.asterisk_spool}/{name}"))
        choice = await _choose(call, "recorder_keep_or_again", "123")
        if choice == "2":
            return "again"
        if choice != "1":
            return "skipped"
        kept = await asyncio.to_thread(library.keep, host_file, language=row.language, prompt_id=row.prompt_id,
                                       by=call.staff, via="phone")
        if isinstance(kept, Refused):  # cannot happen after the check above, unless the file changed
            return f"refused_{kept.verdict.problem.word}"  # type: ignore[union-attr]
        log.info("recorder: staff %s kept take %s of %s/%s, awaiting review", call.staff, kept.id,
                 row.language, row.prompt_id)
        await call.voice.say(Prompt("recorder_kept"))
        return "kept"
    finally:
        host_file.unlink(missing_ok=True)


def take_event(staff: str, row: PromptRow, outcome: str) -> str:
    """The AMI UserEvent as a take ends (the contract's RecorderTake) as one AGI argument:
    the contract's encoding, quoted (commas separate UserEvent's arguments)."""
    event = RecorderTake("", staff=staff.split(" ")[0], language=row.language, prompt=row.prompt_id,
                         outcome=outcome)
    return '"' + encode(event).replace('"', "") + '"'


async def _event(call: _Call, row: PromptRow, outcome: str) -> None:
    try:
        await call.session.command("EXEC", "UserEvent", take_event(call.staff, row, outcome))
    except AgiError as exc:
        if isinstance(exc, AgiHangup):
            raise
        log.warning("recorder: event not sent (%s)", exc)


__all__ = ["ROLE", "RecorderSettings", "Staff", "recorder_handler"]
