"""An operator's mistake ends an `ivrctl` command in one line, a non-zero exit and what to do.

The commands raise what their libraries raise (SQLAlchemy, Alembic, the config layer, the
file system); this is the one place that turns those into an operator's line. Anything not
listed here is a bug and keeps its traceback.
"""
from __future__ import annotations

import click
from alembic.util.exc import CommandError
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from hotline.db.settings import ConfigurationError
from ivr.menu.issues import ConfigError
from ivr.sandbox.runner import SandboxError


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def operator_message(error: BaseException) -> str | None:
    """The line for a known operator mistake, None for anything else (a bug)."""
    if isinstance(error, ConfigError):
        return "\n".join(str(issue) for issue in error.issues) or str(error)
    if isinstance(error, (ConfigurationError, SandboxError)):
        return str(error)
    if isinstance(error, (ArgumentError, NoSuchModuleError)):
        return (f"the database URL is not usable ({_first_line(error)}). Fix: set HOTLINE_DATABASE_URL to e.g. "
                "postgresql://hotline@db-host/hotline, or leave it unset for SQLite under var/")
    if isinstance(error, DBAPIError):
        detail = _first_line(error)
        if "no such table" in detail or "does not exist" in detail and "relation" in detail:
            return f"the database has no hotline schema ({detail}). Fix: run `ivrctl db upgrade` first"
        return (f"cannot use the database: {detail}. Fix: check that it is running and reachable, and "
                "HOTLINE_DATABASE_URL (then `ivrctl db upgrade`)")
    if isinstance(error, CommandError):
        return f"{_first_line(error)}. Fix: give a revision `ivrctl db upgrade` knows (default: head)"
    if isinstance(error, (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError)):
        where = f"{error.filename}: " if error.filename else ""
        return (f"{where}{error.strerror or error}. Fix: run ivrctl in a site (HOTLINE_SITE_DIR; `ivrctl init DIR` "
                "makes one) or give the path as an option")
    if isinstance(error, ConnectionError):
        return f"cannot connect: {error}. Fix: check that the service it talks to is running and its address"
    return None


class OperatorErrors(click.Group):
    """The root group: known operator mistakes become one ClickException line (exit 1)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as error:
            message = operator_message(error)
            if message is None:
                raise
            raise click.ClickException(message) from None
