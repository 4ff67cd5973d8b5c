"""Self-service domain: ID numbers, PINs, lockout, money reading, references, and the
backend interface the flows use to reach social-insurance records. Pure: no I/O here."""

from ivr.selfservice.audit import AuditEntry, audit_entry, mask_phone
from ivr.selfservice.backend import BackendUnavailable, CardNotReportable, SelfServiceBackend
from ivr.selfservice.id_number import (
    IdNumber,
    IdNumberProblem,
    InvalidIdNumber,
    parse_id_number,
    parse_keypad_entry,
)
from ivr.selfservice.lockout import LockoutPolicy, PinAccepted, PinLocked, PinOutcome, PinRejected
from ivr.selfservice.pin import InvalidPin, Pin, PinProblem, parse_pin
from ivr.selfservice.records import (
    AccountBalance,
    Balances,
    Card,
    CardStatus,
    InsuredPerson,
    LossReport,
    YearMonth,
)

__all__ = [
    "AccountBalance",
    "AuditEntry",
    "BackendUnavailable",
    "Balances",
    "Card",
    "CardNotReportable",
    "CardStatus",
    "IdNumber",
    "IdNumberProblem",
    "InsuredPerson",
    "InvalidIdNumber",
    "InvalidPin",
    "LockoutPolicy",
    "LossReport",
    "Pin",
    "PinAccepted",
    "PinLocked",
    "PinOutcome",
    "PinProblem",
    "PinRejected",
    "SelfServiceBackend",
    "YearMonth",
    "audit_entry",
    "mask_phone",
    "parse_id_number",
    "parse_keypad_entry",
    "parse_pin",
]
