"""Per-language status rows, progress and the recording walk, on a small catalog."""
from __future__ import annotations

from ivr.prompts import parse_catalog
from ivr.prompts.plan import Kind, Recording, resolve_targets
from ivr.prompts.progress import progress, prompt_rows, row_by_number, to_record

CATALOG = parse_catalog({
    "languages": {
        "zh": {"name": "Mandarin", "dialect": "mandarin", "voice": "cmn"},
        "zh_yue": {"name": "Cantonese", "dialect": "cantonese", "voice": "yue"},
        "za": {"name": "Zhuang", "dialect": "zhuang", "voice": None, "fallback": ["zh"]},
    },
    "prompts": {
        "welcome": {"zh": "您好", "zh_yue": "你好"},
        "goodbye": {"zh": "再见", "zh_yue": "再见", "za": "caiq raen"},
        "agent_notice": {"audience": "agent", "zh": "回拨"},
        "yuan": {"zh": "元", "zh_yue": "元", "za": "maenz"},
    },
})


def rows(language, recorded=()):
    recordings = {(language, p): Recording(f"/r/{p}.wav", p) for p in recorded}
    return prompt_rows(CATALOG, resolve_targets(CATALOG, recordings), language)


def test_rows_number_prompts_by_catalog_position_and_skip_agent_prompts_elsewhere():
    za = rows("za")
    assert [(r.number, r.prompt_id) for r in za] == [(1, "welcome"), (2, "goodbye"), (4, "yuan")]
    assert [r.number for r in rows("zh")] == [1, 2, 3, 4]
    goodbye = za[1]
    assert (goodbye.text, goodbye.reference, goodbye.status) == ("caiq raen", "再见", "fallback to zh")
    assert za[0].text is None  # Zhuang has no written welcome yet: translate first


def test_status_words():
    za = rows("za", recorded=["yuan"])
    assert [r.status for r in za] == ["fallback to zh", "fallback to zh", "recorded"]
    assert {r.status for r in rows("zh_yue")} == {"synthesised"}


def test_progress_counts_recordings_and_names_what_falls_back():
    za = progress(CATALOG, rows("za", recorded=["yuan"]), "za")
    assert za.sentence() == "Zhuang: 1 of 3 recorded"
    assert (za.recorded, za.own_language, za.total) == (1, 1, 3)
    assert za.falling_back == ("welcome", "goodbye")
    yue = progress(CATALOG, rows("zh_yue", recorded=["goodbye"]), "zh_yue")
    assert (yue.recorded, yue.own_language, yue.falling_back) == (1, 3, ())


def test_the_walk_takes_borrowed_prompts_first_and_skips_recorded_and_awaiting_ones():
    assert [r.prompt_id for r in to_record(rows("za", recorded=["yuan"]))] == ["welcome", "goodbye"]
    assert [r.prompt_id for r in to_record(rows("za"), awaiting={"welcome"})] == ["goodbye", "yuan"]
    yue = rows("zh_yue", recorded=["goodbye"])
    assert [r.prompt_id for r in to_record(yue)] == ["welcome", "yuan"]
    assert all(r.kind is Kind.SYNTHESISED for r in to_record(yue))


def test_a_prompt_by_number():
    za = rows("za")
    assert row_by_number(za, 2).prompt_id == "goodbye"
    assert row_by_number(za, 3) is None  # an agent prompt: not recorded in Zhuang
    assert row_by_number(za, 99) is None
