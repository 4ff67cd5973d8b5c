"""Pure planning: where a prompt comes from, and what is rebuilt and why."""
from __future__ import annotations

import yaml

from ivr.prompts.catalog import parse_catalog
from ivr.prompts.plan import Kind, Recording, content_key, manifest_entry, plan_build, resolve_targets

from .conftest import SMALL_CATALOG

SETTINGS = {"frame_rate": 8000}


def small_catalog():
    return parse_catalog(yaml.safe_load(SMALL_CATALOG))


def by_name(targets):
    return {t.name: t for t in targets}


def test_recording_wins_then_synthesis_then_fallback():
    recordings = {("zh", "goodbye"): Recording("rec/zh/goodbye.flac", "abc")}
    targets = by_name(resolve_targets(small_catalog(), recordings))
    assert targets["zh/goodbye"].kind is Kind.RECORDED
    assert targets["zh/welcome"].kind is Kind.SYNTHESISED
    assert targets["za/welcome"].kind is Kind.FALLBACK
    assert targets["za/goodbye"].origin.recording.path == "rec/zh/goodbye.flac"  # fallback follows the recording
    assert targets["za/yuan"].kind is Kind.FALLBACK  # za has text but no voice: still borrowed
    assert targets["za/yuan"].origin.language == "zh"


def test_zhuang_recording_replaces_the_fallback():
    recordings = {("za", "yuan"): Recording("rec/za/yuan.wav", "f00")}
    assert by_name(resolve_targets(small_catalog(), recordings))["za/yuan"].kind is Kind.RECORDED


def test_missing_without_fallback():
    catalog = parse_catalog(yaml.safe_load(SMALL_CATALOG.replace("zh_yue: 再见。", "zh_yue: null")))
    plan = plan_build(resolve_targets(catalog, {}), {}, set(), SETTINGS)
    assert [t.name for t in plan.missing] == ["zh_yue/goodbye"]


def test_plan_reasons():
    targets = resolve_targets(small_catalog(), {})
    names = {t.name for t in targets}
    first = plan_build(targets, {}, set(), SETTINGS)
    assert {s.reason for s in first.build} == {"new"} and len(first.build) == len(targets)

    manifest = {s.target.name: manifest_entry(s.target, s.key) for s in first.build}
    assert plan_build(targets, manifest, names, SETTINGS).build == []

    missing_output = plan_build(targets, manifest, names - {"zh/welcome"}, SETTINGS)
    assert [(s.target.name, s.reason) for s in missing_output.build] == [("zh/welcome", "output missing")]

    recorded = resolve_targets(small_catalog(), {("zh_yue", "welcome"): Recording("x.wav", "1")})
    assert [(s.target.name, s.reason) for s in plan_build(recorded, manifest, names, SETTINGS).build] == [
        ("zh_yue/welcome", "synthesised -> recorded")
    ]

    changed = parse_catalog(yaml.safe_load(SMALL_CATALOG.replace("zh_yue: 再见。", "zh_yue: 拜拜。")))
    steps = plan_build(resolve_targets(changed, {}), manifest, names, SETTINGS).build
    assert [(s.target.name, s.reason) for s in steps] == [("zh_yue/goodbye", "text, voice or settings changed")]

    other_settings = plan_build(targets, manifest, names, {"frame_rate": 16000}).build
    assert len(other_settings) == len(targets)


def test_content_key_ignores_the_language_so_fallbacks_share_the_render():
    targets = by_name(resolve_targets(small_catalog(), {}))
    assert content_key(targets["za/welcome"].origin, SETTINGS) == content_key(targets["zh/welcome"].origin, SETTINGS)
    assert content_key(targets["zh_yue/welcome"].origin, SETTINGS) != content_key(targets["zh/welcome"].origin, SETTINGS)
