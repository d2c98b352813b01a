"""The site, as one import: the names of the modules that build it (a thin re-export).

The work is done in four modules, in the order data flows through them:

    site_config   the MkDocs configuration of each language, from mkdocs.yml + the defaults
    site_mkdocs   one language's strict MkDocs build; MkDocs' warnings as findings
    site_workers  both languages at once, one worker process each
    site_build    docs folders, both builds, the atomic swap into the site folder
    site_live     serve's site: a full build, then incremental rebuilds
    serve         `handbook serve` on MkDocs' live-reload server
"""

from __future__ import annotations

from generator.serve import serve, snapshot
from generator.site_build import BuildReport, build_into, build_site, prepare_docs
from generator.site_config import (
    ASSET_PREFIX,
    ASSETS,
    BASE_CONFIG,
    LANG_DIRS,
    WATCHED,
    SiteError,
    SiteFindings,
    alternate,
    language_config,
    read_config,
    root_config_file,
)
from generator.site_live import LiveSite
from generator.site_mkdocs import build_language
from generator.site_workers import workers

_alternate, _snapshot = alternate, snapshot  # the names benchmarks/run.py uses

__all__ = [
    "ASSETS",
    "ASSET_PREFIX",
    "BASE_CONFIG",
    "LANG_DIRS",
    "WATCHED",
    "BuildReport",
    "LiveSite",
    "SiteError",
    "SiteFindings",
    "alternate",
    "build_into",
    "build_language",
    "build_site",
    "language_config",
    "prepare_docs",
    "read_config",
    "root_config_file",
    "serve",
    "snapshot",
    "workers",
]
