"""Reload every configuration file into the running service, with the dialplan reload's
guarantees: validate everything first (off the event loop), change nothing unless all of it
is valid, reload the dialplan safely (it rolls itself back), then swap the roster and the
callback policy in one step, and record the attempt in the reload history.

What a reload changes for people already in the system:
- callers waiting keep their place; under a changed ladder they continue from the step their
  wait has reached on the new ladder (a step they have passed is not taken back);
- an agent on a call keeps the call; a logged-in agent keeps the skills they logged in with
  until they log out and in again (their seat in the router is not rebuilt under them); an
  agent added to agents.yaml can log in at once; one removed can no longer log in;
- working hours and the calendar are read again on the next decision (they are re-read when
  their files change in any case).
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from hotline.config.site import SiteConfig, load_site
from ivr.ami import AmiClient
from ivr.dialplan.history import Attempt, History, ReloadInProgress
from ivr.dialplan.reload import new_attempt, reload
from ivr.dialplan.reload_settings import ReloadSettings
from ivr.menu.issues import errors_only
from ivr.menu.limits import ReadLimits
from routing import Outcome, RouterConfig
from routing.asterisk import RouterAdapter
from routing.snapshot import restore, take


@dataclass
class LiveConfig:
    """Where the running service keeps what a config reload replaces."""

    config_dir: Path
    catalog_path: Path
    limits: ReadLimits
    swap: Callable[[SiteConfig], Awaitable[list[str]]]  # installs the new roster and policies; says what changed


async def reload_config(live: LiveConfig, ami: AmiClient, settings: ReloadSettings, *, who: str) -> Attempt:
    attempt = new_attempt("config", "reload", who, str(live.config_dir))  # type: ignore[arg-type]
    history = History(settings.var_dir)
    site, issues = await asyncio.to_thread(load_site, live.config_dir, catalog=live.catalog_path, limits=live.limits)
    attempt.warnings = [str(issue) for issue in issues if issue.severity != "error"]
    if site is None:
        attempt.result, attempt.messages = "refused", [str(issue) for issue in errors_only(issues)]
        history.record(attempt)
        return attempt
    if settings.dialplan_live_dir is not None:
        try:
            dialplan = await reload(ami, settings, config_path=live.config_dir / "hotline.yaml", who=who)
        except ReloadInProgress as busy:
            attempt.result, attempt.messages = "busy", [str(busy)]
            history.record(attempt)
            raise
        attempt.version, attempt.previous_version = dialplan.version, dialplan.previous_version
        if dialplan.result != "ok":  # it has rolled itself back; nothing else is swapped
            attempt.result = "refused" if dialplan.result == "refused" else "failed"
            attempt.messages = [f"dialplan: {message}" for message in dialplan.messages]
            history.record(attempt)
            return attempt
        attempt.changes += [f"dialplan: {change}" for change in dialplan.changes]
    else:
        attempt.warnings.append("dialplan not reloaded: no live dialplan directory configured")
    attempt.changes += await live.swap(site)
    attempt.result = "ok"
    history.record(attempt)
    return attempt


def rebuild_router(adapter: RouterAdapter, config: RouterConfig, now: float) -> Outcome:
    """The router with a new policy, its books carried over the way a restart carries them
    (routing.snapshot): waiting callers keep their enqueue time, hence their place, and go on
    from the step of the new ladder their wait has reached (never back); calls in progress
    stay with their agents; a ring in flight is cancelled and its caller offered again."""
    router, outcome = restore(config, take(adapter.router), now)
    adapter.router = router
    return outcome


def roster_changes(old: dict, new: dict) -> list[str]:  # type: ignore[type-arg]
    added = sorted(set(new) - set(old))
    removed = sorted(set(old) - set(new))
    changed = sorted(a for a in set(new) & set(old) if new[a] != old[a])
    lines = []
    if added:
        lines.append(f"agents added: {', '.join(added)}")
    if removed:
        lines.append(f"agents removed: {', '.join(removed)} (a logged-in one stays until they log out)")
    if changed:
        lines.append(f"agents changed: {', '.join(changed)} (skills apply from their next log-in)")
    return lines or ["roster unchanged"]
