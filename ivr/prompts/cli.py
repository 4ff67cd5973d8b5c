"""`prompts` click group (mounted under ivrctl): build the prompts and the music on hold."""
from __future__ import annotations

import time
from pathlib import Path

import click

from .audio import AudioError
from .build import build_prompts, load_catalog, scan_recordings
from .catalog import CatalogError
from .moh import MOH_CLASS, build_moh, default_moh_source, render_moh_class
from .plan import resolve_targets
from .library import TAKES_DIR, PromptLibrary, PromptPaths
from .report import MissingPromptsError, provenance_lines, recordings_needed, render_table
from ..site import prompts_site

_PATH = click.Path(path_type=Path)
catalog_option = click.option("--catalog", type=_PATH, default=None, help="[default: the site's prompts/catalog.yaml]")
recordings_option = click.option("--recordings", type=_PATH, default=None, help="[default: the site's prompts/recordings]")


@click.group("prompts")
def prompts() -> None:
    """Voice prompts and music on hold."""


@prompts.command("build")
@catalog_option
@recordings_option
@click.option("--out", type=_PATH, default=None, help="[default: the site's prompts/build]")
@click.option("--workers", type=int, default=2, show_default=True)
@click.option("--moh/--no-moh", default=True, show_default=True, help="Also build the music on hold class.")
@click.option("--moh-source", type=click.Path(path_type=Path), default=None,
              help="Directory of .wav music [default: the Asterisk root's usr/share/asterisk/moh].")
def build(catalog: Path | None, recordings: Path | None, out: Path | None, workers: int, moh: bool,
          moh_source: Path | None) -> None:
    """Build every prompt in every language into OUT/sounds/<language>/ (incremental)."""
    started = time.monotonic()
    catalog = catalog or prompts_site().catalog_path
    recordings = recordings or prompts_site().recordings_dir
    out = out or prompts_site().prompts_build_dir
    try:
        parsed = load_catalog(catalog)
        total = len(parsed.languages) * len(parsed.prompts)
    except CatalogError as exc:
        raise click.ClickException(str(exc)) from exc
    with click.progressbar(length=total, label="prompts", show_pos=True) as bar:
        try:
            report = build_prompts(catalog, recordings, out, workers=workers,
                                   on_progress=lambda _name: bar.update(1))
        except MissingPromptsError as exc:
            lines = "\n".join(f"  {t.name}" for t in exc.missing)
            raise click.ClickException(f"{exc.summary}:\n{lines}") from exc
        except (AudioError, ValueError) as exc:  # unreadable or duplicate recording, espeak failure
            raise click.ClickException(str(exc)) from exc
        bar.update(total - bar.pos)  # up-to-date prompts count as done
    for warning in report.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    click.echo(render_table(report))
    for line in provenance_lines(report):
        click.echo(line)
    if moh:
        try:
            class_dir = build_moh(moh_source or default_moh_source(prompts_site().asterisk_root), out, MOH_CLASS)
        except FileNotFoundError as exc:
            raise click.ClickException(f"{exc} (run `make asterisk`, pass --moh-source or --no-moh)") from exc
        click.echo(f"music on hold class {MOH_CLASS}: {class_dir}")
    click.echo(f"{len(report.built)} rebuilt in {time.monotonic() - started:.1f} s -> {out / 'sounds'}")


@prompts.command("moh-conf")
@click.option("--directory", default=None,
              help="Directory of the class as Asterisk sees it [default: moh/<class>, under astdatadir].")
def moh_conf(directory: str | None) -> None:
    """Print the musiconhold.conf section for the built class."""
    click.echo(render_moh_class(MOH_CLASS, directory), nl=False)


@prompts.command("todo")
@click.argument("language")
@catalog_option
@recordings_option
def todo(language: str, catalog: Path | None, recordings: Path | None) -> None:
    """List the prompts LANGUAGE still borrows or lacks, with the text to record (tab-separated)."""
    parsed = load_catalog(catalog or prompts_site().catalog_path)
    if language not in parsed.languages:
        raise click.BadParameter(f"not one of {', '.join(parsed.languages)}", param_hint="LANGUAGE")
    recordings = recordings or prompts_site().recordings_dir
    targets = resolve_targets(parsed, scan_recordings(recordings, list(parsed.languages)))
    for task in recordings_needed(parsed, targets, language):
        text = task.text or f"(translate) {task.reference or ''}"
        review = parsed.prompts[task.prompt_id].text(language).review
        click.echo(f"{language}/{task.prompt_id}\t{text}" + (f"\t(review: {review})" if review else ""))


@prompts.command("status")
@click.argument("language", required=False)
def status(language: str | None) -> None:
    """Progress per language ("Zhuang: 31 of 81 recorded"), what callers hear in their own
    language, and takes awaiting review; with LANGUAGE, every prompt of it and its status."""
    site = prompts_site()
    library = PromptLibrary(PromptPaths(catalog=site.catalog_path, recordings=site.recordings_dir,
                                        build=site.prompts_build_dir, takes=site.var_dir / TAKES_DIR))
    try:
        catalog = library.catalog()
    except CatalogError as exc:
        raise click.ClickException(str(exc)) from exc
    if language is not None and language not in catalog.languages:
        raise click.BadParameter(f"not one of {', '.join(catalog.languages)}", param_hint="LANGUAGE")
    takes = library.takes.all()
    for p in library.progress():
        if language in (None, p.language):
            waiting = sum(t.language == p.language and t.status.value == "awaiting" for t in takes)
            click.echo(f"{p.sentence()}; callers hear {p.own_language} in {p.name}, "
                       f"{len(p.falling_back)} fall back; {waiting} take(s) awaiting review")
    if language is not None:
        for row in library.rows(language, catalog):
            click.echo(f"{row.number:>4}  {row.prompt_id:<28} {row.status:<16} {row.text or '(translate) ' + (row.reference or '')}")
