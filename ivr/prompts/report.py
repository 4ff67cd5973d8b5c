"""What a build did, and its summary table per language (pure)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Catalog
from .plan import Kind, Step, Target
from .progress import Progress, progress, prompt_rows

COLUMNS = (Kind.RECORDED, Kind.SYNTHESISED, Kind.FALLBACK, Kind.MISSING)


class MissingPromptsError(RuntimeError):
    """Prompts no language in the fallback chain can provide; the build wrote nothing."""

    def __init__(self, missing: list[Target]):
        self.missing = missing
        self.summary = f"{len(missing)} prompt(s) missing with no fallback"
        super().__init__(f"{self.summary}: {', '.join(t.name for t in missing)}")


@dataclass
class BuildReport:
    out_dir: Path
    targets: list[Target]
    built: list[Step] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # per language: what its callers hear in their own language and what still falls back
    provenance: list[Progress] = field(default_factory=list)

    @property
    def rebuilt(self) -> list[str]:
        return [step.target.name for step in self.built]

    def counts(self) -> dict[str, Counter]:
        per_language: dict[str, Counter] = {}
        for target in self.targets:
            per_language.setdefault(target.language, Counter())[target.kind] += 1
        return per_language

    def kind_of(self, language: str, prompt_id: str) -> Kind:
        return next(t.kind for t in self.targets if (t.language, t.prompt_id) == (language, prompt_id))


def fallback_warnings(targets: list[Target]) -> list[str]:
    """One line per language that borrows prompts, naming them (the build still succeeds)."""
    borrowed: dict[tuple[str, str], list[str]] = {}
    for t in targets:
        if t.kind is Kind.FALLBACK:
            borrowed.setdefault((t.language, t.origin.language), []).append(t.prompt_id)
    return [
        f"{lang}: {len(ids)} prompt(s) use the {source} fallback: {_shorten(ids)}"
        for (lang, source), ids in borrowed.items()
    ]


def language_provenance(catalog: Catalog, targets: list[Target]) -> list[Progress]:
    return [progress(catalog, prompt_rows(catalog, targets, code), code) for code in catalog.languages]


def provenance_lines(report: BuildReport) -> list[str]:
    """One line per language: "Zhuang: callers hear 2 of 81 prompts in Zhuang (2 recorded); 79 fall
    back: menu_language, ..." (agents' prompts are Mandarin and not counted elsewhere)."""
    lines = []
    for p in report.provenance:
        line = f"{p.name}: callers hear {p.own_language} of {p.total} prompts in {p.name} ({p.recorded} recorded)"
        if p.falling_back:
            line += f"; {len(p.falling_back)} fall back: {_shorten(list(p.falling_back))}"
        lines.append(line)
    return lines


def provenance_json(items: list[Progress]) -> dict[str, dict[str, object]]:
    return {p.language: {"name": p.name, "own_language": p.own_language, "recorded": p.recorded,
                         "total": p.total, "falling_back": list(p.falling_back)} for p in items}


def _shorten(ids: list[str], shown: int = 8) -> str:
    more = f" and {len(ids) - shown} more" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more


def render_table(report: BuildReport) -> str:
    header = ["language"] + [k.value for k in COLUMNS] + ["rebuilt"]
    rebuilt = Counter(step.target.language for step in report.built)
    rows = [
        [lang] + [str(counts[k]) for k in COLUMNS] + [str(rebuilt[lang])]
        for lang, counts in report.counts().items()
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


@dataclass(frozen=True)
class RecordingTask:
    prompt_id: str
    text: str | None  # the language's own text to read; None: it must be translated first
    reference: str | None  # the text of the language it currently borrows from, for the translator


def recordings_needed(catalog: Catalog, targets: list[Target], language: str) -> list[RecordingTask]:
    """The prompts `language` still borrows or lacks: the script for a recording session."""
    return [
        RecordingTask(
            t.prompt_id,
            catalog.prompts[t.prompt_id].text(language).text,
            catalog.prompts[t.prompt_id].text(t.origin.language).text if t.origin else None,
        )
        for t in targets
        if t.language == language and t.kind in (Kind.FALLBACK, Kind.MISSING)
    ]
