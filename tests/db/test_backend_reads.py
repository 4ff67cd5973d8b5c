"""identify, get_balances, get_card and audit against the seeded demo data."""

from datetime import UTC, datetime

from hotline.db.models import AuditEvent
from ivr.selfservice import (
    AccountBalance,
    Balances,
    CardStatus,
    SelfServiceBackend,
    YearMonth,
    audit_entry,
    parse_id_number,
    parse_keypad_entry,
)

from .support import rows


def audit_rows(url):
    return rows(url, AuditEvent)


def test_the_database_backend_satisfies_the_protocol(backend):
    assert isinstance(backend, SelfServiceBackend)


async def test_identify_finds_demo_persons_including_one_keyed_with_star(backend):
    person = await backend.identify(parse_keypad_entry("45010219780615103*#"))
    assert person is not None and person.masked_id == "4501**********103X"
    other = await backend.identify(parse_id_number("450102199003071238"))
    assert other is not None and other.key != person.key


async def test_identify_unknown_number_is_none_and_audited(backend, seeded_url):
    unknown = parse_id_number("11010519491231002X")
    assert await backend.identify(unknown) is None
    last = audit_rows(seeded_url)[-1]
    assert (last.action, last.outcome, last.person) == (
        "identify",
        "not_found",
        "1101**********002X",
    )


async def test_balances_in_fen_with_last_contribution_month(backend, seeded_url):
    person = await backend.identify(parse_id_number("450102199003071238"))
    balances = await backend.get_balances(person)
    assert balances == Balances(
        AccountBalance(1234560, YearMonth(2026, 10)), AccountBalance(345606, YearMonth(2026, 10))
    )
    student = await backend.identify(parse_id_number("450305200108153673"))
    assert (await backend.get_balances(student)).pension is None
    last = audit_rows(seeded_url)[-1]
    assert (last.action, last.person) == ("get_balances", "4503**********3673")


async def test_current_card_skips_a_cancelled_one(backend):
    person = await backend.identify(parse_id_number("450203197202294533"))
    card = await backend.get_card(person)
    assert (card.status, card.masked_number, card.last_digits) == (
        CardStatus.ACTIVE,
        "*****0309",
        "0309",
    )


async def test_a_phone_reported_card_shows_its_reference(backend):
    person = await backend.identify(parse_id_number("450305200108153673"))
    card = await backend.get_card(person)
    assert card.status is CardStatus.TEMPORARILY_LOST
    assert card.loss_reference == "261101000014"


async def test_flows_append_their_own_audit_entries(backend, seeded_url):
    person = await backend.identify(parse_id_number("450102199003071238"))
    at = datetime(2026, 11, 22, 19, 0, tzinfo=UTC)
    await backend.audit(
        audit_entry(
            "transfer_agent",
            "locked",
            at,
            person=person,
            caller_number="13812345678",
            channel="ivr",
        )
    )
    last = audit_rows(seeded_url)[-1]
    assert (last.action, last.outcome, last.at) == ("transfer_agent", "locked", at)
    assert (last.person, last.caller) == ("4501**********1238", "138****5678")
