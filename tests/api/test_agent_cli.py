"""`ivrctl agent` against the real service over HTTP: state changes reach the router, and the
API's refusals come back as clear errors."""

from __future__ import annotations

import asyncio

import pytest
from click.testing import CliRunner

from hotline.cli import main
from routing import AgentState, PauseReason
from tests.api.conftest import Api, served

pytestmark = pytest.mark.asterisk


async def ivrctl(url: str, token: str, *args: str):
    # the CLI blocks on HTTP; the server runs in this event loop, so the CLI runs in a thread
    return await asyncio.to_thread(CliRunner().invoke, main, ["agent", "--url", url, "--token", token, *args])


async def test_agent_commands_change_the_router(api: Api) -> None:
    async with served(api.app, api.feed) as url:
        ops = api.tokens["ops"]
        result = await ivrctl(url, ops, "login", "z1")
        assert result.exit_code == 0, result.output
        assert "z1" in result.output and "available" in result.output
        assert api.stack.router.agent_view("z1").state is AgentState.AVAILABLE
        result = await ivrctl(url, ops, "pause", "z1", "--reason", "training")
        assert result.exit_code == 0 and "paused (training)" in result.output
        view = api.stack.router.agent_view("z1")
        assert view.state is AgentState.PAUSED and view.pause_reason is PauseReason.TRAINING
        listing = await ivrctl(url, ops, "list")
        assert listing.exit_code == 0 and any(l.startswith("z1") and "paused" in l for l in listing.output.splitlines())
        assert (await ivrctl(url, ops, "unpause", "z1")).exit_code == 0
        assert (await ivrctl(url, ops, "logout", "z1")).exit_code == 0
        assert api.stack.router.agent_view("z1") is None or api.stack.router.agent_view("z1").state is AgentState.LOGGED_OUT


async def test_an_agent_token_cannot_change_another_agent(api: Api) -> None:
    async with served(api.app, api.feed) as url:
        result = await ivrctl(url, api.tokens["agent"], "login", "z2")  # the agent token is z1's
        assert result.exit_code == 1 and "403" in result.output
        assert api.stack.router.agent_view("z2") is None
        missing = await ivrctl(url, "", "list")
        assert missing.exit_code == 2 and "no token" in missing.output
