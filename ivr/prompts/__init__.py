"""Voice prompts: the catalog in prompts/catalog.yaml and the build into Asterisk's sound layout.

Pure parts: catalog (model, validation), plan (sources, fallbacks, what to rebuild), report,
saynumber (which digit files Asterisk's Chinese SayNumber plays), moh.render_moh_class.
I/O: audio (espeak-ng, pydub, files), build (build_prompts), moh.build_moh, cli (click group).
Recording by staff: phone (the *77 FastAGI flow), takes and take_check (pure: provenance,
review states, the quality check), take_store (takes on disk), progress (pure: per language),
library (one object for the phone flow, the review page and `ivrctl prompts status`).
"""
from .build import build_prompts, load_catalog
from .catalog import Catalog, CatalogError, parse_catalog
from .report import BuildReport, MissingPromptsError
from .saynumber import ZH_SAYNUMBER_FILES, zh_saynumber_files

__all__ = [
    "BuildReport", "Catalog", "CatalogError", "MissingPromptsError", "ZH_SAYNUMBER_FILES",
    "build_prompts", "load_catalog", "parse_catalog", "zh_saynumber_files",
]
