"""The pure parts of a reload: what counts as loaded, which version came before, and the
order files are swapped and restored in (real files in a tmp dir, no Asterisk)."""
from __future__ import annotations

from ivr.dialplan import names, render_dialplan
from ivr.dialplan.history import Attempt, version_before
from ivr.dialplan.live_files import install, prune, read_state, restore
from ivr.dialplan.verify import dialplan_outline, entry_version, file_version, verify_loaded
from ivr.menu import parse_config
from tests.reload.configs import FAST, FAST_SWAPPED


def rendered(text: str) -> tuple[str, dict[str, str]]:
    files = render_dialplan(parse_config(text))
    return file_version(files[names.ENTRY_FILE]), files


def as_loaded(files: dict[str, str], drop_context: str = "", drop_exten: tuple[str, str] = ("", "")) -> dict:
    """What ShowDialPlan would list for these files, minus what a test drops."""
    loaded: dict = {}
    for text in files.values():
        for context, extensions in dialplan_outline(text).items():
            if context != drop_context:
                loaded[context] = {e: ["NoOp()"] for e in extensions if (context, e) != drop_exten}
    return loaded


def test_verify_names_what_is_missing_and_the_running_version():
    version, files = rendered(FAST)
    loaded = as_loaded(files)
    loaded[names.ENTRY_CONTEXT]["s"] = [f"Set(__{names.CONFIG_VERSION}={version})"]
    assert entry_version(loaded) == version
    assert verify_loaded(files, version, loaded) == []

    main = names.menu_context(version, "main")
    partial = as_loaded(files, drop_context=main, drop_exten=(names.menu_context(version, "pension"), "t"))
    partial[names.ENTRY_CONTEXT]["s"] = [f"Set(__{names.CONFIG_VERSION}=0123456789ab)"]
    assert verify_loaded(files, version, partial) == [
        f"context {main} (from {names.version_file(version)}) is not loaded",
        f"extension t of context {names.menu_context(version, 'pension')} (from {names.version_file(version)}) is not loaded",
        f"hotline-entry starts calls on version 0123456789ab, not {version}",
    ]


def test_install_restore_and_prune_keep_the_directory_consistent(tmp_path):
    old_version, old = rendered(FAST)
    new_version, new = rendered(FAST_SWAPPED)
    (tmp_path / "hotline-agent.conf").write_text("; hand-written\n")
    install(tmp_path, old)
    before = read_state(tmp_path)
    assert file_version(before.entry_text) == old_version

    install(tmp_path, new)
    assert file_version((tmp_path / names.ENTRY_FILE).read_text()) == new_version
    restore(tmp_path, before, new)
    assert read_state(tmp_path) == before  # the entry back, the new version file gone
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["hotline-agent.conf", *old])

    install(tmp_path, new)
    assert prune(tmp_path, {new_version}) == [names.version_file(old_version)]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["hotline-agent.conf", *new])


def attempt(result: str, version: str | None, previous: str | None) -> Attempt:
    return Attempt(id="x", target="dialplan", action="reload", who="t", started_at="", source="",
                   version=version, previous_version=previous, result=result)  # type: ignore[arg-type]


def test_the_version_before_comes_from_successful_attempts():
    history = [attempt("ok", "a", None), attempt("ok", "b", "a"), attempt("rolled_back", "c", "b"), attempt("refused", None, "b")]
    assert version_before(history, "b") == "a"
    assert version_before(history, "a") == "b"  # a rollback to a: "before" is where we came from
    assert version_before([attempt("ok", "a", None)], "a") is None
    assert version_before(history, "zzz") == "b"  # live version unknown to us: the last good one
