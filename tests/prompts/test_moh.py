"""Music on hold: conversion like the prompts, incremental, and its musiconhold.conf section."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from hotline.settings import DEFAULT_ASTERISK_ROOT
from ivr.prompts.moh import build_moh, default_moh_source, render_moh_class

from .measure import make_tone, wav_facts


def test_render_moh_class():
    assert render_moh_class("hotline12333", Path("/srv/build/moh/hotline12333")) == (
        "[hotline12333]\nmode=files\ndirectory=/srv/build/moh/hotline12333\nsort=random\n"
    )
    assert "sort=alpha" in render_moh_class("x", "/d", sort="alpha")
    assert "directory=moh/hotline12333\n" in render_moh_class()  # relative to astdatadir


def test_moh_is_converted_incrementally_and_follows_its_sources(tmp_path):
    source, out = tmp_path / "music", tmp_path / "out"
    source.mkdir()
    make_tone(source / "a.wav", seconds=2.0, freq=330, rate=44100, channels=2)
    make_tone(source / "b.wav", seconds=1.0, freq=550, rate=22050, channels=1)
    class_dir = build_moh(source, out, "queue")
    assert class_dir == out / "moh" / "queue"
    assert sorted(p.name for p in class_dir.iterdir()) == ["a.ulaw", "a.wav", "b.ulaw", "b.wav"]
    facts = wav_facts(class_dir / "a.wav")
    assert (facts.rate, facts.channels, facts.width) == (8000, 1, 2)
    assert abs(facts.seconds - 2.0) < 0.1 and abs(facts.active_rms_dbfs + 20) < 1.5  # same level as prompts

    stamp = (class_dir / "a.ulaw").stat().st_mtime_ns
    make_tone(source / "b.wav", seconds=1.5, freq=550)  # b changes, a does not
    build_moh(source, out, "queue")
    assert (class_dir / "a.ulaw").stat().st_mtime_ns == stamp
    assert abs(wav_facts(class_dir / "b.wav").seconds - 1.5) < 0.1

    (source / "a.wav").unlink()
    build_moh(source, out, "queue")
    assert sorted(p.name for p in class_dir.iterdir()) == ["b.ulaw", "b.wav"]


def test_empty_source_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        build_moh(tmp_path, tmp_path / "out")


def test_default_source_follows_the_asterisk_root(tmp_path):
    assert default_moh_source(tmp_path) == tmp_path / "usr/share/asterisk/moh"


OPSOUND = default_moh_source(Path(os.environ.get("HOTLINE_ASTERISK_ROOT", DEFAULT_ASTERISK_ROOT)))


@pytest.mark.skipif(not any(OPSOUND.glob("*.wav")), reason="Asterisk root not built (make asterisk)")
def test_debian_opsound_files_convert(tmp_path):
    class_dir = build_moh(OPSOUND, tmp_path)
    tracks = sorted(class_dir.glob("*.wav"))
    assert len(tracks) == len(list(OPSOUND.glob("*.wav")))
    for track in tracks:
        facts = wav_facts(track)
        assert (facts.rate, facts.channels, facts.width) == (8000, 1, 2) and facts.seconds > 30
        assert track.with_suffix(".ulaw").stat().st_size == round(facts.seconds * 8000)
