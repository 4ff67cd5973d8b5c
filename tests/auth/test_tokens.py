"""The token store and `ivrctl token`: tokens stored only as hashes, shown once."""
from __future__ import annotations

import stat

import pytest
from click.testing import CliRunner

from hotline.auth import TokenStore, hash_token
from hotline.cli import main


def test_tokens_are_stored_hashed_and_authenticate(tmp_path):
    store = TokenStore(tmp_path / "tokens.json")
    secret, alice = store.create("ops", name="alice")
    agent_secret, agent = store.create("agent", agent_id="a1001")
    on_disk = store.path.read_text()
    assert secret not in on_disk and agent_secret not in on_disk
    assert hash_token(secret) in on_disk
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert store.authenticate(secret) == alice and alice.role == "ops"
    assert TokenStore(store.path).authenticate(agent_secret).agent_id == "a1001"  # a fresh reader agrees
    assert store.authenticate(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert store.authenticate("Bearer " + secret) is None
    assert store.revoke(alice.id) and store.authenticate(secret) is None
    assert [p.name for p in store.principals()] == [agent.name]


@pytest.mark.parametrize(("role", "agent_id", "words"), [
    ("agent", None, "needs the agent id"), ("ops", "a1", "only agent tokens"), ("root", None, "unknown role")])
def test_tokens_that_make_no_sense_are_refused(tmp_path, role, agent_id, words):
    with pytest.raises(ValueError, match=words):
        TokenStore(tmp_path / "tokens.json").create(role, agent_id=agent_id)


def test_cli_prints_the_token_once_and_lists_without_it(tmp_path):
    # tokens live in the site's var directory, wherever HOTLINE_VAR_DIR puts it
    env = {"HOTLINE_VAR_DIR": str(tmp_path)}
    made = CliRunner(env=env).invoke(main, ["token", "create", "--role", "agent", "--agent", "a1001", "--name", "Wei"])
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip()
    assert secret.startswith("h12333_") and len(secret) > 40
    assert "shown only now" in made.stderr
    principal = TokenStore(tmp_path / "tokens.json").authenticate(secret)
    assert (principal.name, principal.role, principal.agent_id) == ("Wei", "agent", "a1001")
    listed = CliRunner(env=env).invoke(main, ["token", "list"])
    assert "Wei" in listed.stdout and "a1001" in listed.stdout and secret not in listed.stdout
    refused = CliRunner(env=env).invoke(main, ["token", "create", "--role", "agent"])
    assert refused.exit_code == 1 and "needs the agent id" in refused.stderr


def test_cli_makes_a_supervisor_token(tmp_path):
    env = {"HOTLINE_VAR_DIR": str(tmp_path)}
    made = CliRunner(env=env).invoke(main, ["token", "create", "--role", "supervisor", "--name", "Lan"])
    assert made.exit_code == 0, made.output
    principal = TokenStore(tmp_path / "tokens.json").authenticate(made.stdout.strip())
    assert (principal.name, principal.role, principal.agent_id) == ("Lan", "supervisor", None)
