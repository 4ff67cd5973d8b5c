"""Phone logins: a staff number and PIN acting as a token's principal; the PIN stored hashed."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from hotline.auth import TokenStore
from hotline.cli import main
from hotline.auth.phone import PhoneLogins


def test_a_login_acts_as_its_token_and_ends_with_it(tmp_path):
    tokens = TokenStore(tmp_path / "tokens.json")
    _, wei = tokens.create("recorder", name="韦丽")
    logins = PhoneLogins(tmp_path / "phone-logins.json", tokens)
    pin = logins.add(wei.id, "8001")
    assert len(pin) == 6 and pin.isdigit() and pin not in logins.path.read_text()
    assert logins.verify("8001", pin) == wei
    wrong = ("1" if pin[0] != "1" else "2") + pin[1:]
    assert logins.verify("8001", wrong) is None and logins.verify("8002", pin) is None
    tokens.revoke(wei.id)
    assert logins.verify("8001", pin) is None


def test_a_new_pin_replaces_the_old_and_numbers_stay_unique(tmp_path):
    tokens = TokenStore(tmp_path / "tokens.json")
    _, wei = tokens.create("recorder", name="韦丽")
    _, lan = tokens.create("recorder", name="蓝")
    logins = PhoneLogins(tmp_path / "phone-logins.json", tokens)
    old = logins.add(wei.id, "8001")
    new = logins.add(wei.id, "8011")
    assert logins.verify("8011", new) == wei and logins.verify("8001", old) is None
    with pytest.raises(ValueError, match="belongs to another login"):
        logins.add(lan.id, "8011")
    for bad in ("80", "8001x", "123456789"):
        with pytest.raises(ValueError, match="4-8 digits"):
            logins.add(lan.id, bad)
    with pytest.raises(ValueError, match="no token"):
        logins.add("nope", "8003")


def test_cli_prints_the_pin_once(tmp_path):
    env = {"HOTLINE_VAR_DIR": str(tmp_path)}
    _, wei = TokenStore(tmp_path / "tokens.json").create("recorder", name="韦丽")
    made = CliRunner(env=env).invoke(main, ["token", "phone", wei.id, "8001"])
    assert made.exit_code == 0, made.output
    pin = made.stdout.strip()
    assert PhoneLogins(tmp_path / "phone-logins.json", TokenStore(tmp_path / "tokens.json")).verify("8001", pin) == wei
    refused = CliRunner(env=env).invoke(main, ["token", "phone", "nope", "8001"])
    assert refused.exit_code == 1 and refused.stderr.strip() == "not set: no token with id nope"


def test_wrong_pins_in_a_row_lock_the_number_for_a_while(tmp_path):
    from datetime import UTC, datetime, timedelta

    from hotline.auth.phone import LOCK_MINUTES, MAX_FAILURES

    now = [datetime(2026, 12, 3, 9, 0, tzinfo=UTC)]
    tokens = TokenStore(tmp_path / "tokens.json")
    _, wei = tokens.create("recorder", name="韦丽")
    logins = PhoneLogins(tmp_path / "phone-logins.json", tokens, clock=lambda: now[0])
    pin = logins.add(wei.id, "8001")
    wrong = ("1" if pin[0] != "1" else "2") + pin[1:]
    for _ in range(MAX_FAILURES - 1):
        assert logins.verify("8001", wrong) is None
    assert logins.verify("8001", pin) == wei  # a right PIN clears the count
    for _ in range(MAX_FAILURES):
        assert logins.verify("8001", wrong) is None
    assert logins.locked("8001") and logins.verify("8001", pin) is None  # even the right PIN
    now[0] += timedelta(minutes=LOCK_MINUTES + 1)
    assert not logins.locked("8001") and logins.verify("8001", pin) == wei
