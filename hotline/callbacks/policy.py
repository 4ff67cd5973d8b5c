"""Callback policy: configuration and the pure rules that apply it."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from ivr.menu.limits import ReadLimits, read_config_text
from ivr.menu.loader import parse_model
from ivr.menu.positions import SourceMap
from hotline.records.callbacks import CallbackStatus, CallbackTask

MAX_NUMBER_DIGITS = 12  # a landline with its area code: 0 + up to 11 digits


class CallbackPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    offer_at_estimated_wait_s: float = Field(180, ge=0)
    offer_when_no_agent_s: float = Field(60, ge=0)
    max_hold_s: float = Field(1200, gt=0)
    number_pattern: str = r"^(1[3-9][0-9]{9}|0[1-9][0-9]{9,10})$"
    dial: str = "PJSIP/{number}@pstn"
    ring_s: float = Field(30, gt=0)
    retry_delay_s: float = Field(300, ge=0)
    max_attempts: int = Field(3, ge=1)
    offer_key_ms: int = Field(6000, gt=0)  # silence after the offer counts as "keep waiting"
    number_tries: int = Field(3, ge=1)  # numbers keyed that are invalid or not confirmed

    @field_validator("number_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"not a regular expression: {error}") from None
        return value

    @field_validator("dial")
    @classmethod
    def _has_number(cls, value: str) -> str:
        if "{number}" not in value or "," in value:
            raise ValueError("dial must contain {number} and no comma (it is one Dial() argument)")
        return value

    def valid_number(self, digits: str | None) -> bool:
        return bool(digits) and re.fullmatch(self.number_pattern, digits or "") is not None

    def dial_string(self, number: str) -> str:
        if not number.isdigit():
            raise ValueError("a callback number is digits only")
        return self.dial.replace("{number}", number)


class CallbackPolicyFile(CallbackPolicy):
    """callbacks.yaml as read: the policy with the lines its keys were written on."""

    _source: SourceMap = PrivateAttr(default_factory=SourceMap)

    @property
    def source(self) -> SourceMap:
        return self._source


def parse_policy(text: str, file: str = "callbacks.yaml", limits: ReadLimits | None = None) -> CallbackPolicy:
    """Through the one strict configuration layer: a typo is `file:line: key: unknown field ...
    did you mean`, never a pydantic traceback; a duplicate key is refused, not last-wins."""
    return parse_model(text, file, CallbackPolicyFile, "config/callbacks.yaml", limits)


def load_policy(path: Path, limits: ReadLimits | None = None) -> CallbackPolicy:
    return parse_policy(read_config_text(path, limits), str(path), limits)


class HoldChoice(StrEnum):
    NOTHING = "nothing"
    OFFER = "offer"  # "press 1 to keep your place and be called back"
    LAST_OFFER = "last_offer"  # the longest hold is reached: the offer once more, else a message
    MESSAGE = "message"  # the longest hold is reached and callbacks are off: a message


def hold_choice(policy: CallbackPolicy, *, waited_s: float, estimated_wait_s: float | None,
                step_says_offer: bool, offered_before: bool) -> HoldChoice:
    """What a waiting caller is offered at this hold announcement.

    `estimated_wait_s` None: no logged-in agent could take the call (then `waited_s` counts
    towards `offer_when_no_agent_s`, which is measured from the start of the wait)."""
    if waited_s >= policy.max_hold_s:
        return HoldChoice.LAST_OFFER if policy.enabled else HoldChoice.MESSAGE
    if not policy.enabled or offered_before:
        return HoldChoice.NOTHING
    if step_says_offer:
        return HoldChoice.OFFER
    if estimated_wait_s is None:
        return HoldChoice.OFFER if waited_s >= policy.offer_when_no_agent_s else HoldChoice.NOTHING
    return HoldChoice.OFFER if estimated_wait_s >= policy.offer_at_estimated_wait_s else HoldChoice.NOTHING


def after_attempt(policy: CallbackPolicy, task: CallbackTask, result: str, now: datetime) -> CallbackTask:
    """The task after one call attempt; `result` is Asterisk's DIALSTATUS (ANSWER when reached)."""
    attempts = task.attempts + 1
    if result == "ANSWER":
        return replace(task, attempts=attempts, status=CallbackStatus.DONE, outcome="answered", last_attempt_at=now)
    outcome = result.lower() or "unknown"
    if attempts >= policy.max_attempts:
        return replace(task, attempts=attempts, status=CallbackStatus.FAILED, outcome=outcome, last_attempt_at=now)
    return replace(task, attempts=attempts, status=CallbackStatus.PENDING, outcome=outcome, last_attempt_at=now,
                   due_at=now + timedelta(seconds=policy.retry_delay_s))
