"""HTML → PDF with WeasyPrint, one layout pass per document, spread over the CPU cores.

The main process renders every document's HTML (Jinja is cheap); the workers only lay
out and write.  A job carries its HTML variants from largest type to smallest: a card
that fits at full size costs one layout; an overlong one pays for a binary search
(usually three layouts, guided by how far the full size overflowed) for the largest
type that still fits its one page.
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
    sizes: tuple[float, ...] = ()  # the type size of each variant, when they differ in size


@dataclass(frozen=True)
class Result:
    path: Path
    pages: int
    seconds: float
    variant: int  # index of the variant written (0 = full size)
    layouts: int = 1  # layout passes it took


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

    # Full size first.  If that overflows, guess the size from how much it overflowed
    # (the area of text grows with the square of the type size), then step from the
    # guess to the largest size that fits: two or three layouts instead of a search.
    chosen = 0
    if not fits(0):
        chosen = _first_fitting(fits, _guess(layout(0), job), len(job.variants))
    document = layout(chosen)
    assert document is not None
    job.path.parent.mkdir(parents=True, exist_ok=True)
    tmp = job.path.with_suffix(".pdf.tmp")
    document.write_pdf(tmp)
    tmp.replace(job.path)
    return Result(job.path, len(document.pages), time.perf_counter() - start, chosen, len(documents))


def _used_height(document) -> float | None:
    """Height of the content over all pages, in page heights (WeasyPrint internals;
    None if they moved, and the caller falls back to searching)."""
    try:
        boxes = [page._page_box for page in document.pages]
        return sum(box.children[0].margin_height() / box.height for box in boxes)
    except (AttributeError, IndexError, ZeroDivisionError):
        return None


def _guess(document, job: Job) -> int:
    used = _used_height(document)
    if not used or job.max_pages is None:
        return (len(job.variants) - 1) // 2
    scale = 0.95 * (job.max_pages / used) ** 0.5
    # variants run from the largest size down in equal steps; index by the ratio
    sizes = job.sizes or tuple(range(len(job.variants), 0, -1))
    target = sizes[0] * scale
    return next((i for i, size in enumerate(sizes) if size <= target), len(sizes) - 1) or 1


def _first_fitting(fits, guess: int, count: int) -> int:
    """The smallest index (largest type) that fits, walking from a guess; index 0 is known not to fit."""
    index = max(1, min(guess, count - 1))
    if fits(index):
        while index > 1 and fits(index - 1):
            index -= 1
        return index
    while index < count - 1 and not fits(index):
        index += 1
    return index


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
