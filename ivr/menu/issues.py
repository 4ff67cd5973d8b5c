"""What is wrong with a configuration, said so that ops staff can fix it without us.

Every problem found (YAML syntax, structure, references, graph) becomes one `Issue`
carrying the file, the line, the key path, what is wrong and how to fix it. Checks
return lists of issues rather than raising on the first, so one run shows them all.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

KeyPath = tuple[str | int, ...]


def format_path(path: KeyPath) -> str:
    """`('menus', 'main', 'keys', '1')` -> `menus.main.keys.1` (what a person types to find it)."""
    return ".".join(str(part) for part in path) or "(top level)"


@dataclass(frozen=True)
class Issue:
    code: str  # stable identifier for tests and tooling, e.g. "dangling-target"
    path: KeyPath
    message: str  # what is wrong
    hint: str  # how to fix it
    file: str = ""
    line: int | None = None  # 1-based; None when the config was not read from a file
    severity: Literal["error", "warning"] = "error"

    @property
    def key_path(self) -> str:
        return format_path(self.path)

    def __str__(self) -> str:
        where = self.file or "<config>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        label = "" if self.severity == "error" else f"{self.severity}: "
        return f"{where}: {label}{self.key_path}: {self.message}. Fix: {self.hint}"


@dataclass
class ConfigError(Exception):
    """Raised when a configuration cannot be used; `issues` holds every problem found."""

    issues: list[Issue] = field(default_factory=list)

    def __str__(self) -> str:
        count = len(self.issues)
        head = f"{count} problem{'s' if count != 1 else ''} in the configuration"
        return "\n".join([head, *(f"  {issue}" for issue in self.issues)])


def errors_only(issues: list[Issue]) -> list[Issue]:
    return [issue for issue in issues if issue.severity == "error"]
