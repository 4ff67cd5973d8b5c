"""The interface between the self-service flows and a social-insurance system.

The flows (identify, balance lookup, card status, card loss report) talk only to a
`SelfServiceBackend`. The project's default is the embedded database
(`hotline.db.backend.SqlBackend`); a province that keeps its records elsewhere implements this
Protocol against its own system and hands that object to the flows instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from ivr.selfservice.audit import AuditEntry
from ivr.selfservice.id_number import IdNumber
from ivr.selfservice.lockout import PinOutcome
from ivr.selfservice.pin import Pin
from ivr.selfservice.records import Balances, Card, InsuredPerson, LossReport


class BackendUnavailable(Exception):
    """The backend could not answer (database down, timeout, remote system error).

    The only exception a flow needs to catch from a backend: it plays an apology and routes
    the caller to an agent for that business line. Its message never contains caller data.
    """


class CardNotReportable(Exception):
    """A loss report for a card that is neither active nor already phone-reported lost
    (e.g. cancelled without a phone report); the flow sends the caller to an agent."""


@runtime_checkable
class SelfServiceBackend(Protocol):
    """What a province implements so the 12333 self-service flows reach its records.

    Contract for implementers:

    - Every method is a coroutine and must not block the event loop (the FastAGI server
      serves many calls on one loop): run blocking I/O in a thread, or use async clients.
    - Any failure to answer (connection refused, timeout, an error from the remote system)
      is raised as `BackendUnavailable`, never as a library's own exception type, and never
      with an ID number, PIN or card number in its message.
    - Inputs are already validated by the flows: `IdNumber` has a correct GB 11643 check
      character, `Pin` is six digits. Outputs carry masked identifiers and opaque keys only
      (see `ivr.selfservice.records`); the flows may log and announce them as they are.
    - Times are timezone-aware. `now` is passed in wherever the answer depends on time, so
      the lockout rule and report times can be tested with an injected clock.
    - Every operation appends to the audit trail itself, with masked identifiers only (see
      `ivr.selfservice.audit`); `audit` is for the flows' own events (e.g. an invalid ID
      number keyed three times, a transfer to an agent).
    """

    async def identify(self, id_number: IdNumber) -> InsuredPerson | None:
        """The insured person with this ID number, or None if there is none."""
        ...

    async def verify_pin(self, person: InsuredPerson, pin: Pin, now: datetime) -> PinOutcome:
        """Check the service PIN under the lockout rule (`ivr.selfservice.lockout`).

        A lock in force returns `PinLocked` without looking at the PIN. A wrong PIN is
        counted; the one that reaches the limit within the window returns `PinLocked`, the
        others `PinRejected(attempts_left)`. A correct PIN returns `PinAccepted` and clears
        the count.
        """
        ...

    async def get_balances(self, person: InsuredPerson) -> Balances:
        """Pension and medical-insurance personal account balances (fen) and the last
        contribution month of each."""
        ...

    async def get_card(self, person: InsuredPerson) -> Card | None:
        """The person's current social-security card (the latest issued that is not
        cancelled, else the latest), or None if no card was ever issued."""
        ...

    async def report_card_lost(
        self, card: Card, caller_number: str, channel: str, now: datetime
    ) -> LossReport:
        """Block the card at once (temporary loss report, 临时挂失) and return a reference.

        Idempotent: a card already reported lost is left as it is and its existing report is
        returned with `already_reported=True`, also when two calls race. A card that cannot
        be reported by phone raises `CardNotReportable`. `channel` says how the report came
        in (e.g. "ivr"; an agent desktop would pass "agent").
        """
        ...

    async def audit(self, entry: AuditEntry) -> None:
        """Append one of the flows' own events to the audit trail."""
        ...
