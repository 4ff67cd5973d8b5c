"""The prompt catalog: languages, prompts and their texts, parsed and validated (pure)."""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Prompt ids are relative sound paths (Asterisk looks up sounds/<language>/<id>), so they may
# contain "/" for subdirectories such as digits/5, but nothing that escapes the directory.
PROMPT_ID = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)*$")


class CatalogError(ValueError):
    """The catalog is inconsistent; the message lists every problem found."""


class Language(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str  # Asterisk language code: the sounds/<code>/ directory
    name: str
    dialect: str  # router skill name
    voice: str | None = None  # espeak-ng voice; None means recordings only
    fallback: tuple[str, ...] = ()  # languages to borrow a prompt from, in order
    # espeak-ng's Hakka voice reads only romanised text, so such languages synthesise `say`.
    synthesise_from: str = Field(default="text", pattern="^(text|say)$")


class PromptText(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str | None = None  # the written form, as a speaker would read or record it
    say: str | None = None  # romanisation fed to the synthesiser when it cannot read `text`
    # Who must check `text` before it is recorded (a draft by a writer who is not a native
    # speaker); `ivrctl prompts todo` shows it beside the text. Never synthesised or played.
    review: str | None = None

    @field_validator("text", "say", "review")
    @classmethod
    def _normalise(cls, value: str | None) -> str | None:
        # NFC so a re-typed tone mark does not change the content hash or the TTS rules it hits.
        return unicodedata.normalize("NFC", value.strip()) if value and value.strip() else None


class Prompt(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    about: str = ""
    # "agent": heard only by agents, who all work in Mandarin, so only `zh` is expected.
    audience: str = Field(default="caller", pattern="^(caller|agent)$")
    texts: dict[str, PromptText]

    def text(self, language: str) -> PromptText:
        return self.texts.get(language, PromptText())


class Catalog(BaseModel):
    model_config = ConfigDict(frozen=True)

    languages: dict[str, Language]
    prompts: dict[str, Prompt]

    def synthesis_input(self, language: str, prompt_id: str) -> str | None:
        """What espeak-ng must read for this prompt, or None if the language cannot synthesise it."""
        lang = self.languages[language]
        if lang.voice is None:
            return None
        text = self.prompts[prompt_id].text(language)
        return text.say if lang.synthesise_from == "say" else text.text


def parse_catalog(data: dict[str, Any]) -> Catalog:
    """Build a Catalog from the YAML structure and validate it; raises CatalogError."""
    if not isinstance(data, dict) or "languages" not in data or "prompts" not in data:
        raise CatalogError("catalog needs top-level 'languages' and 'prompts'")
    languages = {
        code: Language(code=code, **(spec or {})) for code, spec in data["languages"].items()
    }
    prompts = {}
    for prompt_id, entry in (data["prompts"] or {}).items():
        entry = dict(entry or {})
        about = entry.pop("about", "")
        audience = entry.pop("audience", "caller")
        prompts[prompt_id] = Prompt(
            id=prompt_id, about=about, audience=audience, texts={lang: _prompt_text(v) for lang, v in entry.items()}
        )
    catalog = Catalog(languages=languages, prompts=prompts)
    problems = validate_catalog(catalog)
    if problems:
        raise CatalogError("invalid prompt catalog:\n  " + "\n  ".join(problems))
    return catalog


def _prompt_text(value: Any) -> PromptText:
    if value is None or isinstance(value, str):
        return PromptText(text=value)
    if isinstance(value, dict):
        return PromptText(**value)
    raise CatalogError(f"prompt text must be a string, a mapping or null, got {value!r}")


def validate_catalog(catalog: Catalog) -> list[str]:
    """Every structural problem in the catalog, as readable lines (empty when valid)."""
    problems: list[str] = []
    for code, lang in catalog.languages.items():
        for target in lang.fallback:
            if target not in catalog.languages:
                problems.append(f"language {code}: fallback {target!r} is not a declared language")
        if _fallback_cycle(catalog, code):
            problems.append(f"language {code}: fallback chain loops back to itself")
    for prompt_id, prompt in catalog.prompts.items():
        if not PROMPT_ID.match(prompt_id):
            problems.append(f"prompt {prompt_id!r}: id must be lower-case path segments")
        for code, text in prompt.texts.items():
            if code not in catalog.languages:
                problems.append(f"prompt {prompt_id}: unknown language {code!r}")
            elif (
                catalog.languages[code].synthesise_from == "say" and text.text and not text.say
            ):
                problems.append(f"prompt {prompt_id}: {code} has text but no romanised 'say'")
    return problems


def _fallback_cycle(catalog: Catalog, start: str) -> bool:
    pending, seen = list(catalog.languages[start].fallback), set()
    while pending:
        code = pending.pop()
        if code == start:
            return True
        if code in seen or code not in catalog.languages:
            continue
        seen.add(code)
        pending.extend(catalog.languages[code].fallback)
    return False
