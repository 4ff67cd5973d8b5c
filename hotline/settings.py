"""How the service finds Asterisk and where it listens, from HOTLINE_* environment variables.

The default is the embedded set-up `make run` starts: the project's own sandbox Asterisk.
For a production Asterisk 22 set HOTLINE_ASTERISK_MODE=external and the AMI variables
(see README, "Production").
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from ivr.ami import AmiSettings

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOTLINE_", extra="ignore")

    asterisk_mode: Literal["sandbox", "external"] = "sandbox"
    asterisk_root: Path = Path.home() / ".cache/hotline12333/asterisk-root"  # sandbox mode

    # external mode: the production Asterisk's AMI (a user with read all and write
    # system,call,agent,user,originate,command,reporting,dialplan)
    ami_host: str = "127.0.0.1"
    ami_port: int = 5038
    ami_username: str = "hotline"
    ami_secret: SecretStr = SecretStr("")
    ami_action_timeout: float = 5.0

    # our FastAGI server; Asterisk's dialplan global HOTLINE_AGI must point here
    agi_host: str = "127.0.0.1"
    agi_port: int = 4573  # 0: any free port (sandbox mode tells the sandbox which)
    agi_read_timeout: float = 10.0

    # AudioSocket server for speech navigation; advertise = host:port Asterisk connects to
    speech_host: str = "127.0.0.1"
    speech_port: int = 0
    speech_advertise: str | None = None

    http_host: str = "127.0.0.1"
    http_port: int = 8000

    # external mode: Asterisk's spool monitor/messages as this host sees it (shared storage)
    messages_dir: Path | None = None

    config_path: Path = PROJECT_ROOT / "config" / "hotline.yaml"
    prompts_dir: Path = PROJECT_ROOT / "prompts"

    def external_ami(self) -> AmiSettings:
        return AmiSettings(
            host=self.ami_host,
            port=self.ami_port,
            username=self.ami_username,
            secret=self.ami_secret.get_secret_value(),
            action_timeout=self.ami_action_timeout,
        )
