"""HTML → PDF with WeasyPrint: each document laid out once, spread over the CPU cores.

A :class:`Job` is what one worker does: it lays out its :class:`Part` documents (a role
sheet, a role's checklists, a card) and writes each one that has a file of its own,
then writes the *combined* documents of the job (a booklet, an onboarding pack) from
the very same laid-out pages, after a front matter (cover, contents) whose page numbers
it fills in.  Laying out is most of the cost (about 0.1 s a page); writing a combined
document costs only font subsetting and serialising, and its fonts are embedded once
for all of its pages.

A part with a page limit (a procedure card) carries its HTML variants in order of
preference, in groups: each group (a level of left-out content, see
:mod:`generator.pdf.cards`) runs from the largest type to the smallest, and every group
takes less room than the one before.  The writer bisects over the groups, testing only
each group's smallest variant, then walks up from a guess made from how much room that
layout left: about four layouts for a card instead of one per variant.  Card variants
are rendered from the view in the worker, on demand (:class:`LazyVariants`), so the
main process renders one variant a card, not eighty.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

#: In a combined document's front matter, where the first page number of part N goes.
PAGE_MARK = "\u2063PAGE{}\u2063"
_PAGE_RE = re.compile("\u2063PAGE(\\d+)\u2063")


@dataclass(frozen=True)
class Part:
    """One document to lay out; `path` None: it is only a part of a combined document."""

    path: Path | None
    variants: Sequence[str]
    max_pages: int | None = None  # None: as many pages as the content needs
    sizes: tuple[float, ...] = ()  # the type size of each variant, when they differ in size
    groups: tuple[int, ...] = ()  # how many variants each group has (empty: one group)


@dataclass(frozen=True)
class Combined:
    """A document made of the pages of some parts of its job, after a front matter (if any)."""

    path: Path
    front: str | None  # HTML; PAGE_MARK.format(i) stands for the first page of the i-th listed part
    parts: tuple[int, ...]  # indices into Job.parts, in the order of the pages


@dataclass(frozen=True)
class Job:
    parts: tuple[Part, ...]
    combined: tuple[Combined, ...] = ()

    @property
    def weight(self) -> int:
        """A guess of the work, to start the longest jobs first."""
        return sum(len(p.variants[0]) for p in self.parts)


@dataclass(frozen=True)
class Result:
    path: Path | None
    pages: int
    seconds: float
    variant: int  # index of the variant written (0 = full size)
    layouts: int = 1  # layout passes it took
    cpu: float = 0.0  # CPU seconds of the worker (wall seconds suffer when the machine is busy)


class LazyVariants(Sequence[str]):
    """HTML variants rendered when first asked for: `render(i)` in whichever process."""

    def __init__(self, count: int, render: Callable[[int], str], first: str) -> None:
        self._count, self._render, self._cache = count, render, {0: first}

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        if index not in self._cache:
            self._cache[index] = self._render(index)
        return self._cache[index]

    def __getstate__(self) -> dict:
        return {"_count": self._count, "_render": self._render, "_cache": {0: self._cache[0]}}


@cache
def _font_config():
    """One per worker process: the fonts found for one document serve the next (about 5 %)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@cache
def _stylesheet():
    """The print CSS parsed once per worker (parsing it took 0.1 s of every document)."""
    from weasyprint import CSS

    from generator.pdf.style import css_text

    return CSS(string=css_text(), font_config=_font_config())


def _layout(html: str):
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Documents embed what they need (the QR code) as data: URLs; nothing is fetched
    # from a network or the disk while printing.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).render(stylesheets=[_stylesheet()], font_config=_font_config())


def _write(document, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".pdf.tmp")
    document.write_pdf(tmp)
    tmp.replace(path)


def layout_part(part: Part) -> tuple[Any, int, int]:
    """(document, chosen variant, layouts it took)."""
    documents: dict[int, Any] = {}

    def layout(index: int):
        if index not in documents:
            documents[index] = _layout(part.variants[index])
        return documents[index]

    def fits(index: int) -> bool:
        return part.max_pages is None or len(layout(index).pages) <= part.max_pages

    chosen = 0 if part.max_pages is None else _choose(part, layout, fits)
    return layout(chosen), chosen, len(documents)


