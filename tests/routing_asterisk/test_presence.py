"""Agents' presence survives a service restart (a new router reads the file the old one wrote)."""

from pathlib import Path

from ivr.ami import AmiClient, AmiSettings
from routing import AgentState, PauseReason, Router
from routing.asterisk import AgentDesk, RouterAdapter
from routing.asterisk.presence import PresenceFile
from tests.routing_asterisk.conftest import agent, short_ladders

ROSTER = {a.id: a for a in (agent("a1", "talk1", mandarin=5), agent("a2", "talk1", mandarin=5),
                            agent("a3", "talk1", mandarin=5))}


def desk_on(path: Path) -> AgentDesk:
    # no Asterisk needed: nobody waits, so the router decides nothing to carry out
    adapter = RouterAdapter(Router(short_ladders()), AmiClient(AmiSettings("127.0.0.1", 9, "u", "p")))
    return AgentDesk(adapter, ROSTER, PresenceFile(path))


async def test_agents_come_back_as_they_were(tmp_path: Path) -> None:
    before = desk_on(tmp_path / "presence.json")
    await before.login("a1")
    await before.login("a2")
    await before.pause("a2", PauseReason.TRAINING)
    await before.login("a3")
    await before.logout("a3")

    after = desk_on(tmp_path / "presence.json")
    await after.restore()
    views = {v.agent_id: v for v in after.adapter.router.agent_views()}
    assert set(views) == {"a1", "a2"}
    assert views["a1"].state is AgentState.AVAILABLE
    assert views["a2"].state is AgentState.PAUSED and views["a2"].pause_reason is PauseReason.TRAINING


async def test_an_unreadable_file_means_agents_log_in_again(tmp_path: Path) -> None:
    (tmp_path / "presence.json").write_text("{not json")
    desk = desk_on(tmp_path / "presence.json")
    await desk.restore()
    assert desk.adapter.router.agent_views() == []
