"""HTML → PDF with WeasyPrint, one layout pass per document, spread over the CPU cores.

The main process renders every document's HTML (Jinja is cheap); the workers only lay
out and write.  A job carries its HTML variants from largest type to smallest: a card
that fits at full size costs one layout; an overlong one pays for a binary search
(about five layouts) for the largest type that still fits its one page.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Job:
    path: Path
    variants: tuple[str, ...]
    max_pages: int | None = None  # None: as many pages as the content needs


@dataclass(frozen=True)
class Result:
    path: Path
    pages: int
    seconds: float
    variant: int  # index of the variant written (0 = full size)


def render_job(job: Job) -> Result:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Documents embed what they need (the QR code) as data: URLs; nothing is fetched
    # from a network or the disk while printing.
    fetcher = URLFetcher(allowed_protocols={"data"})
    start = time.perf_counter()
    documents: dict[int, object] = {}

    def layout(index: int):
        if index not in documents:
            documents[index] = HTML(string=job.variants[index], url_fetcher=fetcher).render()
        return documents[index]

    def fits(index: int) -> bool:
        return job.max_pages is None or len(layout(index).pages) <= job.max_pages

    # Full size first; only if that overflows, search for the largest size that fits
    # (the variants get smaller with the index, so "fits" is monotone in it).
    chosen = 0
    if not fits(0):
        low, high = 1, len(job.variants) - 1
        while low < high:
            middle = (low + high) // 2
            if fits(middle):
                high = middle
            else:
                low = middle + 1
        chosen = low
    document = layout(chosen)
    assert document is not None
    job.path.parent.mkdir(parents=True, exist_ok=True)
    tmp = job.path.with_suffix(".pdf.tmp")
    document.write_pdf(tmp)
    tmp.replace(job.path)
    return Result(job.path, len(document.pages), time.perf_counter() - start, chosen)


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def run_jobs(jobs: list[Job], workers: int | None = None) -> list[Result]:
    """Longest jobs first so that the pool's cores finish together."""
    workers = default_workers() if workers is None else workers
    ordered = sorted(jobs, key=lambda j: -sum(len(v) for v in j.variants[:1]))
    if workers <= 1 or len(jobs) < 2:
        return [render_job(j) for j in ordered]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(render_job, ordered, chunksize=1))
