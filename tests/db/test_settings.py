import stat

import pytest

from hotline.db.settings import ConfigurationError, DatabaseSettings


def test_defaults_are_the_embedded_database_and_the_hotline_lockout(tmp_path, monkeypatch):
    monkeypatch.delenv("HOTLINE_DATABASE_URL", raising=False)
    monkeypatch.setenv("HOTLINE_VAR_DIR", str(tmp_path))
    settings = DatabaseSettings()
    assert settings.resolved_url() == f"sqlite:///{tmp_path}/hotline.db"
    policy = settings.lockout_policy()
    assert (policy.max_failures, policy.window.total_seconds()) == (3, 24 * 3600)


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("HOTLINE_DATABASE_URL", "postgresql://postgres@127.0.0.1/hotline")
    monkeypatch.setenv("HOTLINE_ID_HASH_KEY", "ab" * 32)
    monkeypatch.setenv("HOTLINE_PIN_MAX_FAILURES", "5")
    monkeypatch.setenv("HOTLINE_PIN_LOCK_HOURS", "2")
    settings = DatabaseSettings()
    assert settings.id_key() == bytes.fromhex("ab" * 32)
    assert settings.lockout_policy().max_failures == 5
    assert settings.lockout_policy().lock_duration.total_seconds() == 7200
    assert "ab" * 32 not in repr(settings)  # the key is a SecretStr


def test_server_database_without_key_is_refused(monkeypatch):
    monkeypatch.delenv("HOTLINE_ID_HASH_KEY", raising=False)
    settings = DatabaseSettings(database_url="postgresql://postgres@127.0.0.1/hotline")
    with pytest.raises(ConfigurationError):
        settings.id_key()


@pytest.mark.parametrize("key", ["zz" * 32, "ab" * 8])
def test_bad_keys_are_refused(key):
    with pytest.raises(ConfigurationError):
        DatabaseSettings(database_url="sqlite://", id_hash_key=key).id_key()


def test_embedded_database_gets_a_private_per_install_demo_key(tmp_path, monkeypatch):
    monkeypatch.delenv("HOTLINE_ID_HASH_KEY", raising=False)
    monkeypatch.delenv("HOTLINE_DATABASE_URL", raising=False)
    settings = DatabaseSettings(var_dir=tmp_path)
    key = settings.id_key()
    path = tmp_path / "id-hash-demo.key"
    assert len(key) == 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "DEMO" in path.read_text()
    assert DatabaseSettings(var_dir=tmp_path).id_key() == key
    assert DatabaseSettings(var_dir=tmp_path / "other").id_key() != key


def test_the_pin_key_is_kept_like_the_id_key_but_apart(tmp_path, monkeypatch):
    monkeypatch.delenv("HOTLINE_PIN_HASH_KEY", raising=False)
    monkeypatch.delenv("HOTLINE_ID_HASH_KEY", raising=False)
    embedded = DatabaseSettings(database_url=f"sqlite:///{tmp_path}/h.db", var_dir=tmp_path)
    assert embedded.pin_key() != embedded.id_key()
    assert stat.S_IMODE((tmp_path / "pin-hash-demo.key").stat().st_mode) == 0o600
    server = DatabaseSettings(database_url="postgresql://postgres@127.0.0.1/hotline", id_hash_key="ab" * 32)
    with pytest.raises(ConfigurationError, match="HOTLINE_PIN_HASH_KEY must be set"):
        server.pin_key()
    monkeypatch.setenv("HOTLINE_PIN_HASH_KEY", "cd" * 32)
    assert DatabaseSettings(database_url="postgresql://x@h/d").pin_key() == bytes.fromhex("cd" * 32)
    with pytest.raises(ConfigurationError, match="HOTLINE_PIN_HASH_KEY must be hex"):
        DatabaseSettings(database_url="sqlite://", pin_hash_key="zz" * 32).pin_key()
