"""The record store over the suite's real databases, as the records tests use it."""

from tests.records.conftest import store  # noqa: F401
