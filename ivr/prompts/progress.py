"""Where each language's prompts stand, and the walk through those still to record (pure).

Every prompt has a number: its position in the catalog, from 1. Staff key it on the phone
and see it on the review page and in `ivrctl prompts status`; it changes only when the
catalog's order does.

    rows = prompt_rows(catalog, targets, "za")
    progress(rows)                       # Progress(recorded=31, total=83): "Zhuang: 31 of 83 recorded"
    to_record(rows, awaiting={"welcome"})  # the phone walk: borrowed first, then synthesised
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from .catalog import Catalog
from .plan import Kind, Target

REFERENCE_LANGUAGE = "zh"  # what recording staff hear before each take: the Mandarin version


@dataclass(frozen=True)
class PromptRow:
    number: int
    prompt_id: str
    language: str
    text: str | None  # the language's own written text; None: it must be translated first
    reference: str | None  # the Mandarin text
    kind: Kind
    source_language: str | None  # the language the caller hears it in (differs for fallbacks)

    @property
    def status(self) -> str:
        """recorded, synthesised, fallback to zh, missing."""
        if self.kind is Kind.FALLBACK:
            return f"fallback to {self.source_language}"
        return str(self.kind.value)

    @property
    def own_language(self) -> bool:
        """The caller hears this prompt in their own language."""
        return self.kind in (Kind.RECORDED, Kind.SYNTHESISED)


@dataclass(frozen=True)
class Progress:
    language: str
    name: str
    recorded: int
    own_language: int  # recorded or synthesised
    total: int
    falling_back: tuple[str, ...]  # prompt ids a caller still hears in another language

    def sentence(self) -> str:
        return f"{self.name}: {self.recorded} of {self.total} recorded"


def prompt_numbers(catalog: Catalog) -> dict[str, int]:
    return {prompt_id: i for i, prompt_id in enumerate(catalog.prompts, start=1)}


def prompt_rows(catalog: Catalog, targets: list[Target], language: str) -> list[PromptRow]:
    """One row per prompt the language's callers hear, in catalog order. Prompts only staff
    hear (audience agent) are rows of the reference language alone: staff work in Mandarin."""
    numbers = prompt_numbers(catalog)
    rows = [
        PromptRow(
            number=numbers[t.prompt_id],
            prompt_id=t.prompt_id,
            language=language,
            text=catalog.prompts[t.prompt_id].text(language).text,
            reference=catalog.prompts[t.prompt_id].text(REFERENCE_LANGUAGE).text,
            kind=t.kind,
            source_language=t.origin.language if t.origin else None,
        )
        for t in targets
        if t.language == language
        and (catalog.prompts[t.prompt_id].audience == "caller" or language == REFERENCE_LANGUAGE)
    ]
    return sorted(rows, key=lambda row: row.number)


def progress(catalog: Catalog, rows: list[PromptRow], language: str) -> Progress:
    return Progress(
        language=language,
        name=catalog.languages[language].name,
        recorded=sum(row.kind is Kind.RECORDED for row in rows),
        own_language=sum(row.own_language for row in rows),
        total=len(rows),
        falling_back=tuple(row.prompt_id for row in rows if row.kind in (Kind.FALLBACK, Kind.MISSING)),
    )


def to_record(rows: list[PromptRow], awaiting: Collection[str] = ()) -> list[PromptRow]:
    """The prompts a recording session walks: not recorded yet and no take awaiting review;
    those callers hear in another language (or not at all) first, then the synthesised ones."""
    open_rows = [row for row in rows if row.kind is not Kind.RECORDED and row.prompt_id not in awaiting]
    return sorted(open_rows, key=lambda row: (row.own_language, row.number))


def row_by_number(rows: list[PromptRow], number: int) -> PromptRow | None:
    return next((row for row in rows if row.number == number), None)
