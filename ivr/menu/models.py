"""Typed models of config/hotline.yaml: the hotline's lines, business lines and menu tree.

The models hold the shape only (fields, types, one-of rules). Whether names point at
things that exist, whether a menu can be reached, and whether values are in range are
checked in `ivr.menu.validate`, which can report every problem at once with a line.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from ivr.menu.positions import SourceMap


class _Strict(BaseModel):
    # Unknown fields are refused: a misspelt `timout_s` must not be ignored quietly.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(_Strict):
    """A whole file's model: it keeps where each key was written, for checks after typing."""

    _source: SourceMap = PrivateAttr(default_factory=SourceMap)

    @property
    def source(self) -> SourceMap:
        """Where each key was written (empty for configs built in code)."""
        return self._source


class Dialect(_Strict):
    name: str  # shown in comments and docs only
    language: str  # Asterisk language code; `zh*` makes SayNumber use Chinese rules


class BusinessLine(_Strict):
    name: str


class GlobalKeys(_Strict):
    """Keys that mean the same thing in every menu, so callers learn them once."""

    agent: str = "0"
    back: str = "*"
    repeat: str = "#"


class Defaults(_Strict):
    timeout_s: int = 5  # silence after the prompt before it counts as no input
    retries: int = 2  # replays after an invalid key; the next one goes to an agent
    # Replays after silence; the next silence goes to an agent. Kept apart from `retries`:
    # many elderly callers wait in silence for a person, and a long menu heard three times
    # kept them over two minutes.
    silence_replays: int = 1
    business: str  # queue for a caller who asks for an agent before choosing a business line
    invalid_key_prompt: str = "invalid_key"
    no_input_prompt: str = "no_input"
    silence_to_agent_prompt: str = "transfer_agent"  # "putting you through to an agent"


class SelfServiceFlow(_Strict):
    agi: str  # script name served by the FastAGI server at ${HOTLINE_AGI}


class LadderStepSpec(_Strict):
    """One step of a requirement ladder: from `after` seconds of waiting, agents meeting
    `require` (e.g. "zhuang>=4, {business}>=3"; {business} is the caller's business line,
    {dialect} their dialect) may take the call."""

    after: float = Field(ge=0)
    require: str = ""
    announce: str | None = None  # prompt id played to the caller on reaching the step
    offer_callback: bool = False


class Routing(_Strict):
    """The call router's vocabulary (its skills) and policy: ladders per dialect (the same for
    every business line, through {business}) with optional exact "dialect/business" ladders,
    wrap-up seconds per business line and the priority bonuses."""

    dialects: list[str]
    business_lines: list[str]
    ladders: dict[str, list[LadderStepSpec]] = Field(default_factory=dict)
    wrap_up_s: dict[str, float] = Field(default_factory=dict)
    default_wrap_up_s: float = Field(30, ge=0)
    elderly_bonus_s: float = Field(60, ge=0)  # extra effective wait for a caller 60 or older
    repeat_bonus_s: float = Field(30, ge=0)  # for a caller already on this line today
    max_bonus_s: float = Field(120, ge=0)


class Entry(_Strict):
    numbers: list[str] = Field(default_factory=lambda: ["12333"])
    start: str  # first menu (announcement) every caller hears

    @field_validator("numbers", mode="before")
    @classmethod
    def _numbers_as_text(cls, value: object) -> object:
        # `numbers: [12333]` unquoted is an integer to YAML; a dialled number is text.
        if isinstance(value, list):
            return [str(item) if isinstance(item, int) and not isinstance(item, bool) else item for item in value]
        return value


class Action(_Strict):
    """What a key (or silence) does: exactly one of goto, agent, self_service."""

    goto: str | None = None  # another menu
    agent: bool = False  # the agent queue for (caller's dialect, this menu's business line)
    self_service: str | None = None  # a named self-service flow
    dialect: str | None = None  # switch the caller's line (language) first

    @model_validator(mode="after")
    def _exactly_one_target(self) -> Action:
        chosen = [name for name in ("goto", "self_service") if getattr(self, name)]
        if self.agent:
            chosen.append("agent")
        if len(chosen) != 1:
            raise ValueError(
                "give exactly one of goto: <menu>, agent: true, self_service: <flow>"
                f" (found {', '.join(chosen) or 'none'})"
            )
        return self

    @property
    def kind(self) -> str:
        return "goto" if self.goto else "self_service" if self.self_service else "agent"


class Menu(_Strict):
    title: str
    prompt: str
    business: str | None = None  # sets the caller's business line while in this menu
    keys: dict[str, Action] = Field(default_factory=dict)
    next: Action | None = None  # makes the menu an announcement: where the caller goes after it
    on_timeout: Action | None = None  # silence does this instead of replaying the menu
    back: str | None = None  # where * leads, when more than one menu leads here
    timeout_s: int | None = None
    retries: int | None = None
    silence_replays: int | None = None

    @field_validator("keys", mode="before")
    @classmethod
    def _keys_as_text(cls, value: object) -> object:
        # `1:` in YAML is an integer; a key on the keypad is a character. `keys:` left
        # empty means no keys of the menu's own.
        if value is None:
            return {}
        if isinstance(value, dict):
            return {str(key): action for key, action in value.items()}
        return value

    @property
    def is_announcement(self) -> bool:
        return self.next is not None


class HotlineConfig(Sourced):
    version: int = 1
    name: str
    default_dialect: str
    dialects: dict[str, Dialect]
    business_lines: dict[str, BusinessLine]
    global_keys: GlobalKeys = Field(default_factory=GlobalKeys)
    defaults: Defaults
    self_service: dict[str, SelfServiceFlow] = Field(default_factory=dict)
    routing: Routing
    entry: Entry
    menus: dict[str, Menu]
    speech: SpeechConfig | None = None  # spoken navigation (ivr/menu/speech.py)

    _graph_cache: dict[str, Any] = PrivateAttr(default_factory=dict)  # ivr.menu.graph's derived maps

    @property
    def graph_cache(self) -> dict[str, Any]:
        return self._graph_cache

    def timeout_of(self, menu: Menu) -> int:
        return menu.timeout_s if menu.timeout_s is not None else self.defaults.timeout_s

    def retries_of(self, menu: Menu) -> int:
        return menu.retries if menu.retries is not None else self.defaults.retries

    def silence_replays_of(self, menu: Menu) -> int:
        return menu.silence_replays if menu.silence_replays is not None else self.defaults.silence_replays


# Last, because the speech section's intents are built from Action above.
from ivr.menu.speech import SpeechConfig  # noqa: E402

HotlineConfig.model_rebuild()
