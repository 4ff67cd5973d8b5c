"""Where the hashed tokens are kept: HOTLINE_TOKENS_FILE (default var/tokens.json)."""
from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class AuthSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOTLINE_", extra="ignore")

    tokens_file: Path = PROJECT_ROOT / "var" / "tokens.json"
