"""The generated dialplan reloaded over every media node of a cluster, all or nothing.

    attempt = await reload_nodes([NodeTarget("node1", ami1, dir1), ...], settings, who="ops:alice")

Kamailio sends a caller to any node, so every node must run the same version: a caller must
not hear one menu on node 1 and another on node 2. Each attempt:

1. validate and render once; check the result once with a throwaway Asterisk (every node runs
   the same Asterisk build, so one staged check speaks for all);
2. stage on every node: each file written beside the live ones under a hidden name (`.name.staged`).
   A node that cannot take them (read-only or full disk, directory gone) refuses the attempt
   before anything live has changed anywhere;
3. swap on every node (renames, the entry file last) and reload and verify them all at once;
4. if any node fails its reload or its check, every node gets its previous files back and
   reloads them: the cluster stays on the version it ran, and the attempt is `rolled_back` with
   each node's reason. (Not "take the node out of rotation": a node on an old menu still serves
   its callers well, while one fewer node is lost capacity nobody asked for, and the next
   reload would need to bring it back in step anyway; see the README.)

One attempt at a time (the history's lock); every attempt is recorded in the history, with the
nodes' results in its messages.

The nodes' live directories are paths on this host: on one machine the sandboxes', in
production each node's /etc/asterisk/hotline mounted here (or this command run with the
directory synchronised by the site's own tooling). Nothing here copies files between hosts.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ivr.ami import AmiClient, AmiError, AmiSettings
from ivr.dialplan import names
from ivr.dialplan.history import Attempt, History
from ivr.dialplan.live_asterisk import versions_in_use
from ivr.dialplan.live_files import LiveState, prune, read_state, restore
from ivr.dialplan.reload import (Candidate, Refused, _changes, _from_config, _hand_written, _load_and_verify,
                                 _load_previous, new_attempt)
from ivr.dialplan.reload_settings import ReloadSettings
from ivr.dialplan.staged_check import check_staged, stage
from ivr.dialplan.verify import file_version

__all__ = ["NodeAddress", "NodeTarget", "reload_nodes"]
STAGED_SUFFIX = ".staged"


@dataclass(frozen=True)
class NodeAddress:
    """A media node as the site's settings name it (hotline.cluster.config): not yet connected."""

    name: str
    ami: AmiSettings
    live_dir: Path


@dataclass(frozen=True)
class NodeTarget:
    """One media node: its name, a connected AMI client, the directory its extensions.conf includes."""

    name: str
    ami: AmiClient
    live_dir: Path


def _staged_path(live_dir: Path, name: str) -> Path:
    return live_dir / f".{name}{STAGED_SUFFIX}"  # a dot file: Asterisk's *.conf glob never reads it


def stage_on_node(live_dir: Path, files: dict[str, str]) -> None:
    """Write every file under its hidden staged name (flushed to disk); raises OSError."""
    if not live_dir.is_dir():
        raise FileNotFoundError(2, "no such directory", str(live_dir))
    for name, text in files.items():
        path = _staged_path(live_dir, name)
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())


def unstage(live_dir: Path, files: dict[str, str]) -> None:
    for name in files:
        try:
            _staged_path(live_dir, name).unlink(missing_ok=True)
        except OSError:
            pass  # a directory that refused the write refuses the clean-up too: nothing was written


def swap_on_node(live_dir: Path, files: dict[str, str]) -> None:
    """Staged files into place by rename, version files first and the entry file last."""
    for name in sorted(files, key=lambda name: name == names.ENTRY_FILE):
        os.replace(_staged_path(live_dir, name), live_dir / name)


async def reload_nodes(nodes: Sequence[NodeTarget], settings: ReloadSettings, *, config_path: Path | None = None,
                       catalog_path: Path | None = None, who: str = "cli") -> Attempt:
    """Load the config at `config_path` (default: settings) into every node, or into none.
    Raises ReloadInProgress when another attempt holds the lock."""
    if not nodes:
        raise ValueError("no media node to reload")
    path = Path(config_path or settings.config_path)
    catalog = Path(catalog_path or settings.catalog_path)
    attempt = new_attempt("dialplan", "reload", who, f"{path} on {', '.join(node.name for node in nodes)}")
    history = History(settings.var_dir)
    with history.attempt(attempt):
        await _run(nodes, settings, history, attempt, lambda: _from_config(path, catalog, _hand_written(settings)))
    return attempt