def _front(combined: Combined, starts: list[int]):
    """Lay out the front matter with the page numbers filled in (its own length counts)."""
    text = combined.front or ""

    def fill(offset: int) -> str:
        return _PAGE_RE.sub(lambda m: str(starts[int(m[1])] + offset), text)

    front = _layout(fill(0))
    if any(True for _ in _PAGE_RE.finditer(text)):
        front = _layout(fill(len(front.pages)))  # numbers of one more digit rarely add a page
    return front


def render_job(job: Job) -> list[Result]:
    """Lay out every part once; write the parts that have a file, then the combined ones."""
    results: list[Result] = []
    documents: list[Any] = []  # WeasyPrint Documents
    for part in job.parts:
        start, cpu = time.perf_counter(), time.process_time()
        document, chosen, layouts = layout_part(part)
        if part.path is not None:
            _write(document, part.path)
        documents.append(document)
        results.append(
            Result(
                part.path, len(document.pages), time.perf_counter() - start, chosen, layouts, time.process_time() - cpu
            )
        )
    for combined in job.combined:
        start, cpu = time.perf_counter(), time.process_time()
        starts, page = [], 1
        for index in combined.parts:
            starts.append(page)
            page += len(documents[index].pages)
        pages = [p for index in combined.parts for p in documents[index].pages]
        if combined.front is None:  # e.g. a role document: the sheet's pages, then the checklists'
            _write(documents[combined.parts[0]].copy(pages), combined.path)
        else:
            front = _front(combined, starts)
            pages = [*front.pages, *pages]
            _write(front.copy(pages), combined.path)
        results.append(Result(combined.path, len(pages), time.perf_counter() - start, 0, 1, time.process_time() - cpu))
    return results


def _spans(part: Part) -> list[range]:
    groups = part.groups or (len(part.variants),)
    starts = [sum(groups[:i]) for i in range(len(groups))]
    return [range(start, start + count) for start, count in zip(starts, groups, strict=True) if count]


def _choose(part: Part, layout, fits) -> int:
    """The first variant, in order of preference, that fits the page limit.

    Find the first group whose smallest variant fits (groups shrink in order): the
    first group, where most documents end, then bisect the others.  Then find the
    largest type of that group that fits.  If nothing fits, the last variant (the
    smallest of all) is written.
    """
    spans = _spans(part)
    lo, hi = (0, 0) if fits(spans[0][-1]) else (1, len(spans))  # the first group in [lo, hi) whose last fits; hi = none
    while lo < hi:
        mid = (lo + hi) // 2
        if fits(spans[mid][-1]):
            hi = mid
        else:
            lo = mid + 1
    if lo == len(spans):
        return len(part.variants) - 1
    span = spans[lo]
    if len(span) == 1:
        return span[0]
    return _largest_fitting(part, layout, fits, span)


def _used_height(document) -> float | None:
    """Height of the content over all pages, in page heights (WeasyPrint internals;
    None if they moved, and the caller falls back to bisection)."""
    try:
        boxes = [page._page_box for page in document.pages]
        return sum(box.children[0].margin_height() / box.height for box in boxes)
    except (AttributeError, IndexError, ZeroDivisionError):
        return None


def _largest_fitting(part: Part, layout, fits, span: range) -> int:
    """The first index of `span` that fits; the last is known to fit.

    An interpolation search: the area of text grows with the square of the type size,
    so each layout's used height says which size would just fill the page.  Fixed-size
    parts (margins, the QR code) make that a guess, so the search keeps the bracket
    ``(bad, ok]`` and never leaves it: usually two or three layouts.
    """
    sizes = part.sizes or tuple(range(len(part.variants), 0, -1))
    bad, ok = span[0] - 1, span[-1]  # bad: largest index known not to fit
    last = ok
    while ok - bad > 1:
        used = _used_height(layout(last))
        if used:
            target = sizes[last] * ((part.max_pages or 1) / used) ** 0.5
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
    ordered = sorted(jobs, key=lambda j: -j.weight)
    if workers <= 1 or len(jobs) < 2:
        return [r for j in ordered for r in render_job(j)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [r for rs in pool.map(render_job, ordered, chunksize=1) for r in rs]
