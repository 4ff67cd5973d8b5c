"""`ivrctl token create | list | revoke`: API bearer tokens (the token is shown once)."""
from __future__ import annotations

import json

import sys

import click

from hotline.auth.phone import PhoneLogins, phone_logins_file
from hotline.auth.tokens import ROLES, TokenStore
from hotline.settings import Settings


def _store() -> TokenStore:
    settings: Settings = click.get_current_context().find_root().obj
    return TokenStore(settings.tokens_file)


@click.group("token")
def token() -> None:
    """API bearer tokens: viewer (read), agent (its own state), ops (reloads, administration),
    recorder (records and reviews voice prompts)."""


@token.command("create")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--agent", "agent_id", default=None, help="Agent id an agent token acts for (required for --role agent).")
@click.option("--name", default=None, help="Who holds it; shown in histories (e.g. a reload's 'who').")
def create(role: str, agent_id: str | None, name: str | None) -> None:
    """Create a token and print it once: it is stored only as a hash."""
    try:
        secret, principal = _store().create(role, name=name, agent_id=agent_id)
    except ValueError as error:
        click.echo(f"not created: {error}", err=True)
        sys.exit(1)
    bound = f", agent {principal.agent_id}" if principal.agent_id else ""
    click.echo(f"created token {principal.id} for {principal.name} ({principal.role}{bound}); it is shown only now:", err=True)
    click.echo(secret)


@token.command("list")
@click.option("--json", "as_json", is_flag=True, help="print them as JSON")
def list_tokens(as_json: bool) -> None:
    """Tokens by id, name and role (never the token itself)."""
    principals = _store().principals()
    if as_json:
        click.echo(json.dumps([{"id": p.id, "role": p.role, "agent_id": p.agent_id, "created_at": str(p.created_at),
                                "name": p.name} for p in principals], ensure_ascii=False, indent=2))
        return
    for p in principals:
        click.echo(f"{p.id}  {p.role:6}  {p.agent_id or '-':10}  {p.created_at}  {p.name}")


@token.command("revoke")
@click.argument("token_id")
def revoke(token_id: str) -> None:
    """Revoke the token with this id (see `token list`)."""
    if not _store().revoke(token_id):
        click.echo(f"no token with id {token_id}", err=True)
        sys.exit(1)
    click.echo(f"revoked {token_id}", err=True)


@token.command("phone")
@click.argument("token_id")
@click.argument("number")
def phone(token_id: str, number: str) -> None:
    """Give token TOKEN_ID a phone login: staff NUMBER and a new six-digit PIN, printed once.
    A recorder token's login reaches the prompt-recording line (README: recording prompts)."""
    store = _store()
    try:
        pin = PhoneLogins(phone_logins_file(store.path), store).add(token_id, number)
    except ValueError as error:
        click.echo(f"not set: {error}", err=True)
        sys.exit(1)
    click.echo(f"staff number {number} for token {token_id}; its PIN is shown only now:", err=True)
    click.echo(pin)
