"""Recording policy per line, storage checks and retention purges (real SQLite and files; the
AMI client is never connected, so the dialplan's switches are not sent)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hotline.db import recordings_store as recordings
from hotline.db.records_store import RecordStore
from hotline.recordings.desk import RecordingDesk, probe
from hotline.recordings.policy import RecordingPolicyError, load_recording_policy, safe_file_name
from ivr.ami import AmiClient, AmiSettings
from tests.support.site import CONFIG_DIR

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def test_the_shipped_policy_records_every_line_and_keeps_wages_longer(tmp_path: Path) -> None:
    policy = load_recording_policy(CONFIG_DIR / "recording.yaml", tmp_path)
    assert policy.directory == tmp_path / "recordings"
    assert policy.records("pension") and policy.records("wages")
    assert policy.retention("pension") == timedelta(days=180) and policy.retention("wages") == timedelta(days=365)


def test_a_broken_policy_is_refused_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "recording.yaml"
    bad.write_text("default: {record: true, retention_days: 0}\n")
    with pytest.raises(RecordingPolicyError, match=r"recording.yaml: default.retention_days: "):
        load_recording_policy(bad)
    bad.write_text("lines: {pension: {keep: forever}}\n")
    with pytest.raises(RecordingPolicyError, match="lines.pension.keep"):
        load_recording_policy(bad)


def test_storage_is_unavailable_when_not_a_directory_or_nearly_full(tmp_path: Path) -> None:
    assert probe(tmp_path / "calls", 0).available
    (tmp_path / "file").write_text("x")
    blocked = probe(tmp_path / "file" / "calls", 0)
    assert not blocked.available and "not writable" in blocked.reason
    full = probe(tmp_path / "calls", 1 << 62)
    assert not full.available and "nearly full" in full.reason


def test_call_ids_that_could_name_another_file_are_refused() -> None:
    assert safe_file_name("1733212800.42") == "1733212800.42.wav"
    for bad in ("", "../x", "a/b", ".hidden", "x\0y"):
        assert safe_file_name(bad) is None


async def test_retention_purges_old_recordings_with_an_audit_entry(sqlite_store: RecordStore, tmp_path: Path) -> None:
    policy = load_recording_policy(CONFIG_DIR / "recording.yaml", tmp_path)
    policy.directory.mkdir(parents=True)
    ami = AmiClient(AmiSettings(host="127.0.0.1", port=1, username="x", secret="x"))
    desk = RecordingDesk(sqlite_store, policy, ami, asterisk_dir=str(policy.directory), lines=lambda: {"pension", "wages"},
                         clock=lambda: NOW)
    kept = {"old.pension": ("pension", 181), "new.pension": ("pension", 179), "old.wages": ("wages", 200)}
    for call_id, (business, days) in kept.items():
        (policy.directory / f"{call_id}.wav").write_bytes(b"RIFF")
        sqlite_store.run(lambda s, c=call_id, b=business, d=days: recordings.register(
            s, c, "2001", b, f"{c}.wav", NOW - timedelta(days=d)))
        sqlite_store.run(lambda s, c=call_id: recordings.finish(s, c, duration_s=1.0, size_bytes=4, sha256="0" * 64))
    assert await desk.purge() == ["old.pension"]
    assert sorted(p.name for p in policy.directory.iterdir()) == ["new.pension.wav", "old.wages.wav"]
    assert sqlite_store.run(lambda s: recordings.get(s, "old.pension")).status == "purged"
    trail = sqlite_store.run(lambda s: [(a.action, a.outcome, a.detail) for a in recordings.audit_trail(s, "recording_purged")])
    assert trail == [("recording_purged", "deleted", "call old.pension (pension), recorded 2026-06-05, retention 180 days")]
    assert await desk.purge() == []  # once


async def test_a_recording_with_no_usable_file_is_counted_as_failed_once(sqlite_store: RecordStore,
                                                                         tmp_path: Path) -> None:
    policy = load_recording_policy(CONFIG_DIR / "recording.yaml", tmp_path)
    policy.directory.mkdir(parents=True)
    ami = AmiClient(AmiSettings(host="127.0.0.1", port=1, username="x", secret="x"))
    desk = RecordingDesk(sqlite_store, policy, ami, asterisk_dir=str(policy.directory), lines=lambda: {"pension"},
                         clock=lambda: NOW)
    desk.settle_limit_s = 0.3  # the file never appears: Asterisk could not write it
    for call_id in ("written", "lost"):
        sqlite_store.run(lambda s, c=call_id: recordings.register(s, c, "2001", "pension", f"{c}.wav", NOW))
    (policy.directory / "written.wav").write_bytes(b"RIFF")
    await desk.finish("written")
    assert desk.failed == 0
    await desk.finish("lost")
    assert sqlite_store.run(lambda s: recordings.get(s, "lost")).status == "missing"
    assert desk.failed == 1
    await desk.finish("lost")  # a second AgentComplete for the call: already finished, not counted again
    assert desk.failed == 1
