"""FastAGI reply parsing (pure)."""

import pytest

from ivr.agi.reply import parse_reply, parse_status_line, quote


def test_result_with_data_and_extras() -> None:
    reply = parse_reply(200, "result=1 (ni hao) endpos=1234")
    assert (reply.ok, reply.result, reply.data, reply.extra) == (True, "1", "ni hao", {"endpos": "1234"})


def test_get_data_timeout_with_no_digits() -> None:
    reply = parse_reply(200, "result= (timeout)")
    assert reply.result == "" and reply.data == "timeout"


def test_multi_line_marker() -> None:
    assert parse_status_line("520-Invalid command syntax.  Proper usage follows:") == (
        520, True, "Invalid command syntax.  Proper usage follows:")
    assert parse_status_line("520 End of proper usage.")[:2] == (520, False)


def test_garbage_is_not_a_reply() -> None:
    with pytest.raises(ValueError):
        parse_status_line("HANGUP")


def test_quote_escapes() -> None:
    assert quote('say "hi" \\ now') == '"say \\"hi\\" \\\\ now"'
