import stat

import pytest
from pydantic import SecretStr

from hotline.db.settings import ConfigurationError, DatabaseSettings
from hotline.settings import Settings


def test_defaults_are_the_embedded_database_and_the_hotline_lockout(tmp_path):
    settings = Settings.from_env({"HOTLINE_VAR_DIR": str(tmp_path)}).database()
    assert settings.resolved_url() == f"sqlite:///{tmp_path}/hotline.db"
    policy = settings.lockout_policy()
    assert (policy.max_failures, policy.window.total_seconds()) == (3, 24 * 3600)


def test_environment_overrides():
    settings = Settings.from_env({"HOTLINE_DATABASE_URL": "postgresql://postgres@127.0.0.1/hotline",
                                  "HOTLINE_ID_HASH_KEY": "ab" * 32, "HOTLINE_PIN_MAX_FAILURES": "5",
                                  "HOTLINE_PIN_LOCK_HOURS": "2"}).database()
    assert settings.id_key() == bytes.fromhex("ab" * 32)
    assert settings.lockout_policy().max_failures == 5
    assert settings.lockout_policy().lock_duration.total_seconds() == 7200
    assert "ab" * 32 not in repr(settings)  # the key is a SecretStr


def test_server_database_without_key_is_refused(tmp_path):
    settings = DatabaseSettings(database_url="postgresql://postgres@127.0.0.1/hotline", var_dir=tmp_path)
    with pytest.raises(ConfigurationError):
        settings.id_key()


@pytest.mark.parametrize("key", ["zz" * 32, "ab" * 8])
def test_bad_keys_are_refused(key, tmp_path):
    with pytest.raises(ConfigurationError):
        DatabaseSettings(database_url="sqlite://", var_dir=tmp_path, id_hash_key=SecretStr(key)).id_key()


def test_embedded_database_gets_a_private_per_install_demo_key(tmp_path):
    settings = DatabaseSettings(database_url=None, var_dir=tmp_path)
    key = settings.id_key()
    path = tmp_path / "id-hash-demo.key"
    assert len(key) == 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "DEMO" in path.read_text()
    assert DatabaseSettings(database_url=None, var_dir=tmp_path).id_key() == key
    assert DatabaseSettings(database_url=None, var_dir=tmp_path / "other").id_key() != key


def test_the_pin_key_is_kept_like_the_id_key_but_apart(tmp_path):
    embedded = DatabaseSettings(database_url=f"sqlite:///{tmp_path}/h.db", var_dir=tmp_path)
    assert embedded.pin_key() != embedded.id_key()
    assert stat.S_IMODE((tmp_path / "pin-hash-demo.key").stat().st_mode) == 0o600
    server = DatabaseSettings(database_url="postgresql://postgres@127.0.0.1/hotline", var_dir=tmp_path,
                              id_hash_key=SecretStr("ab" * 32))
    with pytest.raises(ConfigurationError, match="HOTLINE_PIN_HASH_KEY must be set"):
        server.pin_key()
    from_env = Settings.from_env({"HOTLINE_DATABASE_URL": "postgresql://x@h/d", "HOTLINE_PIN_HASH_KEY": "cd" * 32})
    assert from_env.database().pin_key() == bytes.fromhex("cd" * 32)
    with pytest.raises(ConfigurationError, match="HOTLINE_PIN_HASH_KEY must be hex"):
        DatabaseSettings(database_url="sqlite://", var_dir=tmp_path, pin_hash_key=SecretStr("zz" * 32)).pin_key()
