"""Provenance in the build: per language, what callers hear in their own language and what still
falls back; written beside the manifest for /health, printed by `ivrctl prompts build` and
`ivrctl prompts status`."""
from __future__ import annotations

from click.testing import CliRunner

from hotline.cli import main
from hotline.service import Health
from ivr.prompts import build_prompts
from ivr.prompts.build import read_provenance
from ivr.prompts.cli import prompts

from .measure import make_tone


def test_the_build_says_what_each_language_hears_in_its_own_language(small):
    catalog, recordings, out = small
    assert read_provenance(out) is None  # before the first build
    (recordings / "za").mkdir()
    make_tone(recordings / "za" / "welcome.wav", seconds=1.0)
    report = build_prompts(catalog, recordings, out)
    za = next(p for p in report.provenance if p.language == "za")
    assert (za.own_language, za.recorded, za.total, za.falling_back) == (1, 1, 3, ("goodbye", "yuan"))
    assert read_provenance(out)["za"] == {"name": "Zhuang", "own_language": 1, "recorded": 1, "total": 3,
                                          "falling_back": ["goodbye", "yuan"]}
    assert read_provenance(out)["zh_yue"]["falling_back"] == []


def test_build_and_status_print_it(small, tmp_path):
    catalog, recordings, out = small
    built = CliRunner().invoke(prompts, ["build", "--catalog", str(catalog), "--recordings", str(recordings),
                                         "--out", str(out), "--no-moh"])
    assert built.exit_code == 0, built.output
    assert "Zhuang: callers hear 0 of 3 prompts in Zhuang (0 recorded); 3 fall back: welcome, goodbye, yuan" in built.output
    assert "Cantonese: callers hear 3 of 3 prompts in Cantonese (0 recorded)\n" in built.output
    env = {"HOTLINE_PROMPTS_DIR": str(catalog.parent), "HOTLINE_VAR_DIR": str(tmp_path / "var")}
    (catalog.parent / "build").symlink_to(out)
    status = CliRunner(env=env).invoke(main, ["prompts", "status"])
    assert status.exit_code == 0, status.output
    assert "Zhuang: 0 of 3 recorded; callers hear 0 in Zhuang, 3 fall back; 0 take(s) awaiting review" in status.output
    one = CliRunner(env=env).invoke(main, ["prompts", "status", "za"])
    assert one.exit_code == 0 and "   1  welcome" in one.output and "fallback to zh" in one.output
    wrong = CliRunner(env=env).invoke(main, ["prompts", "status", "xx"])
    assert wrong.exit_code == 2 and "not one of zh, zh_yue, za" in wrong.output and "Traceback" not in wrong.output


def test_health_reports_it_per_language():
    health = Health(True, "connected", 0, "22", True, 0, True,
                    prompts={"za": {"own_language": 2, "recorded": 2, "total": 81, "falling_back": ["x"] * 79}})
    assert health.as_json()["prompts"] == {"za": {"own_language": 2, "recorded": 2, "total": 81, "falling_back": 79}}
    assert "prompts" not in Health(True, "connected", 0, "22", True, 0).as_json()
