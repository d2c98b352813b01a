"""What `handbook check` says about everything around the data: mkdocs.yml and docs/.

The data files are checked by :mod:`generator.loading` and :mod:`generator.checks`;
this module adds the findings of :mod:`generator.config_reader` (mkdocs.yml) and
:mod:`generator.docs_inputs` (the hand-written pages), so that CI refuses a pull request
whose site would not build, or would publish or run what it must not, before building.
"""

from __future__ import annotations

from pathlib import Path

from generator.findings import Finding
from generator.model import Handbook


def check_site_inputs(root: Path, book: Handbook) -> list[Finding]:
    """Findings about mkdocs.yml and docs/ of the handbook under `root`."""
    from generator.config_reader import read_site_config
    from generator.docs_inputs import page_findings, scan_docs
    from generator.pages import LANGS, page_paths

    findings = list(read_site_config(root).findings)
    scan = scan_docs(root)
    findings += scan.findings
    if not any(scan.pages(lang) for lang in LANGS):
        return findings
    generated: dict[str, list[str]] = {}
    try:
        # The generated paths are the same in every language (pages.Renderer.jobs); index.md,
        # which a hand-written home page replaces, is never taken as a clash.
        paths = page_paths(book, LANGS[0], with_home=True)
        generated = dict.fromkeys(LANGS, paths)
    except Exception:
        generated = {}
    if generated:
        findings += page_findings(scan, generated)
    else:
        findings += [f for f in page_findings(scan, {}) if f.code not in ("E963", "E964")]
    return findings
