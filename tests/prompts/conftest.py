"""Fixtures for the prompt tests: real espeak-ng, real files, builds into tmp dirs."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ivr.prompts import build_prompts

REPO = Path(__file__).resolve().parents[2]
CATALOG = REPO / "prompts" / "catalog.yaml"
CHECKOUT_BUILD = REPO / "prompts" / "build"

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
    """The real catalog built once; tests must not modify it. `make test` has just built the
    checkout's prompts (`make prompts`, 40 s of espeak-ng on 2 cores): the build starts from
    hard links to those, and rebuilds only what its inputs say is out of date (everything, if
    there is no such build). The plan and the files are what the tests check, not the renders."""
    out = tmp_path_factory.mktemp("real-build")
    if (CHECKOUT_BUILD / "sounds").is_dir():
        shutil.copytree(CHECKOUT_BUILD, out, copy_function=os.link, dirs_exist_ok=True)
    report = build_prompts(CATALOG, tmp_path_factory.mktemp("no-recordings"), out)
    return out, report


@pytest.fixture
def small(tmp_path):
    """A three-prompt catalog with its own recordings and output dirs."""
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(SMALL_CATALOG, encoding="utf-8")
    (tmp_path / "recordings").mkdir()
    return catalog, tmp_path / "recordings", tmp_path / "out"
