"""HTML → PDF with WeasyPrint, one layout pass per document, spread over the CPU cores.

The main process renders every document's HTML (Jinja is cheap); the workers only lay
out and write.  A job with a page limit (a procedure card) carries its HTML variants in
order of preference, in groups: each group (a level of left-out content, see
:mod:`generator.pdf.cards`) runs from the largest type to the smallest, and every group
takes less room than the one before.  The writer bisects over the groups, testing only
each group's smallest variant, then walks up from a guess made from how much room that
layout left: about four layouts for a card instead of one per variant.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class Job:
    path: Path
    variants: tuple[str, ...]
    max_pages: int | None = None  # None: as many pages as the content needs
    sizes: tuple[float, ...] = ()  # the type size of each variant, when they differ in size
    groups: tuple[int, ...] = ()  # how many variants each group has (empty: one group)


@dataclass(frozen=True)
class Result:
    path: Path
    pages: int
    seconds: float
    variant: int  # index of the variant written (0 = full size)
    layouts: int = 1  # layout passes it took
    cpu: float = 0.0  # CPU seconds of the worker (wall seconds suffer when the machine is busy)


@cache
def _font_config():
    """One per worker process: the fonts found for one document serve the next (about 5 %)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_job(job: Job) -> Result:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Documents embed what they need (the QR code) as data: URLs; nothing is fetched
    # from a network or the disk while printing.
    fetcher = URLFetcher(allowed_protocols={"data"})
    start, cpu = time.perf_counter(), time.process_time()
    documents: dict[int, object] = {}

    def layout(index: int):
        if index not in documents:
            documents[index] = HTML(string=job.variants[index], url_fetcher=fetcher).render(font_config=_font_config())
        return documents[index]

    def fits(index: int) -> bool:
        return job.max_pages is None or len(layout(index).pages) <= job.max_pages

    chosen = 0 if job.max_pages is None else _choose(job, layout, fits)
    document = layout(chosen)
    assert document is not None
    job.path.parent.mkdir(parents=True, exist_ok=True)
    tmp = job.path.with_suffix(".pdf.tmp")
    document.write_pdf(tmp)
    tmp.replace(job.path)
    return Result(job.path, len(document.pages), time.perf_counter() - start, chosen, len(documents), time.process_time() - cpu)


def _spans(job: Job) -> list[range]:
    groups = job.groups or (len(job.variants),)
    starts = [sum(groups[:i]) for i in range(len(groups))]
    return [range(start, start + count) for start, count in zip(starts, groups) if count]


def _choose(job: Job, layout, fits) -> int:
    """The first variant, in order of preference, that fits the page limit.

    Find the first group whose smallest variant fits (groups shrink in order): the
    first group, where most documents end, then bisect the others.  Then find the
    largest type of that group that fits.  If nothing fits, the last variant (the
    smallest of all) is written.
    """
    spans = _spans(job)
    lo, hi = (0, 0) if fits(spans[0][-1]) else (1, len(spans))  # the first group in [lo, hi) whose last fits; hi = none
    while lo < hi:
        mid = (lo + hi) // 2
        if fits(spans[mid][-1]):
            hi = mid
        else:
            lo = mid + 1
    if lo == len(spans):
        return len(job.variants) - 1
    span = spans[lo]
    if len(span) == 1:
        return span[0]
    return _largest_fitting(job, layout, fits, span)


def _used_height(document) -> float | None:
    """Height of the content over all pages, in page heights (WeasyPrint internals;
    None if they moved, and the caller falls back to bisection)."""
    try:
        boxes = [page._page_box for page in document.pages]
        return sum(box.children[0].margin_height() / box.height for box in boxes)
    except (AttributeError, IndexError, ZeroDivisionError):
        return None


def _largest_fitting(job: Job, layout, fits, span: range) -> int:
    """The first index of `span` that fits; the last is known to fit.

    An interpolation search: the area of text grows with the square of the type size,
    so each layout's used height says which size would just fill the page.  Fixed-size
    parts (margins, the QR code) make that a guess, so the search keeps the bracket
    ``(bad, ok]`` and never leaves it: usually two or three layouts.
    """
    sizes = job.sizes or tuple(range(len(job.variants), 0, -1))
    bad, ok = span[0] - 1, span[-1]  # bad: largest index known not to fit
    last = ok
    while ok - bad > 1:
        used = _used_height(layout(last))
        if used:
            target = sizes[last] * ((job.max_pages or 1) / used) ** 0.5
            guess = next((i for i in span if sizes[i] <= target), span[-1])
        else:
            guess = (bad + ok) // 2
        last = min(max(guess, bad + 1), ok - 1)
        if fits(last):
            ok = last
        else:
            bad = last
    return ok


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
