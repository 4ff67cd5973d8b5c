"""Safe hot reload of the generated dialplan: the imperative shell around the pure renderer.

    attempt = await reload(ami, settings, who="ops:alice")          # config from settings
    attempt = await rollback(ami, settings, version=None, who=...)  # the version before

Each attempt: validate -> render -> stage and check with a throwaway Asterisk -> swap the live
files -> `Reload pbx_config` -> verify with ShowDialPlan -> on failure put the previous files
back and reload them. Old version files go only when no live channel still runs them, so a
caller mid-menu finishes on the menu they started. One attempt at a time (a file lock);
every attempt, refused or not, is appended to the history.
"""
from __future__ import annotations

import asyncio
import secrets
import shutil
from collections.abc import Callable
import time
from fnmatch import fnmatch
from dataclasses import dataclass, field
from datetime import datetime, UTC
from pathlib import Path
from typing import Literal

from ivr.ami import AmiClient, AmiError
from ivr.dialplan import names
from ivr.dialplan.history import Attempt, History, Refused, ReloadInProgress, version_before
from ivr.dialplan.live_asterisk import loaded_dialplan, reload_module, versions_in_use
from ivr.dialplan.live_files import LiveState, install, prune, read_state, restore
from ivr.dialplan.reload_settings import ReloadSettings
from ivr.dialplan.render import config_version, render_dialplan
from ivr.dialplan.staged_check import check_staged, stage
from ivr.dialplan.verify import file_version, verify_loaded
from ivr.menu import ConfigError, HotlineConfig, Issue, errors_only, parse_config, summarise_change, validate
from ivr.menu.limits import read_config_text

__all__ = ["Attempt", "ReloadInProgress", "reload", "rollback", "new_attempt", "Refused"]


@dataclass
class Candidate:
    version: str
    files: dict[str, str]
    config: HotlineConfig | None = None
    config_text: str | None = None
    warnings: list[str] = field(default_factory=list)


def new_attempt(target: Literal["dialplan", "moh", "pjsip"], action: Literal["reload", "rollback"], who: str, source: str) -> Attempt:
    now = datetime.now(UTC)
    return Attempt(id=f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}", target=target, action=action,
                   who=who, started_at=now.isoformat(timespec="milliseconds"), source=source)


SiteCheck = Callable[[HotlineConfig], list[Issue]]  # a checked hotline.yaml -> the cross-file verdict


async def reload(ami: AmiClient, settings: ReloadSettings, *, config_path: Path | None = None,
                 catalog_path: Path | None = None, who: str = "cli", config_text: str | None = None,
                 site_check: SiteCheck | None = None) -> Attempt:
    """Load the config at `config_path` (default: settings), or `config_text` when given (what
    an ops request sent: never a server path), into the live Asterisk, safely. `site_check`
    adds the checks across the site's other files. Parsing, validation and rendering run in a
    worker thread: a large config must not stall the event loop (AMI watchdog, FastAGI).
    Returns the recorded attempt; raises ReloadInProgress when another attempt holds the lock."""
    path = Path(config_path or settings.config_path)
    catalog = Path(catalog_path or settings.catalog_path)
    if config_text is not None:
        label = f"hotline.yaml sent by {who}"
        attempt = new_attempt("dialplan", "reload", who, label)
        return await _guarded(ami, settings, attempt,
                              lambda: _from_text(config_text, label, catalog, _hand_written(settings), site_check))
    attempt = new_attempt("dialplan", "reload", who, str(path))
    return await _guarded(ami, settings, attempt, lambda: _from_config(path, catalog, _hand_written(settings), site_check))


async def rollback(ami: AmiClient, settings: ReloadSettings, version: str | None = None, *,
                   who: str = "cli") -> Attempt:
    """Go back to a stored version (default: the one live before the current) the same safe way."""
    history = History(settings.var_dir)
    attempt = new_attempt("dialplan", "rollback", who, version or "(the version before)")

    def prepare() -> Candidate:
        wanted = version or version_before(history.attempts("dialplan"), file_version(read_state(settings.live_dir()).entry_text))
        if wanted is None:
            raise Refused(["no earlier version in the history to roll back to"])
        attempt.source = wanted
        files = history.version_files(wanted)
        if not files:
            raise Refused([f"version {wanted} is not in the history; stored: {', '.join(history.stored_versions()) or 'none'}"])
        text = history.config_text(wanted)
        config = _parse_quietly(text)
        if config is not None:  # the prompt catalog may have moved on since: check again
            if problems := errors_only(validate(config, settings.catalog_path)):
                raise Refused([str(issue) for issue in problems])
        return Candidate(wanted, files, config, text)

    return await _guarded(ami, settings, attempt, prepare)


def _hand_written(settings: ReloadSettings) -> dict[str, str]:
    """The hand-written contexts deployed beside the generated ones ({} when none are)."""
    if settings.hand_written_dir is None:
        return {}
    files = {path.name: path.read_text(encoding="utf-8") for path in sorted(settings.hand_written_dir.glob("*.conf"))}
    clashing = [name for name in files if name == names.ENTRY_FILE or fnmatch(name, names.VERSION_FILE_GLOB)]
    if clashing:
        raise Refused([f"{settings.hand_written_dir / name}: a hand-written file may not take a generated file's name"
                       for name in clashing])
    return files



