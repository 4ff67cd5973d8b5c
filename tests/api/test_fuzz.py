"""Property-based fuzzing from the app's own OpenAPI schema (schemathesis): against the real
router on the sandbox over real HTTP, no request gets a 5xx and every response matches the
schema (every schemathesis check: status codes, content types, bodies, headers, rejected
invalid data, accepted valid data, auth not ignored, unsupported methods), with an ops token (it reaches furthest) and with
a viewer's (refusals must be documented too).

/events streams forever and /ops reloads the dialplan: both are tested on their own and left out.
"""

from __future__ import annotations

import asyncio

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS, load_all_checks

from tests.api.conftest import Api, served

pytestmark = pytest.mark.asterisk

EXAMPLES = 30  # per operation and token
load_all_checks()
ALL_CHECKS = CHECKS.get_all()  # every check schemathesis has, not only its defaults
LEFT_OUT = ("/events", "/ops/")


def fuzz(schema, base_url: str, headers: dict[str, str], *, examples: int = EXAMPLES,
         derandomize: bool = False) -> tuple[list[str], set[str]]:
    """Every operation's generated cases, every check on each: the failures' descriptions and the
    operations called."""
    failures: list[str] = []
    called: set[str] = set()
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith(LEFT_OUT):
            continue

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, database=None, derandomize=derandomize,
                  suppress_health_check=list(HealthCheck))
        def check(case) -> None:  # run at once, in this iteration
            called.add(case.operation.path)
            case.call_and_validate(base_url=base_url, headers=headers, timeout=10, checks=ALL_CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # every operation's failures, not just the first
            failures.append(f"{operation.method.upper()} {operation.path}: {exc!r}")
    return failures, called


async def test_no_server_errors_and_responses_match_the_schema(api: Api) -> None:
    schema = schemathesis.openapi.from_dict(api.app.openapi())
    operations = [r.ok().path for r in schema.get_all_operations()]
    assert "/queues" in operations and "/agents/{agent_id}/pause" in operations
    async with served(api.app, api.feed) as url:
        # the fuzzer's HTTP client blocks: it runs in a thread while this loop serves the app
        for role in ("ops", "viewer"):
            failures, called = await asyncio.to_thread(fuzz, schema, url, api.as_(role))
            assert not failures, f"with a {role} token:\n" + "\n\n".join(failures)
            assert called == {path for path in operations if not path.startswith(LEFT_OUT)}
