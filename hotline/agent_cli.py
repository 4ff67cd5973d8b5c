"""`ivrctl agent ...`: agents' state through the running service's API (what the wallboard
and the agents' own desktops use), so the CLI never needs the router's process."""

from __future__ import annotations

import json

import sys

import click
import httpx

from hotline.settings import Settings

DEFAULT_URL = "http://127.0.0.1:8000"


def _client(ctx: click.Context) -> httpx.Client:
    url, token = ctx.obj["url"], ctx.obj["token"]
    if not token:
        raise click.UsageError("no token: pass --token or set HOTLINE_TOKEN (`ivrctl token create`)")
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=10)


def _call(ctx: click.Context, method: str, path: str, **kwargs: object) -> dict:
    try:
        with _client(ctx) as client:
            response = client.request(method, path, **kwargs)  # type: ignore[arg-type]
    except httpx.TransportError as exc:
        raise click.ClickException(f"cannot reach the hotline at {ctx.obj['url']}: {exc}") from None
    if response.status_code >= 400:
        try:
            detail = response.json().get("detail", response.text)
        except ValueError:
            detail = response.text
        message = detail.get("message", detail) if isinstance(detail, dict) else detail
        raise click.ClickException(f"{response.status_code}: {message}")
    return response.json()


@click.group("agent")
@click.option("--url", default=None, help=f"the hotline service [default: HOTLINE_API_URL, else {DEFAULT_URL}]")
@click.option("--token", default=None, help="bearer token [default: HOTLINE_TOKEN]; an agent token acts on its own agent only")
@click.pass_context
def agent(ctx: click.Context, url: str | None, token: str | None) -> None:
    """Agents: list, log in, log out, pause, unpause."""
    settings: Settings | None = ctx.find_root().obj
    url = url or (settings.api_url if settings else DEFAULT_URL)
    token = token or (settings.token.get_secret_value() if settings else "")
    ctx.obj = {"url": url.rstrip("/"), "token": token}


def _show(view: dict) -> str:
    reason = f" ({view['pause_reason']})" if view.get("pause_reason") else ""
    return f"{view['id']:<8} {view.get('name', ''):<24} {view['state']}{reason}"


@agent.command("list")
@click.option("--json", "as_json", is_flag=True, help="print the API's JSON")
@click.pass_context
def list_agents(ctx: click.Context, as_json: bool) -> None:
    """Every agent in the roster and their state."""
    views = _call(ctx, "GET", "/agents")
    if as_json:
        click.echo(json.dumps(views, ensure_ascii=False, indent=2))
        return
    for view in views:
        click.echo(_show(view))


def _action(name: str, help_text: str, **extra: click.Option) -> None:
    @click.argument("agent_id")
    @click.pass_context
    def command(ctx: click.Context, agent_id: str, **options: str) -> None:
        body = {k: v for k, v in options.items() if v is not None} or None
        click.echo(_show(_call(ctx, "POST", f"/agents/{agent_id}/{name}", json=body)))

    for option in extra.values():
        command = option(command)
    agent.command(name, help=help_text)(command)


_action("login", "Log the agent in: available for calls.")
_action("logout", "Log the agent out (not while on a call).")
_action("pause", "Pause the agent (after the current call and its wrap-up).",
        reason=click.option("--reason", type=click.Choice(["break", "training"]), default="break", show_default=True))
_action("unpause", "Make a paused agent available again.")

if __name__ == "__main__":  # pragma: no cover
    sys.exit(agent())
