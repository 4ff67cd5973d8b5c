"""The real catalog: complete, consistent, and what the dialplan and SayNumber need."""
from __future__ import annotations

import re
import subprocess

import pytest
from hypothesis import given, strategies as st

from ivr.prompts import CatalogError, ZH_SAYNUMBER_FILES, load_catalog, parse_catalog, zh_saynumber_files

from .conftest import CATALOG

SHARED_IDS = """welcome menu_language menu_dialect menu_main menu_pension menu_medical
menu_unemployment menu_work_injury menu_employment menu_labour_relations menu_personnel
menu_ss_card invalid_key no_input transfer_agent goodbye service_unavailable enter_id_number
id_number_invalid enter_pin pin_wrong locked balance_intro balance_pension balance_medical
last_contribution_month balance_options card_loss_confirm card_loss_done card_already_lost
reference_number_intro card_status_active card_status_lost card_not_found hold_position
hold_estimated_wait minutes mandarin_agent_notice after_hours leave_message callback_offer
callback_offer_no_agents call_recorded hold_too_long hold_too_long_no_agents
survey_rate survey_thanks yuan jiao fen year month digits/hundred digits/thousand digits/wan
digits/yi""".split() + [f"digits/{d}" for d in range(11)]

LANGUAGES = {"zh": "mandarin", "zh_yue": "cantonese", "zh_hak": "hakka", "zh_gl": "guiliu", "za": "zhuang"}


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(CATALOG)


def test_languages_use_the_shared_codes_and_dialects(catalog):
    assert {code: lang.dialect for code, lang in catalog.languages.items()} == LANGUAGES
    assert catalog.languages["za"].voice is None and catalog.languages["za"].fallback == ("zh",)
    assert catalog.languages["zh_gl"].fallback == ("zh",)
    assert catalog.languages["zh_gl"].voice == catalog.languages["zh"].voice


def test_every_shared_prompt_id_is_in_the_catalog(catalog):
    assert sorted(set(SHARED_IDS) - set(catalog.prompts)) == []


def test_catalog_has_every_file_zh_saynumber_can_play(catalog):
    assert sorted(ZH_SAYNUMBER_FILES - set(catalog.prompts)) == []


_IDS = set(load_catalog(CATALOG).prompts)


@given(st.integers(min_value=-999_999_999, max_value=999_999_999))
def test_saynumber_of_any_number_finds_its_files_in_the_catalog(number):
    assert set(zh_saynumber_files(number)) <= _IDS


def test_every_chinese_language_has_its_own_text_for_every_caller_prompt(catalog):
    for code in ("zh", "zh_yue", "zh_hak", "zh_gl"):
        missing = [pid for pid, p in catalog.prompts.items()
                   if p.audience == "caller" and not catalog.synthesis_input(code, pid)]
        assert missing == [], code


def test_prompts_for_agents_are_mandarin(catalog):
    agent_prompts = {pid: p for pid, p in catalog.prompts.items() if p.audience == "agent"}
    assert {"callback_agent_notice", "callback_no_answer"} <= set(agent_prompts)
    assert all(catalog.synthesis_input("zh", pid) for pid in agent_prompts)


@pytest.mark.parametrize("code", ["zh", "zh_yue", "zh_hak", "zh_gl"])
def test_menu_main_offers_the_lines_in_order_with_the_global_keys(catalog, code):
    text = catalog.prompts["menu_main"].text(code).text
    keys = [int(k) for k in re.findall(r"[按揿](\d)", text)]
    assert keys == [1, 2, 3, 4, 5, 6, 7, 8, 0]
    lines = ["养老", "医疗", "失业", "工伤", "就业", "劳动关系", "人事", "社保卡"]
    assert [text.index(word) for word in lines] == sorted(text.index(word) for word in lines)
    assert text.index("星号") < text.index("井号")


