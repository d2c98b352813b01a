"""The two languages' builds at once: one worker process per language.

Why: MkDocs renders one page after the other in one Python process; the Chinese and the
English site share nothing but the handbook, so on a machine with two free cores two
processes build them in about the time of the longer one.  What that buys, at 1,000 roles
on a quiet 2-core machine (benchmarks/run.py, commit 0c29fd2): plain MkDocs takes 116.0 s for
zh then en and 57.9 s for both at once (50 % less); the handbook's build, in two workers,
68.2 s wall for 123.0 CPU s, so one process would take about two minutes.  On a machine busy with other work it
buys nothing: the bundled handbook
with a load average of 13 on 2 cores took 17.2–23.1 s in workers against 13.7–20.1 s in one
process, for the same CPU time (3.9–6.0 s).  ``HANDBOOK_JOBS=1`` (or a one-core machine)
builds in this process, one language after the other.

The workers are a standard :class:`concurrent.futures.ProcessPoolExecutor` with the
``fork`` start method: a forked worker inherits the loaded handbook and the imported MkDocs,
Material and jieba.  Measured on the bundled handbook under the same load: fork 3.9–6.0 CPU s,
spawn 7.8–8.1 CPU s (each worker imports everything again and receives the pickled
handbook; 28.7 s wall against fork's 17.2–23.1 s), forkserver 24.4–34.4 s wall.  What the
pool adds to a plain call:

* a failure in a worker is raised here as it would be in one process (a
  :class:`~generator.site_config.SiteFindings` keeps its findings, file:line), and the
  other language's worker is stopped at once;
* a worker that dies (killed, out of memory) is a :class:`SiteError` naming the language;
* Ctrl-C or SIGTERM stops the workers; a worker whose parent is killed is killed by the
  kernel (Linux ``PR_SET_PDEATHSIG``, set by the pool's initializer): an idle pool worker
  would otherwise wait for the next task for ever (tests/test_site.py kills a build).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from generator.model import Handbook
from generator.pages import LANGS
from generator.site_config import SiteError

T = TypeVar("T")
#: The start method of the workers (see the module docstring for the measurement).
START_METHOD = "fork"


@dataclass
class LanguageJob:
    """What each language's build needs.  Set for the workers before they start (a forked
    worker inherits it; nothing of the handbook is pickled)."""

    book: Handbook
    root: Path
    base: dict[str, Any]
    work: Path
    offline: bool
    site_url: str | None
    pdfs: list[str]
    handwritten: dict[str, list[str]]
    existing: dict[str, dict[str, bool]]
    site_dirs: dict[str, Path]
    dirty: bool = False
    touch: dict[str, set[str]] = field(default_factory=dict)
    only: dict[str, set[str] | None] = field(default_factory=dict)


_JOB: LanguageJob | None = None


def current_job() -> LanguageJob:
    """The job of the build that runs (in this process or in a worker)."""
    if _JOB is None:
        raise RuntimeError("no language build is running")
    return _JOB


def workers() -> int:
    """How many languages to build at once: one process per language on a machine with
    two cores or more (HANDBOOK_JOBS=1 forces one after the other)."""
    try:
        wanted = int(os.environ.get("HANDBOOK_JOBS", "0"))
    except ValueError:
        wanted = 0
    if wanted <= 0:
        wanted = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(wanted, len(LANGS)))


def run_languages(job: LanguageJob, task: Callable[[str], T]) -> dict[str, T]:
    """`task(lang)` for each language, in the order of LANGS: in one worker process per
    language where there are cores for it, else one after the other here."""
    global _JOB
    _JOB = job
    try:
        if workers() < 2 or START_METHOD not in multiprocessing.get_all_start_methods():
            return {lang: task(lang) for lang in LANGS}
        return _in_workers(task)
    finally:
        _JOB = None


def _in_workers(task: Callable[[str], T]) -> dict[str, T]:
    others = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(
        max_workers=len(LANGS),
        mp_context=multiprocessing.get_context(START_METHOD),
        initializer=_start_worker,
        initargs=(os.getpid() if START_METHOD != "forkserver" else 0, _JOB),  # forkserver: not our child
    )
    futures: dict[Future[T], str] = {}
    try:
        futures = {pool.submit(task, lang): lang for lang in LANGS}
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        failed = [f for f in futures if f in done and f.exception() is not None]
        if failed:
            _raise_failure(failed, futures)
        return {futures[f]: f.result() for f in futures}
    finally:
        # After a failure or Ctrl-C the other language's worker is still building: stop it
        # (the pool would wait for it to finish).  After success the workers are idle.
        for proc in set(multiprocessing.active_children()) - others:
            proc.terminate()
        pool.shutdown(wait=True, cancel_futures=True)


def _raise_failure(failed: list[Future], futures: dict) -> None:
    """The first failure as it would be in one process; a dead worker as a SiteError.

    A worker that dies breaks the whole pool: every unfinished language then fails with
    BrokenProcessPool, so the message names the languages that had not finished."""
    real = [f for f in failed if not isinstance(f.exception(), BrokenProcessPool)]
    if not real:
        wait(futures)  # the pool is broken: the other futures end at once
        broken = [lang for f, lang in futures.items() if isinstance(f.exception(), BrokenProcessPool)]
        raise SiteError(
            f"the {' or '.join(broken)} build process ended without a result (killed, or out of memory?); "
            "the previous site is unchanged; run the build again, or with HANDBOOK_JOBS=1"
        )
    exc = real[0].exception()
    assert exc is not None
    if isinstance(exc, SiteError):
        exc.__cause__ = None  # the worker's traceback text: a SiteError says what to do without it
    raise exc


def _start_worker(parent: int, job: LanguageJob | None) -> None:
    """A worker's start: the job of the build, default SIGTERM (serve makes SIGTERM a
    KeyboardInterrupt, which the pool would hand back as a result and keep the worker), and
    death with its parent."""
    global _JOB
    _JOB = job
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if parent and os.getppid() != parent:  # the parent died before prctl
        os._exit(1)
