"""The `prompts` click group as ivrctl will run it."""
from __future__ import annotations

from click.testing import CliRunner

from ivr.prompts.cli import prompts

from .measure import make_tone


def test_build_prints_the_table_and_rebuilds_nothing_the_second_time(small, tmp_path):
    catalog, recordings, out = small
    music = tmp_path / "music"
    music.mkdir()
    make_tone(music / "track.wav", seconds=1.0)
    args = ["build", "--catalog", str(catalog), "--recordings", str(recordings), "--out", str(out),
            "--moh-source", str(music)]
    first = CliRunner().invoke(prompts, args)
    assert first.exit_code == 0, first.output
    rows = {line.split()[0]: line.split()[1:] for line in first.output.splitlines()
            if line.split() and line.split()[0] in ("zh", "zh_yue", "za")}
    # columns: recorded synthesised fallback missing rebuilt
    assert rows == {"zh": ["0", "3", "0", "0", "3"], "zh_yue": ["0", "3", "0", "0", "3"],
                    "za": ["0", "0", "3", "0", "3"]}
    assert "za: 3 prompt(s) use the zh fallback" in first.output
    assert (out / "moh/hotline12333/track.ulaw").exists()

    second = CliRunner().invoke(prompts, args)
    assert second.exit_code == 0 and "0 rebuilt" in second.output


def test_build_fails_listing_missing_prompts(small):
    catalog, recordings, out = small
    catalog.write_text(catalog.read_text().replace("zh_yue: 再见。", "zh_yue: null"), encoding="utf-8")
    result = CliRunner().invoke(prompts, ["build", "--catalog", str(catalog), "--recordings", str(recordings),
                                          "--out", str(out), "--no-moh"])
    assert result.exit_code == 1
    assert "zh_yue/goodbye" in result.output and "missing" in result.output


def test_moh_conf_prints_the_section():
    result = CliRunner().invoke(prompts, ["moh-conf"])
    assert result.output == "[hotline12333]\nmode=files\ndirectory=moh/hotline12333\nsort=random\n"
    result = CliRunner().invoke(prompts, ["moh-conf", "--directory", "/srv/moh/x"])
    assert "directory=/srv/moh/x\n" in result.output


def test_todo_lists_what_a_language_still_borrows(small):
    catalog, recordings, _ = small
    (recordings / "za").mkdir()
    make_tone(recordings / "za" / "goodbye.wav", seconds=0.6)
    result = CliRunner().invoke(prompts, ["todo", "za", "--catalog", str(catalog), "--recordings", str(recordings)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["za/welcome\t(translate) 您好，欢迎致电。", "za/yuan\tmaenz"]
    assert CliRunner().invoke(prompts, ["todo", "fr", "--catalog", str(catalog)]).exit_code == 2


def test_todo_shows_who_must_review_a_draft_text(small):
    catalog, recordings, _ = small
    catalog.write_text(catalog.read_text().replace(
        "welcome: {zh: 您好，欢迎致电。, zh_yue: 你好，欢迎致电。}",
        "welcome: {zh: 您好，欢迎致电。, zh_yue: 你好，欢迎致电。, za: {text: Mwngz ndei., review: native speaker}}"),
        encoding="utf-8")
    result = CliRunner().invoke(prompts, ["todo", "za", "--catalog", str(catalog), "--recordings", str(recordings)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "za/welcome\tMwngz ndei.\t(review: native speaker)"


def test_build_reports_a_duplicate_recording_and_absent_music(small, tmp_path):
    catalog, recordings, out = small
    base = ["build", "--catalog", str(catalog), "--recordings", str(recordings), "--out", str(out)]
    no_music = CliRunner().invoke(prompts, base + ["--moh-source", str(tmp_path / "nothing")])
    assert no_music.exit_code == 1 and "--no-moh" in no_music.output
    (recordings / "zh").mkdir()
    make_tone(recordings / "zh" / "welcome.wav", seconds=0.5)
    make_tone(recordings / "zh" / "welcome.flac", seconds=0.5)
    duplicate = CliRunner().invoke(prompts, base + ["--no-moh"])
    assert duplicate.exit_code == 1 and "two recordings for zh/welcome" in duplicate.output
