"""Each broken config is refused with its precise message; ShowDialPlan proves the live
dialplan did not change. Refused before anything is written, so the shared sandbox serves."""
from __future__ import annotations

import pytest

from ivr.dialplan.history import History
from ivr.dialplan.reload import reload
from tests.support.site import reload_settings
from tests.reload.conftest import files_of, listing
from tests.reload.configs import BROKEN, CATALOG, write


@pytest.mark.parametrize("case", sorted(BROKEN))
async def test_broken_config_is_refused_and_the_live_dialplan_stays(case, sandbox, ami, tmp_path):
    text, _code, line, words = BROKEN[case]
    config = write(tmp_path, text)
    settings = reload_settings(tmp_path / "var", dialplan_live_dir=sandbox.dialplan_dir,
                              asterisk_root=sandbox.root, catalog_path=CATALOG)
    loaded_before, files_before = await listing(ami), files_of(sandbox.dialplan_dir)

    attempt = await reload(ami, settings, config_path=config, who="test")

    assert attempt.result == "refused"
    assert any(message.startswith(f"{config}:{line}: ") and words in message and "Fix: " in message
               for message in attempt.messages), attempt.messages
    assert await listing(ami) == loaded_before
    assert files_of(sandbox.dialplan_dir) == files_before
    recorded = History(settings.var_dir).attempts()
    assert [(a.result, a.who, a.messages) for a in recorded] == [("refused", "test", attempt.messages)]
