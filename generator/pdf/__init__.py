"""Printable role sheets, procedure cards, checklists and booklets (`handbook pdf`).

Layout of the output folder (the site links to it as ``pdf/…``)::

    <out>/<lang>/roles/<role-id>.pdf
    <out>/<lang>/procedures/<procedure-id>.pdf
    <out>/<lang>/checklists/<role-id>-<period>.pdf
    <out>/<lang>/booklet.pdf              lang: zh, en, bilingual

WeasyPrint, not a headless browser: it is a Python package (no Chromium to install on a
build server behind the mainland-China network), it supports paged media (running
headers, page counters, ``target-counter`` for the booklet's contents), it embeds
subsets of the Noto CJK fonts with the text kept extractable, and one layout pass costs
about a third of a second per page.

A procedure card is one A4 page read from a metre away: its step text never goes below
11 pt (bilingual: 11 pt Chinese, 10 pt English); what does not fit is left out in a
fixed order and the card points to the full procedure.  The policy is in :mod:`cards`.
"""

from __future__ import annotations

import base64
import logging
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from generator.model import Handbook, Text
from generator.pdf import cards, views
from generator.pdf.printcss import print_header_style
from generator.pdf.render import Job, Result, run_jobs
from generator.pdf.views import LABEL, LANGS, T

__all__ = ["write_pdfs", "LANGS", "card_url", "print_header_style"]

last_results: list[Result] = []  # of the latest write_pdfs call, for timing reports and tests
_card_styles: dict[Path, list[cards.CardStyle]] = {}  # the candidate styles of each card job
log = logging.getLogger("handbook.pdf")


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("generator", "templates/pdf"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(L=LABEL, limit=views.time_limit, limit_after=_after, css=Markup(_css()))
    return env


def _css() -> str:
    return (Path(__file__).resolve().parent.parent / "templates" / "pdf" / "pdf.css").read_text(encoding="utf-8")


def _after(minutes: int) -> Text:
    if minutes == 0:
        return LABEL["at_once"]
    if minutes >= 60 and minutes % 60 == 0:
        return T(f"超过 {minutes // 60} 小时", f"After {minutes // 60} h")
    return T(f"超过 {minutes} 分钟", f"After {minutes} min")


def card_url(book: Handbook, procedure_id: str, lang: str) -> str | None:
    """The live page a card's QR code opens; English cards open the English page."""
    base = ((book.meta.base_url if book.meta else None) or "").strip()
    if not base.lower().startswith(("https://", "http://")):
        return None  # no base URL, or one a phone must not open (check refuses it too)
    prefix = base.rstrip("/")
    if lang == "en":
        prefix += "/en"
    return f"{prefix}/procedures/{procedure_id}/"


def qr_data_uri(url: str) -> str:
    """An SVG QR code as a data: URL (vector, so it scans at any print size)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=4,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    svg = image.to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _render(template: str, lang: str, **context: object) -> str:
    return _env().get_template(template).render(lang=lang, **context)


def _jobs(book: Handbook, out: Path) -> list[Job]:
    meta = book.meta
    role_views = {rid: views.role_view(book, role) for rid, role in book.roles.items()}
    proc_views = {pid: views.procedure_view(book, proc) for pid, proc in book.procedures.items()}
    book_view = views.booklet(book, role_views)
    jobs: list[Job] = []
    for lang in LANGS:
        base = out / lang
        for rid, view in role_views.items():
            jobs.append(Job(base / "roles" / f"{rid}.pdf", (_render("role.html", lang, v=view, meta=meta),)))
            for sheet in views.checklists(book, view):
                jobs.append(Job(base / "checklists" / f"{rid}-{sheet.period}.pdf", (_render("checklist.html", lang, v=sheet, meta=meta),)))
        for pid, view in proc_views.items():
            url = card_url(book, pid, lang)
            qr = qr_data_uri(url) if url else None
            jobs.append(_card_job(base / "procedures" / f"{pid}.pdf", lang, view, meta, qr, url))
        if role_views:
            jobs.append(Job(base / "booklet.pdf", (_render("booklet.html", lang, b=book_view, meta=meta, count=len(role_views)),)))
    return jobs


def _card_job(path: Path, lang: str, view: views.ProcedureView, meta: object, qr: str | None, url: str | None) -> Job:
    """A card in every style it may take, in order of preference (see :mod:`cards`)."""
    groups = cards.styles(lang)
    flat = [style for group in groups for style in group]
    page = f"procedures/{view.procedure.id}/"
    variants = tuple(_render("procedure.html", lang, v=view, meta=meta, style=style, qr=qr, url=url, page=page) for style in flat)
    _card_styles[path] = flat
    return Job(path, variants, max_pages=1, sizes=tuple(s.size for s in flat), groups=tuple(len(g) for g in groups))


def card_style(result: Result) -> cards.CardStyle | None:
    """The style a card was written in (its level and type size), None for other documents."""
    styles = _card_styles.get(result.path)
    return styles[result.variant] if styles else None


def _remove_stale(out: Path, written: set[Path]) -> None:
    """A role or procedure removed from the data must not leave its old PDF behind."""
    for lang in LANGS:
        for folder in ("roles", "procedures", "checklists"):
            for old in (out / lang / folder).glob("*.pdf*"):
                if old not in written and old.suffix in (".pdf", ".tmp"):
                    old.unlink()


def write_pdfs(book: Handbook, out: Path, *, workers: int | None = None) -> list[Path]:
    """Write every PDF of the handbook under `out`; return their paths, sorted."""
    global last_results
    out = Path(out)
    jobs = _jobs(book, out)
    last_results = run_jobs(jobs, workers)
    for result in last_results:
        style = card_style(result)
        if style and style.below_floor:
            log.warning("%s: the card fits one page only at %.1f pt, below the floor of %.1f pt; shorten the procedure's steps",
                        result.path, style.size, cards.FLOOR[result.path.parent.parent.name])
    written = {r.path for r in last_results}
    _remove_stale(out, written)
    return sorted(written)