async def _run(nodes: Sequence[NodeTarget], settings: ReloadSettings, history: History, attempt: Attempt,
               prepare) -> None:  # type: ignore[no-untyped-def]
    mark = time.perf_counter()

    def step(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        attempt.steps_ms[name] = round((now - mark) * 1000, 1)
        mark = now

    candidate: Candidate = await asyncio.to_thread(prepare)
    attempt.version, attempt.warnings = candidate.version, candidate.warnings
    before = {node.name: read_state(node.live_dir) for node in nodes}
    previous = {name: file_version(state.entry_text) for name, state in before.items()}
    attempt.previous_version = previous[nodes[0].name]
    if len(set(previous.values())) > 1:
        attempt.warnings.append("the nodes ran different versions before: "
                                + ", ".join(f"{name} {version or '-'}" for name, version in previous.items()))
    attempt.changes = await asyncio.to_thread(_changes, history, attempt.previous_version, candidate)
    step("validate")
    if settings.use_staged_check():
        staging = stage(nodes[0].live_dir, candidate.files, settings.var_dir / "staging" / attempt.id)
        try:
            problems = await check_staged(settings.asterisk_root, staging, candidate.files)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        step("staged_check")
        if problems:
            raise Refused(["a test Asterisk could not load the staged dialplan: " + problem for problem in problems])
    else:
        attempt.warnings.append(f"staged check skipped: no local Asterisk at {settings.asterisk_root}")

    refusals = []
    for node in nodes:
        try:
            await asyncio.to_thread(stage_on_node, node.live_dir, candidate.files)
        except OSError as error:
            refusals.append(f"node {node.name}: cannot stage the files in {node.live_dir} ({error.strerror or error})")
    if refusals:
        for node in nodes:
            await asyncio.to_thread(unstage, node.live_dir, candidate.files)
        raise Refused(refusals + ["no node was changed"])
    step("stage_on_nodes")

    history.keep_version(candidate.version, candidate.files, candidate.config_text)
    for node in nodes:
        swap_on_node(node.live_dir, candidate.files)
    results = await asyncio.gather(*(_load_and_verify(node.ami, settings, candidate.files, candidate.version)
                                     for node in nodes))
    step("swap_reload_verify")
    failed = {node.name: problems for node, problems in zip(nodes, results, strict=True) if problems}
    if failed:
        attempt.messages = [f"node {name}: {problem}" for name, problems in failed.items() for problem in problems]
        await _roll_back_all(nodes, settings, before, candidate, attempt)
        step("rollback")
        return
    attempt.result = "ok"
    for node in nodes:
        try:
            pruned = prune(node.live_dir, await versions_in_use(node.ami) | {candidate.version})
            attempt.pruned += [f"{node.name}:{name}" for name in pruned]
        except AmiError as error:
            attempt.warnings.append(f"node {node.name}: old versions kept: could not list live channels ({error})")
    step("prune")


async def _roll_back_all(nodes: Sequence[NodeTarget], settings: ReloadSettings, before: dict[str, LiveState],
                         candidate: Candidate, attempt: Attempt) -> None:
    for node in nodes:
        restore(node.live_dir, before[node.name], candidate.files)
    left = await asyncio.gather(*(_load_previous(node.ami, settings, node.live_dir, before[node.name]) for node in nodes))
    still = {node.name: problems for node, problems in zip(nodes, left, strict=True) if problems}
    attempt.result = "failed" if still else "rolled_back"
    attempt.messages += [f"node {name}: rolling back: {problem}" for name, problems in still.items() for problem in problems]
    if still:
        attempt.messages.append("the files of the version before are back on every node; a node that could not "
                                "reload them runs them at its next reload (or restart)")