def _from_config(path: Path, catalog: Path, hand_written: dict[str, str], site_check: SiteCheck | None = None) -> Candidate:
    try:
        text = read_config_text(path)
    except ConfigError as error:
        raise Refused([str(issue) for issue in error.issues]) from None
    return _from_text(text, str(path), catalog, hand_written, site_check)


def _from_text(text: str, label: str, catalog: Path, hand_written: dict[str, str], site_check: SiteCheck | None) -> Candidate:
    try:
        config = parse_config(text, label)
    except ConfigError as error:
        raise Refused([str(issue) for issue in error.issues]) from None
    issues = validate(config, catalog)
    if site_check is not None:
        seen = {str(issue) for issue in issues}
        issues += [issue for issue in site_check(config) if str(issue) not in seen]
    if errors_only(issues):
        raise Refused([str(issue) for issue in errors_only(issues)])
    warnings = [str(issue) for issue in issues if issue.severity != "error"]
    return Candidate(config_version(config, hand_written), render_dialplan(config, hand_written), config, text, warnings)


def _parse_quietly(text: str | None) -> HotlineConfig | None:
    try:
        return parse_config(text, "stored config") if text else None
    except ConfigError:
        return None


async def _guarded(ami: AmiClient, settings: ReloadSettings, attempt: Attempt, prepare) -> Attempt:  # type: ignore[no-untyped-def]
    history = History(settings.var_dir)
    with history.attempt(attempt):
        await _run(ami, settings, history, attempt, prepare)
    return attempt


class _Steps:
    def __init__(self, attempt: Attempt) -> None:
        self.attempt, self.mark = attempt, time.perf_counter()

    def done(self, step: str) -> None:
        now = time.perf_counter()
        self.attempt.steps_ms[step] = round((now - self.mark) * 1000, 1)
        self.mark = now


async def _run(ami: AmiClient, settings: ReloadSettings, history: History, attempt: Attempt, prepare) -> None:  # type: ignore[no-untyped-def]
    steps = _Steps(attempt)
    candidate: Candidate = await asyncio.to_thread(prepare)  # CPU-bound: off the event loop
    attempt.version, attempt.warnings = candidate.version, candidate.warnings
    live_dir = settings.live_dir()
    before = read_state(live_dir)
    attempt.previous_version = file_version(before.entry_text)
    attempt.changes = await asyncio.to_thread(_changes, history, attempt.previous_version, candidate)
    steps.done("validate")
    if settings.use_staged_check():
        staging = stage(live_dir, candidate.files, settings.var_dir / "staging" / attempt.id)
        try:
            problems = await check_staged(settings.asterisk_root, staging, candidate.files)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        steps.done("staged_check")
        if problems:
            raise Refused(["a test Asterisk could not load the staged dialplan: " + problem for problem in problems])
    else:
        attempt.warnings.append(f"staged check skipped: no local Asterisk at {settings.asterisk_root}")
    history.keep_version(candidate.version, candidate.files, candidate.config_text)
    install(live_dir, candidate.files)
    problems = await _load_and_verify(ami, settings, candidate.files, candidate.version)
    steps.done("swap_reload_verify")
    if problems:
        attempt.messages = problems
        restore(live_dir, before, candidate.files)
        left = await _load_previous(ami, settings, live_dir, before)
        attempt.result = "failed" if left else "rolled_back"
        attempt.messages += [f"rolling back: {problem}" for problem in left]
        steps.done("rollback")
        return
    attempt.result = "ok"
    try:
        attempt.pruned = prune(live_dir, await versions_in_use(ami) | {candidate.version})
    except AmiError as error:
        attempt.warnings.append(f"old versions kept: could not list live channels ({error})")
    steps.done("prune")


async def _load_and_verify(ami: AmiClient, settings: ReloadSettings, files: dict[str, str], version: str | None) -> list[str]:
    try:
        await reload_module(ami, "pbx_config", settings.reload_timeout_s)
        loaded = await loaded_dialplan(ami, _listing_timeout(settings, files))
    except Exception as error:  # AMI gone, timeout, refused reload: all mean "not verified"
        return [f"reload through AMI failed: {error}"]
    return await asyncio.to_thread(verify_loaded, files, version, loaded) if version else []


def _listing_timeout(settings: ReloadSettings, files: dict[str, str]) -> float:
    """Asterisk lists the whole dialplan to verify it: about a second per 5,000 lines on a
    loaded 2-core machine (2,500 menus: over 5 s). The fixed timeout plus that allowance."""
    lines = sum(text.count("\n") for text in files.values())
    return settings.reload_timeout_s + lines / 2000


async def _load_previous(ami: AmiClient, settings: ReloadSettings, live_dir: Path, before: LiveState) -> list[str]:
    previous = file_version(before.entry_text)
    files: dict[str, str] = {}
    if before.entry_text is not None and previous is not None:
        files[names.ENTRY_FILE] = before.entry_text
        if (text := before.file_text(live_dir, names.version_file(previous))) is not None:
            files[names.version_file(previous)] = text
    return await _load_and_verify(ami, settings, files, previous)


def _changes(history: History, previous: str | None, candidate: Candidate) -> list[str]:
    if previous == candidate.version:
        return ["no change: this version is already live"]
    if candidate.config is None:
        return [f"stored version {candidate.version} (its config is not in the history)"]
    if previous is None:
        return summarise_change(None, candidate.config)
    old = _parse_quietly(history.config_text(previous))
    if old is None:
        return [f"previous version {previous} is not in the history: no diff"]
    return summarise_change(old, candidate.config) or ["no change a caller would notice"]
