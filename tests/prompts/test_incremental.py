"""Recordings, fallbacks, missing prompts and incremental rebuilds on a small real catalog."""
from __future__ import annotations

import json
import subprocess

import pytest

from ivr.prompts import MissingPromptsError, build_prompts
from ivr.prompts.plan import Kind

from .measure import make_tone, wav_facts, zero_crossings_per_second


def test_recording_replaces_the_synthesised_prompt_and_only_it_is_rebuilt(small):
    catalog, recordings, out = small
    first = build_prompts(catalog, recordings, out)
    assert first.kind_of("zh", "welcome") is Kind.SYNTHESISED
    assert len(first.rebuilt) == 9

    (recordings / "zh").mkdir()
    make_tone(recordings / "zh" / "welcome.flac", seconds=1.2, freq=440)
    second = build_prompts(catalog, recordings, out)
    # za borrows zh's welcome, so its copy follows the recording too
    assert sorted(second.rebuilt) == ["za/welcome", "zh/welcome"]
    assert second.kind_of("zh", "welcome") is Kind.RECORDED
    assert {s.target.name: s.reason for s in second.built} == {
        "zh/welcome": "synthesised -> recorded",
        "za/welcome": "fallback to zh synthesised -> fallback to zh recorded",
    }
    built = out / "sounds" / "zh" / "welcome.wav"
    assert abs(wav_facts(built).seconds - 1.2) < 0.1
    assert abs(zero_crossings_per_second(built) - 880) < 30  # the 440 Hz tone, not speech
    assert build_prompts(catalog, recordings, out).rebuilt == []


def test_recording_in_any_format_with_nested_id(small, tmp_path):
    catalog, recordings, out = small
    catalog.write_text(catalog.read_text() + "  digits/5: {zh: 五, zh_yue: 五}\n", encoding="utf-8")
    (recordings / "za" / "digits").mkdir(parents=True)
    speech = tmp_path / "haj.wav"
    subprocess.run(["espeak-ng", "-v", "cmn-latn-pinyin", "-w", str(speech), "五"], check=True)
    subprocess.run(["sox", str(speech), str(recordings / "za" / "digits" / "5.ogg")], check=True)
    report = build_prompts(catalog, recordings, out)
    assert report.kind_of("za", "digits/5") is Kind.RECORDED
    facts = wav_facts(out / "sounds/za/digits/5.wav")
    assert (facts.rate, facts.channels, facts.width) == (8000, 1, 2) and facts.seconds > 0.3


def test_changed_text_rebuilds_only_that_prompt(small):
    catalog, recordings, out = small
    build_prompts(catalog, recordings, out)
    before = (out / "sounds/zh_yue/goodbye.ulaw").read_bytes()
    catalog.write_text(catalog.read_text().replace("zh_yue: 再见。", "zh_yue: 多谢，拜拜。"), encoding="utf-8")
    report = build_prompts(catalog, recordings, out)
    assert report.rebuilt == ["zh_yue/goodbye"]
    assert (out / "sounds/zh_yue/goodbye.ulaw").read_bytes() != before


def test_deleted_output_is_rebuilt(small):
    catalog, recordings, out = small
    build_prompts(catalog, recordings, out)
    (out / "sounds/zh/goodbye.ulaw").unlink()
    report = build_prompts(catalog, recordings, out)
    assert [(s.target.name, s.reason) for s in report.built] == [("zh/goodbye", "output missing")]


def test_missing_prompt_without_fallback_fails_with_the_list(small):
    catalog, recordings, out = small
    text = catalog.read_text().replace("zh_yue: 再见。", "zh_yue: null").replace("zh_yue: 元", "zh_yue: ''")
    catalog.write_text(text, encoding="utf-8")
    with pytest.raises(MissingPromptsError) as err:
        build_prompts(catalog, recordings, out)
    assert sorted(t.name for t in err.value.missing) == ["zh_yue/goodbye", "zh_yue/yuan"]
    assert "zh_yue/goodbye" in str(err.value) and "zh_yue/yuan" in str(err.value)
    assert not out.exists(), "a failing build must not write anything"


def test_a_recording_fills_a_missing_prompt(small):
    catalog, recordings, out = small
    catalog.write_text(catalog.read_text().replace("zh_yue: 再见。", "zh_yue: null"), encoding="utf-8")
    (recordings / "zh_yue").mkdir()
    make_tone(recordings / "zh_yue" / "goodbye.wav", seconds=0.8)
    assert build_prompts(catalog, recordings, out).kind_of("zh_yue", "goodbye") is Kind.RECORDED


def test_fallback_is_reported(small):
    catalog, recordings, out = small
    report = build_prompts(catalog, recordings, out)
    assert report.kind_of("za", "yuan") is Kind.FALLBACK
    assert report.warnings == ["za: 3 prompt(s) use the zh fallback: welcome, goodbye, yuan"]
    manifest = json.loads((out / "manifest.json").read_text())["targets"]
    assert manifest["za/yuan"] == {"key": manifest["zh/yuan"]["key"], "kind": "fallback",
                                   "origin_language": "zh", "origin_kind": "synthesised"}


def test_prompt_dropped_from_catalog_is_removed(small):
    catalog, recordings, out = small
    build_prompts(catalog, recordings, out)
    catalog.write_text(catalog.read_text().replace("  goodbye: {zh: 再见。, zh_yue: 再见。}\n", ""), encoding="utf-8")
    build_prompts(catalog, recordings, out)
    assert not (out / "sounds/zh/goodbye.wav").exists()
    assert (out / "sounds/zh/welcome.wav").exists()
