"""Callback policy: configuration and the pure rules that apply it."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

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
        re.compile(value)
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


def load_policy(path: Path) -> CallbackPolicy:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return CallbackPolicy.model_validate(data)


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
