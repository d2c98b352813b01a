"""Printable role sheets, checklists, procedure cards, booklets and new starters' packs.

Two sets, by size.  A property-sized handbook (up to :data:`SMALL` roles) prints every
document in every edition; lang is zh, en or bilingual::

    <out>/<lang>/roles/<role-id>.pdf            the role sheet, signed by the new hire
    <out>/<lang>/checklists/<role-id>.pdf       all of the role's periodic checklists, a page each
    <out>/<lang>/procedures/<procedure-id>.pdf  the one-page emergency card
    <out>/<lang>/booklet.pdf                    every role sheet
    <out>/<lang>/packs/<role-id>.pdf            new starter's pack (sheet, checklists, cards)

A group (above :data:`SMALL` roles) prints what a group really prints::

    <out>/bilingual/roles/<role-id>.pdf         the role document: the sheet, then its checklists
    <out>/bilingual/booklets/<department>.pdf   a department's role sheets
    <out>/<lang>/procedures/<procedure-id>.pdf  the card, in every edition
    (on demand, any edition: ``handbook pdf --role ID --lang zh|en|bilingual``, the pack)

    <out>/.handbook-pdf-cache.json              content hashes of the files above

The site links what was written (:mod:`generator.pdf.paths`): at group size the Chinese
and English role and checklist pages link the bilingual role document.

Why the group's set is cut this way.  Measured in one process on six roles of the
synthetic organisation of benchmarks/synth.py (20 duties a role, English two to three
times as long as the Chinese), CPU seconds a role, on the shared 2-core machine
(load 8–12, which inflates CPU seconds a little)::

    document (one role)                     pages  layout s  write s  on disk
    zh sheet / zh checklists                3 / 6  0.75/0.82  0.26/0.29  362/340 kB
    en sheet / en checklists                5 / 6  1.01/0.97  0.32/0.31  305/323 kB
    bilingual sheet / checklists            6 / 7  1.34/1.19  0.44/0.41  383/369 kB
    bilingual sheet + checklists, 2 files   13     2.53       0.88       750 kB
    bilingual role document, 1 file         13     2.53       0.67       432 kB

* One edition per role, the bilingual one.  Every edition of every role cost about
  8 CPU s and six files (2.1 MB) a role; the bilingual role document costs 3.2 CPU s and
  one file of 0.43 MB, and serves the Chinese and the English reader with one sheet to
  sign.  The Chinese edition alone would be cheaper still (about 2.1 CPU s a role) but
  leaves the English reader without paper; zh and en come on demand with the pack.
* The sheet and its checklists are pages of ONE document, made from their own layouts
  (no front matter, :class:`render.Combined`): a PDF file cannot share fonts with another
  file, so one file instead of two embeds Noto Sans CJK once: 432 kB instead of 750 kB,
  0.67 CPU s of writing instead of 0.88.  Each part keeps its own page numbers (the sheet
  "1 / 6" … "6 / 6", then each checklist), as in the pack: the sheet is signed as a
  document of its own, and the booklet shows its pages with the same numbers.
* A booklet per department, from the sheets' laid-out pages: nobody prints a 3,000-page
  book, a worker holds one department's layouts (about 20 roles) rather than the group's,
  and an edit lays out one department's sheets again, not the group's.
* The cards stay in every edition: there is one per procedure, not per role (about a
  tenth of the documents), and the Chinese card keeps all its content at 13–15 pt where the
  bilingual one drops secondary content to stay at 11/10 pt.
* Kept: both font weights.  One weight (no bold) saved 62 kB of the 383 kB of a bilingual
  sheet and no CPU time (1.79 against 1.78 s), while headings and step numbers lose their
  weight; the disk target holds without it.  Not done: checklist tick squares drawn as
  cell borders (10 % of a checklist's time, but the square to tick is the form).
* Every file is written again only when its content changed: a content hash of its
  HTML and of the program (:func:`style.fingerprint`) is kept beside the output, and
  an unchanged file is linked from the previous output (:mod:`generator.pdf.reuse`).
  Nothing that changes from run to run or with the rest of the handbook (a time, an
  index of all files) is in a document's HTML; a booklet's key is its front matter
  (its own department's contents) and its sheets' keys.

What stands in the way of 10 minutes at 1,000 roles: WeasyPrint itself, about 0.2 CPU s a
page laid out (text shaping and line breaking about a third, the CSS cascade and computed
values a quarter, drawing a sixth; the PDF write with font subsetting another 0.05 s a
page), and a bilingual role document is 13 pages.  Measured at 100 roles: 3.82 CPU s a
role with the cards and booklets (8.3 before, with every edition), 0.57 MB a role (2.2
before); at 1,000 roles that is about 3,800 CPU s, some 32 minutes on two idle cores, and
570 MB (docs/*/reference/benchmark.md).  Ten minutes needs a third of that: about five
pages a role, or an engine three times faster.

WeasyPrint, not a headless browser: it is a Python package (no Chromium to install on a
build server behind the mainland-China network), it supports paged media (running
headers, page counters), it embeds subsets of the Noto CJK fonts with the text kept
extractable, and the card writer reads its layouts to fit a card on one page.  It needs
HarfBuzz subsetting (:func:`style.require_fast_subsetting`).

A procedure card is one A4 page read from a metre away: its step text never goes below
11 pt (bilingual: 11 pt Chinese, 10 pt English); what does not fit is left out in a
fixed order and the card points to the full procedure.  The policy is in :mod:`cards`.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from generator.model import Handbook
from generator.pdf import cards, paths, views
from generator.pdf.printcss import print_header_style
from generator.pdf.render import PAGE_MARK, Combined, Job, LazyVariants, Part, Result, run_jobs
from generator.pdf.reuse import Cache
from generator.pdf.style import PrintSetupError, require_fast_subsetting
from generator.pdf.views import LABEL, LANGS

__all__ = [
    "GROUP_LANG",
    "LANGS",
    "SMALL",
    "PrintSetupError",
    "card_url",
    "print_header_style",
    "require_fast_subsetting",
    "write_pack",
    "write_pdfs",
]

#: Up to this many roles, every edition of every document, one booklet per edition and a
#: pack per role; above, the group's set (see the module docstring).
SMALL = 40
#: The one edition of a group's role documents and booklets (zh and en on demand).
GROUP_LANG = paths.GROUP_LANG

last_results: list[Result] = []  # of the latest write_pdfs call, for timing reports and tests
last_reused: list[Path] = []  # files of the latest call taken unchanged from the previous output
_card_styles: dict[Path, list[cards.CardStyle]] = {}  # the candidate styles of each card file
log = logging.getLogger("handbook.pdf")


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("generator", "templates/pdf"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(L=LABEL, limit=views.time_limit, limit_after=views.after)
    return env


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

    image = qrcode.make(
        url, image_factory=qrcode.image.svg.SvgPathImage, border=4, error_correction=qrcode.constants.ERROR_CORRECT_M
    )
    svg = image.to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _render(template: str, lang: str, **context: object) -> str:
    return _env().get_template(template).render(lang=lang, **context)


# --------------------------------------------------------------------------- the parts


@dataclass
class _CardRender:
    """Renders variant `i` of a card (picklable: workers render the variants they try)."""

    lang: str
    view: views.ProcedureView
    meta: object
    qr: str | None
    url: str | None
    styles: list[cards.CardStyle]

    def __call__(self, index: int) -> str:
        page = f"procedures/{self.view.procedure.id}/"
        return _render(
            "procedure.html",
            self.lang,
            v=self.view,
            meta=self.meta,
            style=self.styles[index],
            qr=self.qr,
            url=self.url,
            page=page,
        )


@dataclass
class _Views:
    """The views of a handbook, built once for every edition."""

    roles: dict[str, views.RoleView]
    procedures: dict[str, views.ProcedureView]
    sheets: dict[str, list[views.ChecklistView]]
    booklet: views.Booklet


def _views(book: Handbook) -> _Views:
    roles = {rid: views.role_view(book, role) for rid, role in book.roles.items()}
    return _Views(
        roles,
        {pid: views.procedure_view(book, proc) for pid, proc in book.procedures.items()},
        {rid: views.checklists(book, view) for rid, view in roles.items()},
        views.booklet(book, roles),
    )


def _sheet_part(book: Handbook, v: _Views, lang: str, rid: str, path: Path | None) -> Part:
    return Part(path, (_render("role.html", lang, v=v.roles[rid], meta=book.meta),))


def _checklist_part(book: Handbook, v: _Views, lang: str, rid: str, path: Path | None) -> Part | None:
    sheets = v.sheets[rid]
    if not sheets:
        return None
    return Part(path, (_render("checklists.html", lang, sheets=sheets, meta=book.meta),))


def _card_part(book: Handbook, v: _Views, lang: str, pid: str, path: Path | None) -> Part:
    """A card in every style it may take, in order of preference (see :mod:`cards`)."""
    url = card_url(book, pid, lang)
    qr = qr_data_uri(url) if url else None
    groups = cards.styles(lang)
    flat = [style for group in groups for style in group]
    render = _CardRender(lang, v.procedures[pid], book.meta, qr, url, flat)
    if path is not None:
        _card_styles[path] = flat
    return Part(
        path,
        LazyVariants(len(flat), render, render(0)),
        max_pages=1,
        sizes=tuple(s.size for s in flat),
        groups=tuple(len(g) for g in groups),
    )


def _booklet_front(book: Handbook, lang: str, booklet: views.Booklet, order: list[str], department=None) -> str:
    pages = {rid: PAGE_MARK.format(i) for i, rid in enumerate(order)}
    return _render(
        "booklet.html", lang, b=booklet, meta=book.meta, count=len(order), pages=pages, department=department
    )


def procedures_of(book: Handbook, role_id: str) -> list[str]:
    """The procedures in which the role owns a step (after-care included), in file order."""
    return [
        pid for pid, proc in book.procedures.items() if any(s.owner == role_id for s in [*proc.steps, *proc.aftercare])
    ]


def _pack(book: Handbook, v: _Views, lang: str, rid: str, index: dict[tuple[str, str], int], path: Path) -> Combined:
    """The pack of `rid` from parts already in the job (`index`: part key → position)."""
    order = [index[("sheet", rid)]]
    marks = {"sheet": PAGE_MARK.format(0)}
    if ("checklists", rid) in index:
        marks["checklists"] = PAGE_MARK.format(len(order))
        order.append(index[("checklists", rid)])
    entries = []
    for pid in procedures_of(book, rid):
        entries.append({"title": v.procedures[pid].procedure.title, "page": PAGE_MARK.format(len(order))})
        order.append(index[("card", pid)])
    periods = [s.period_label for s in v.sheets[rid]]
    front = _render("pack.html", lang, v=v.roles[rid], meta=book.meta, pages=marks, cards=entries, periods=periods)
    return Combined(path, front, tuple(order))


# --------------------------------------------------------------------------- the jobs


def _edition_job(book: Handbook, v: _Views, lang: str, base: Path) -> Job:
    """A property-sized handbook: one job lays out every document of an edition once and
    writes each file, the booklet and every pack from those layouts."""
    parts: list[Part] = []
    index: dict[tuple[str, str], int] = {}
    order = [rv.role.id for g in v.booklet.departments for rv in g.roles]
    for rid in order:
        index[("sheet", rid)] = len(parts)
        parts.append(_sheet_part(book, v, lang, rid, base / "roles" / f"{rid}.pdf"))
        part = _checklist_part(book, v, lang, rid, base / "checklists" / f"{rid}.pdf")
        if part:
            index[("checklists", rid)] = len(parts)
            parts.append(part)
    for pid in v.procedures:
        index[("card", pid)] = len(parts)
        parts.append(_card_part(book, v, lang, pid, base / "procedures" / f"{pid}.pdf"))
    combined = []
    if order:
        combined.append(
            Combined(
                base / "booklet.pdf",
                _booklet_front(book, lang, v.booklet, order),
                tuple(index[("sheet", r)] for r in order),
            )
        )
    combined += [_pack(book, v, lang, rid, index, base / "packs" / f"{rid}.pdf") for rid in order]
    return Job(tuple(parts), tuple(combined))


def _group_jobs(book: Handbook, v: _Views, out: Path) -> list[Job]:
    """A group: a job per department (its role documents and booklet, in the group's
    edition), and a job per card in every edition."""
    base = out / GROUP_LANG
    jobs = []
    for group in v.booklet.departments:
        parts: list[Part] = []
        combined: list[Combined] = []
        sheets = []
        for rv in group.roles:
            rid = rv.role.id
            sheet = len(parts)
            sheets.append(sheet)
            parts.append(_sheet_part(book, v, GROUP_LANG, rid, None))
            part = _checklist_part(book, v, GROUP_LANG, rid, None)
            if part:
                parts.append(part)
            # The role document: the sheet's own pages, then the checklists' (no front matter).
            combined.append(Combined(base / "roles" / f"{rid}.pdf", None, tuple(range(sheet, len(parts)))))
        order = [rv.role.id for rv in group.roles]
        front = _booklet_front(book, GROUP_LANG, views.Booklet([group]), order, department=group.name)
        combined.append(Combined(base / "booklets" / f"{group.id}.pdf", front, tuple(sheets)))
        jobs.append(Job(tuple(parts), tuple(combined)))
    for lang in LANGS:
        for pid in v.procedures:
            jobs.append(Job((_card_part(book, v, lang, pid, out / lang / "procedures" / f"{pid}.pdf"),)))
    return jobs


def plan(book: Handbook, out: Path) -> list[Job]:
    """Every job of the full set, nothing decided yet about what the cache already has."""
    _card_styles.clear()
    v = _views(book)
    if len(book.roles) > SMALL:
        return _group_jobs(book, v, out)
    return [_edition_job(book, v, lang, out / lang) for lang in LANGS]


def card_style(result: Result) -> cards.CardStyle | None:
    """The style a card was written in (its level and type size), None for other documents."""
    styles = _card_styles.get(result.path) if result.path else None
    return styles[result.variant] if styles else None


def _warn_below_floor(results: list[Result]) -> None:
    for result in results:
        style = card_style(result)
        if style and style.below_floor and result.path:
            log.warning(
                "%s: the card fits one page only at %.1f pt, below the floor of %.1f pt; shorten the procedure's steps",
                result.path,
                style.size,
                cards.FLOOR[result.path.parent.parent.name],
            )


def write_pdfs(book: Handbook, out: Path, *, workers: int | None = None, previous: Path | None = None) -> list[Path]:
    """Write every PDF of the handbook under `out`; return their paths, sorted.

    `previous`: an earlier output folder (default: `out` itself) whose files are reused
    where their content hash says they would come out the same.
    """
    global last_results, last_reused
    require_fast_subsetting()
    out = Path(out)
    jobs = plan(book, out)
    cache = Cache(out, Path(previous) if previous else out)
    todo, reused = cache.select(jobs)
    last_results = run_jobs(todo, workers)
    last_reused = reused
    _warn_below_floor(last_results)
    written = cache.commit(jobs)
    return sorted(written)


def write_pack(book: Handbook, role_id: str, out: Path, lang: str = "zh") -> Path:
    """One new starter's pack: `<out>/<lang>/packs/<role-id>.pdf`, written in this process."""
    global last_results
    require_fast_subsetting()
    v = _views(book)
    base = Path(out) / lang
    parts: list[Part] = []
    index: dict[tuple[str, str], int] = {}
    index[("sheet", role_id)] = 0
    parts.append(_sheet_part(book, v, lang, role_id, None))
    part = _checklist_part(book, v, lang, role_id, None)
    if part:
        index[("checklists", role_id)] = len(parts)
        parts.append(part)
    for pid in procedures_of(book, role_id):
        index[("card", pid)] = len(parts)
        parts.append(_card_part(book, v, lang, pid, None))
    path = base / "packs" / f"{role_id}.pdf"
    last_results = run_jobs([Job(tuple(parts), (_pack(book, v, lang, role_id, index, path),))], workers=1)
    return path
