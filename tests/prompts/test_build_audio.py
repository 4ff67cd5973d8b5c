"""Every prompt of the real catalog, built for every language, is valid telephone audio."""
from __future__ import annotations

import pytest

from ivr.prompts import build_prompts, load_catalog
from ivr.prompts.audio import AudioSettings
from ivr.prompts.plan import Kind

from .conftest import CATALOG
from .measure import wav_facts

SETTINGS = AudioSettings()
PEAK_WINDOW_DBFS = (-12.0, -0.9)  # ceiling is -1 dBFS; espeak speech peaks ~8-11 dB above its RMS
LEVEL_TOLERANCE_DB = 1.5  # active-speech RMS around the -20 dBFS target

_CATALOG = load_catalog(CATALOG)
CALLER = [pid for pid, p in _CATALOG.prompts.items() if p.audience == "caller"]
AGENT = [pid for pid, p in _CATALOG.prompts.items() if p.audience == "agent"]
# Agents' prompts exist in Mandarin and in the languages that fall back to it.
ALL = [(lang, pid) for lang in _CATALOG.languages for pid in _CATALOG.prompts
       if pid in CALLER or lang in ("zh", "zh_gl", "za")]


def test_report_counts(real_build):
    _, report = real_build
    counts = report.counts()
    assert counts["zh"][Kind.SYNTHESISED] == len(_CATALOG.prompts)
    for code in ("zh_yue", "zh_hak", "zh_gl"):
        assert counts[code][Kind.SYNTHESISED] == len(CALLER)
    assert counts["zh_gl"][Kind.FALLBACK] == len(AGENT) > 0
    assert counts["za"][Kind.FALLBACK] == len(_CATALOG.prompts)
    assert any(w.startswith("za: ") and "zh fallback" in w for w in report.warnings)
    assert sorted((t.language, t.prompt_id) for t in report.targets) == sorted(ALL)
    out, _ = real_build
    assert all((out / "sounds" / language / f"{pid}.ulaw").is_file() for language, pid in ALL)


@pytest.mark.parametrize("language, prompt_id", ALL, ids=[f"{l}/{p}" for l, p in ALL])
def test_built_prompt_is_valid_telephone_audio(real_build, language, prompt_id):
    out, _ = real_build
    base = out / "sounds" / language / prompt_id
    facts = wav_facts(base.with_name(base.name + ".wav"))
    assert (facts.rate, facts.channels, facts.width) == (8000, 1, 2)
    assert facts.seconds > 0.3
    assert facts.peak_dbfs > -60, "silent"
    assert PEAK_WINDOW_DBFS[0] <= facts.peak_dbfs <= PEAK_WINDOW_DBFS[1]
    assert facts.active_rms_dbfs <= SETTINGS.target_dbfs + LEVEL_TOLERANCE_DB
    assert facts.active_rms_dbfs >= SETTINGS.target_dbfs - LEVEL_TOLERANCE_DB
    # mu-law is one byte per sample of the same audio
    ulaw = base.with_name(base.name + ".ulaw").read_bytes()
    assert len(ulaw) == round(facts.seconds * 8000)
    assert len(set(ulaw)) > 16, "mu-law file is constant"


def test_fallback_files_are_copies_of_the_mandarin_ones(real_build):
    out, _ = real_build
    for pid in ("welcome", "digits/5"):
        assert (out / "sounds/za" / f"{pid}.ulaw").read_bytes() == (out / "sounds/zh" / f"{pid}.ulaw").read_bytes()


def test_languages_sound_different(real_build):
    out, _ = real_build
    welcome = {code: (out / "sounds" / code / "welcome.ulaw").read_bytes() for code in ("zh", "zh_yue", "zh_hak", "zh_gl")}
    assert len(set(welcome.values())) == 4


def test_second_build_rebuilds_nothing(real_build, tmp_path):
    out, _ = real_build
    again = build_prompts(CATALOG, tmp_path, out)
    assert again.rebuilt == []
    assert sum(c[Kind.SYNTHESISED] for c in again.counts().values()) == 4 * len(CALLER) + len(AGENT)
