"""The shipped config/hotline.yaml is valid and says what the Guangxi-style hotline needs."""
from __future__ import annotations

from pathlib import Path

import pytest

from ivr.menu import check_config, load_config
from ivr.menu.graph import back_target
from tests.menu.samples import write_catalog

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "config" / "hotline.yaml"
REAL_CATALOG = REPO / "prompts" / "catalog.yaml"
BUSINESS = ["pension", "medical", "unemployment", "work_injury", "employment", "labour_relations", "personnel", "ss_card"]


def test_demo_validates_clean_against_the_vocabulary(tmp_path):
    config, issues = check_config(DEMO, write_catalog(tmp_path))
    assert config is not None and issues == []


@pytest.mark.skipif(not REAL_CATALOG.exists(), reason="prompts/catalog.yaml not built yet")
def test_demo_validates_clean_against_the_real_catalog():
    assert check_config(DEMO, REAL_CATALOG)[1] == []


def test_demo_lines_and_languages():
    config = load_config(DEMO)
    assert config.default_dialect == "mandarin"
    assert {name: d.language for name, d in config.dialects.items()} == {
        "mandarin": "zh", "zhuang": "za", "cantonese": "zh_yue", "guiliu": "zh_gl", "hakka": "zh_hak",
    }
    language = config.menus["language"]
    assert (language.keys["1"].dialect, language.keys["2"].goto) == ("mandarin", "dialect")
    assert (language.on_timeout.dialect, language.on_timeout.goto) == ("mandarin", "main")
    assert [a.dialect for a in config.menus["dialect"].keys.values()] == ["zhuang", "cantonese", "guiliu", "hakka"]


def test_demo_main_menu_keys_follow_the_vocabulary_order():
    config = load_config(DEMO)
    main = config.menus["main"]
    assert {key: action.goto for key, action in main.keys.items()} == {str(n): b for n, b in enumerate(BUSINESS, 1)}
    assert [config.menus[b].business for b in BUSINESS] == BUSINESS
    assert all(back_target(config, b) == "main" for b in BUSINESS)


def test_demo_self_service_items_and_global_keys():
    config = load_config(DEMO)
    assert config.menus["pension"].keys["1"].self_service == "balance"
    assert config.menus["medical"].keys["1"].self_service == "balance"
    card = config.menus["ss_card"].keys
    assert (card["1"].self_service, card["2"].self_service) == ("card_loss", "card_status")
    assert config.global_keys.model_dump() == {"agent": "0", "back": "*", "repeat": "#"}
    assert set(config.routing.business_lines) == set(BUSINESS)