@pytest.mark.parametrize("code", ["zh", "zh_yue", "zh_hak", "zh_gl"])
def test_submenus_offer_self_service_and_an_agent(catalog, code):
    def keys(pid):
        return [int(k) for k in re.findall(r"[按揿](\d)", catalog.prompts[pid].text(code).text)]

    assert keys("menu_pension") == [1, 0] and keys("menu_medical") == [1, 0]
    assert keys("menu_ss_card") == [1, 2, 0]
    assert keys("menu_dialect") == [1, 2, 3, 4] and keys("menu_language") == [1, 2]
    for line in ("unemployment", "work_injury", "employment", "labour_relations", "personnel"):
        assert keys(f"menu_{line}") == [0], line


def test_espeak_reads_every_text_in_its_own_language(catalog):
    """espeak-ng -x marks a switch to another language as "(en)"; only the letter X may do so."""
    switched = []
    for code, lang in catalog.languages.items():
        for pid in catalog.prompts:
            text = catalog.synthesis_input(code, pid)
            if not text:
                continue
            phonemes = subprocess.run(["espeak-ng", "-q", "-x", "-b", "1", "-v", lang.voice, text],
                                      capture_output=True, text=True, check=True).stdout
            letter_x = len(re.findall(r"\(en\)'E1?ks\(", phonemes)) if "X" in text else 0
            if phonemes.count("(en)") > letter_x:
                switched.append(f"{code}/{pid}: {phonemes.strip()[:80]}")
    assert switched == []


def _catalog(languages: str, prompts: str):
    import yaml

    return parse_catalog(yaml.safe_load(f"languages:\n{languages}\nprompts:\n{prompts}"))


def test_validation_lists_every_problem():
    with pytest.raises(CatalogError) as err:
        _catalog(
            "  zh: {name: M, dialect: mandarin, voice: cmn, fallback: [xx]}\n"
            "  a: {name: A, dialect: a, fallback: [b]}\n  b: {name: B, dialect: b, fallback: [a]}\n"
            "  hak: {name: H, dialect: hakka, voice: hak, synthesise_from: say}",
            "  Bad-Id: {zh: x}\n  ok: {hak: 你好, fr: bonjour}",
        )
    message = str(err.value)
    for fragment in ("fallback 'xx' is not a declared language", "language a: fallback chain loops",
                     "'Bad-Id'", "unknown language 'fr'", "hak has text but no romanised 'say'"):
        assert fragment in message


def test_a_valid_small_catalog_parses_texts_and_nulls():
    catalog = _catalog("  zh: {name: M, dialect: mandarin, voice: cmn}\n  za: {name: Z, dialect: zhuang}",
                       "  welcome: {about: hi, zh: ' 您好 ', za: null}")
    assert catalog.prompts["welcome"].text("zh").text == "您好"
    assert catalog.synthesis_input("za", "welcome") is None
    assert catalog.prompts["welcome"].about == "hi"


# espeak-ng's Mandarin reads these polyphones wrongly in the contexts prompts use them:
# 重 in 重听/重新/重复 as zhòng (not chóng), 处于 as chù, 为 after a noun ("余额为") as wèi.
MANDARIN_TRAPS = re.compile(r"重|处于|(额|份|数|约)为")


def test_mandarin_voice_texts_avoid_misread_polyphones(catalog):
    for code, lang in catalog.languages.items():
        if lang.voice and lang.voice.startswith("cmn"):
            trapped = [pid for pid in catalog.prompts
                       if MANDARIN_TRAPS.search(catalog.synthesis_input(code, pid) or "")]
            assert trapped == [], code


def test_sentences_in_zhuang_are_drafts_marked_for_a_native_speaker_s_review(catalog):
    """Zhuang has no voice: its texts are what a speaker will record. A sentence written by
    someone who is not a native speaker says so (`review`) until one has checked it."""
    sentences = {pid: p.text("za") for pid, p in catalog.prompts.items()
                 if p.text("za").text and " " in p.text("za").text.strip(" .") and not pid.startswith("digits/")}
    assert {"callback_offer_no_agents", "hold_too_long_no_agents", "call_recorded"} <= set(sentences)
    assert [pid for pid, text in sentences.items() if not text.review] == []
    for pid in ("callback_offer_no_agents", "hold_too_long_no_agents", "call_recorded"):
        prompt = catalog.prompts[pid]
        assert all(prompt.text(code).text for code in LANGUAGES), pid  # every language has its text
