"""Fixtures for the prompt tests: real espeak-ng, real files, builds into tmp dirs."""
from __future__ import annotations

from pathlib import Path

import pytest

from ivr.prompts import build_prompts

REPO = Path(__file__).resolve().parents[2]
CATALOG = REPO / "prompts" / "catalog.yaml"

SMALL_CATALOG = """
languages:
  zh:     {name: Mandarin, dialect: mandarin, voice: cmn-latn-pinyin}
  zh_yue: {name: Cantonese, dialect: cantonese, voice: yue}
  za:     {name: Zhuang, dialect: zhuang, voice: null, fallback: [zh]}
prompts:
  welcome: {zh: 您好，欢迎致电。, zh_yue: 你好，欢迎致电。}
  goodbye: {zh: 再见。, zh_yue: 再见。}
  yuan:    {zh: 元, zh_yue: 元, za: maenz}
"""


@pytest.fixture(scope="session")
def real_build(tmp_path_factory):
    """The real catalog built once (about 13 s on 2 cores); tests must not modify it."""
    out = tmp_path_factory.mktemp("real-build")
    report = build_prompts(CATALOG, tmp_path_factory.mktemp("no-recordings"), out)
    return out, report


@pytest.fixture
def small(tmp_path):
    """A three-prompt catalog with its own recordings and output dirs."""
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(SMALL_CATALOG, encoding="utf-8")
    (tmp_path / "recordings").mkdir()
    return catalog, tmp_path / "recordings", tmp_path / "out"
