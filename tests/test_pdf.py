"""The printed documents, read back: A4, one-page cards, complete text, QR codes, fonts.

The PDFs are written once per session from a copy of the bundled data (the repository
root when it has roles, else the mini fixture), with a base URL set if the data has
none, so that the cards carry QR codes to decode.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Set as AbstractSet
from pathlib import Path

import pytest
from generator import pdf
from generator.model import Handbook, Item, Meta, Procedure, Role, Text
from generator.pdf import cards, views
from generator.pdf.render import Result, render_job
from generator.pipeline import load_and_check
from pypdf import PdfReader

from support import (
    Printed,  # the session's PDF set is conftest's `printed`
    resolved_contacts,
)

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "mini"
A4 = (595.28, 841.89)


def norm(text: str) -> str:
    """Compare text without whitespace: pdftotext breaks lines inside CJK words and sentences."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def pdf_text(path: Path, first: int | None = None, last: int | None = None, layout: bool = False) -> str:
    """Text in reading order (``-raw``: a table cell's lines stay together), or as laid out."""
    cmd = ["pdftotext", "-layout" if layout else "-raw", "-enc", "UTF-8"]
    if first:
        cmd += ["-f", str(first)]
    if last:
        cmd += ["-l", str(last)]
    return subprocess.run([*cmd, str(path), "-"], check=True, capture_output=True, text=True).stdout


def texts_of(lang: str, text: Text | None) -> list[str]:
    if text is None:
        return []
    return {"zh": [text.zh], "en": [text.en], "bilingual": [text.zh, text.en]}[lang]


def item_texts(items: list[Item]) -> list[Text]:
    return [i.text for i in views.flatten_items(items)]


def role_texts(role: Role) -> list[Text]:
    """Everything of a role that its sheet must print in full (editors' notes are for
    maintainers: the site folds them away and paper leaves them out, see editors_notes)."""
    out = [role.title, role.purpose]
    for duty in role.duties:
        out += [duty.text, *item_texts(duty.items)]
    for section in role.sections:
        out += [section.title, *section.intro]
    for a in role.authorities:
        out += [a.text] if a.text else []
    for s in [*role.requirements, *role.standards]:
        out += [s.text]
    return out


def editors_notes(role: Role) -> list[Text]:
    """The notes an editor wrote for maintainers on a role, and the source's placeholder
    issue date: on the site's role page, folded "for maintainers"; never on staff paper."""
    out = [d.note for d in role.duties if d.note]
    out += [i.note for d in role.duties for i in views.flatten_items(d.items) if i.note]
    out += [a.note for a in role.authorities if a.note]
    out += [s.note for s in [*role.requirements, *role.standards] if s.note]
    out += list(role.notes)
    if role.source and role.source.issued:
        out.append(role.source.issued)
    return out


def missing(haystack: str, lang: str, texts: list[Text]) -> list[str]:
    flat = norm(haystack)
    return [s for t in texts for s in texts_of(lang, t) if norm(s) not in flat]


def test_every_document_is_written(printed: Printed) -> None:
    book, out = printed.book, printed.out
    expected = set()
    assert len(book.roles) <= pdf.SMALL  # a property-sized handbook: one booklet, a pack per role
    for lang in pdf.LANGS:
        expected.add(out / lang / "booklet.pdf")
        for rid, role in book.roles.items():
            expected.add(out / lang / "roles" / f"{rid}.pdf")
            expected.add(out / lang / "packs" / f"{rid}.pdf")
            if {d.frequency for d in role.duties} & set(views.PERIODS):  # all periods in one file
                expected.add(out / lang / "checklists" / f"{rid}.pdf")
        for pid in book.procedures:
            expected.add(out / lang / "procedures" / f"{pid}.pdf")
    assert set(printed.files) == expected


def test_every_page_is_a4(printed: Printed) -> None:
    for path in printed.files:
        for page in PdfReader(path).pages:
            size = sorted((float(page.mediabox.width), float(page.mediabox.height)))
            assert size == pytest.approx(sorted(A4), abs=1), (path, size)


def test_a_procedure_card_is_one_page(printed: Printed) -> None:
    cards = [p for p in printed.files if p.parent.name == "procedures"]
    assert cards
    for path in cards:
        assert len(PdfReader(path).pages) == 1, path


@pytest.mark.parametrize("lang", pdf.LANGS)
def test_role_sheet_prints_everything_on_the_role(printed: Printed, lang: str) -> None:
    for rid, role in printed.book.roles.items():
        text = pdf_text(printed.out / lang / "roles" / f"{rid}.pdf")
        assert not missing(text, lang, role_texts(role)), (lang, rid, missing(text, lang, role_texts(role)))
        flat = norm(text)
        assert norm(role.document.version) in flat and role.document.effective.isoformat() in flat
        sign = {"zh": "签名", "en": "Signature", "bilingual": "签名"}[lang]
        assert sign in flat, (lang, rid)
        for duty in role.duties:  # the escalation path, by role title
            path = [
                views.role_title(printed.book, h.role)
                for h in pdf.views.escalation_path(printed.book, rid, duty.escalate_to).hops
            ]
            assert not missing(text, lang, path), (lang, rid, duty.id)


def test_staff_paper_leaves_out_editors_notes_that_the_site_folds_away(printed: Printed, built_site) -> None:
    """The zh role sheet, booklet and pack of a role with an editor's note ("…的笔误") and the
    placeholder issue date ("二0**年一月一日") print neither; the site's role page keeps both
    inside its maintainers' box."""
    noted = {
        rid: notes
        for rid, r in printed.book.roles.items()
        if (notes := [n for n in editors_notes(r) if len(n.zh) >= 8])
    }
    assert any("笔误" in n.zh for ns in noted.values() for n in ns), "the bundled data has an editor's typo note"
    assert any("**" in n.zh for ns in noted.values() for n in ns), "the bundled data has the placeholder issue date"
    booklet = norm(pdf_text(printed.out / "zh" / "booklet.pdf"))
    for rid, notes in noted.items():
        raw = re.sub(r"\s+", "", pdf_text(printed.out / "zh" / "roles" / f"{rid}.pdf"))
        sheet = norm(raw)
        pack = norm(pdf_text(printed.out / "zh" / "packs" / f"{rid}.pdf"))
        page = (built_site.site / "roles" / rid / "index.html").read_text(encoding="utf-8")
        boxes = norm(html.unescape(" ".join(re.findall(r'<details class="note hb-maint">(.*?)</details>', page, re.S))))
        for n in notes:
            assert norm(n.zh) not in sheet, (rid, "role sheet", n.zh)
            assert norm(n.zh) not in pack, (rid, "pack", n.zh)
            assert norm(n.zh) not in booklet, (rid, "booklet", n.zh)
            assert norm(n.zh) in boxes, (rid, "site: not in a maintainers' box", n.zh)
        assert "注:" not in raw and "发布日期" not in raw, rid  # raw: NFKC would turn ： into :
        assert views.LABEL["pdf_document_version"].zh + "：" in raw, rid  # the sign-off's own colon


def card_essentials(book: Handbook, proc: Procedure) -> list[Text]:
    """What a card never leaves out: steps, their owners and time limits, emergency numbers."""
    out = [proc.title, *[c.name for c in resolved_contacts(proc)]]
    for step in proc.steps:
        out += [step.text, views.role_title(book, step.owner)]
        out += [limit] if (limit := views.time_limit(step.within_minutes)) else []
    return out


@pytest.mark.parametrize("lang", pdf.LANGS)
def test_procedure_card_keeps_every_step_owner_time_limit_and_number(printed: Printed, lang: str) -> None:
    for pid, proc in printed.book.procedures.items():
        text = pdf_text(printed.out / lang / "procedures" / f"{pid}.pdf")
        wanted = card_essentials(printed.book, proc)
        assert not missing(text, lang, wanted), (lang, pid, missing(text, lang, wanted))
        for contact in resolved_contacts(proc):
            assert norm(contact.number) in norm(text)


@pytest.mark.parametrize("lang", pdf.LANGS)
def test_procedure_card_says_what_it_left_out(printed: Printed, lang: str) -> None:
    """Secondary content goes in the fixed order of generator.pdf.cards, and the card says so."""
    L = views.LABEL
    for pid, proc in printed.book.procedures.items():
        path = printed.out / lang / "procedures" / f"{pid}.pdf"
        level, text = printed.styles[path].level, pdf_text(path)
        dropped_at = {  # level from which the texts are left out
            1: [proc.template] if proc.template else [],
            2: [s.note for s in proc.steps if s.note] + [c.note for c in resolved_contacts(proc) if c.note],
            3: [s.text for s in proc.aftercare],
            4: [r.condition for r in proc.escalation],
            5: [proc.trigger],
        }
        for at, texts in dropped_at.items():
            wrong = [t for t in texts if not missing(text, lang, [t])] if level >= at else missing(text, lang, texts)
            assert not wrong, (lang, pid, level, at, wrong)
        said = missing(text, lang, [L["pdf_full_qr"]]) if level >= 1 else []
        assert not said and (level == 0 or f"procedures/{pid}/" in text), (lang, pid, level)
        if level >= 3 and proc.aftercare:
            assert not missing(text, lang, [L["pdf_aftercare_qr"]]), (lang, pid)


def step_text_sizes(path: Path, texts: list[str]) -> list[float]:
    """The smallest type size (pt) at which each text is printed on the page, read from
    the PDF's text operators (font size × text and transformation matrices)."""
    chars: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        a, b = tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]
        c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
        scale = abs(a * d - b * c) ** 0.5
        chars.extend((n, size * scale) for ch in text for n in unicodedata.normalize("NFKC", ch) if not n.isspace())

    (page,) = PdfReader(path).pages
    page.extract_text(visitor_text=visit)
    flat = "".join(ch for ch, _ in chars)
    sizes = []
    for text in texts:
        start = flat.find(norm(text))
        assert start >= 0, (path, text)  # printed in one piece, in reading order
        sizes.append(min(size for _, size in chars[start : start + len(norm(text))]))
    return sizes


@pytest.mark.parametrize("lang", pdf.LANGS)
def test_procedure_card_step_text_is_never_below_the_floor(printed: Printed, lang: str) -> None:
    """Readable from a metre: 11 pt step text (bilingual: 11 pt Chinese, 10 pt English)."""
    for pid, proc in printed.book.procedures.items():
        path = printed.out / lang / "procedures" / f"{pid}.pdf"
        if lang == "bilingual":
            zh = step_text_sizes(path, [s.text.zh for s in proc.steps])
            en = step_text_sizes(path, [s.text.en for s in proc.steps])
            assert min(zh) >= cards.FLOOR[lang] - 0.01 and min(en) >= cards.EN_FLOOR - 0.01, (pid, zh, en)
            assert all(z > e for z, e in zip(zh, en, strict=True)), (pid, zh, en)  # Chinese the larger line
        else:
            sizes = step_text_sizes(path, [getattr(s.text, lang) for s in proc.steps])
            assert min(sizes) >= cards.FLOOR[lang] - 0.01, (lang, pid, sizes)
        assert not printed.styles[path].below_floor


@pytest.mark.parametrize("lang", pdf.LANGS)
def test_checklists_list_the_duties_of_their_period(printed: Printed, lang: str) -> None:
    """One file per role; each period starts a page of its own that lists its duties."""
    for rid, role in printed.book.roles.items():
        path = printed.out / lang / "checklists" / f"{rid}.pdf"
        periods = [p for p in views.PERIODS if any(d.frequency == p for d in role.duties)]
        assert path.exists() == bool(periods)
        if not periods:
            continue
        pages = [pdf_text(path, n, n) for n in range(1, len(PdfReader(path).pages) + 1)]
        starts = [i for i, page in enumerate(pages) if not missing(page, lang, [views.LABEL["pdf_employee_name"]])]
        assert len(starts) == len(periods) and starts[0] == 0, (lang, rid, starts, periods)
        for period, start, end in zip(periods, starts, [*starts[1:], len(pages)], strict=True):
            text = "".join(pages[start:end])
            assert not missing(text, lang, [views.FREQUENCY[period]]), (lang, rid, period)
            assert not missing(text, lang, [d.text for d in role.duties if d.frequency == period]), (lang, rid, period)
            assert not missing(text, lang, [views.LABEL["pdf_date"], views.LABEL["pdf_initials"]])


def _decode_qr(path: Path, tmp_path: Path) -> list[str]:
    import zxingcpp
    from PIL import Image

    prefix = tmp_path / path.stem
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(path), str(prefix)], check=True)
    (png,) = tmp_path.glob(f"{path.stem}*.png")
    return [r.text for r in zxingcpp.read_barcodes(Image.open(png))]


@pytest.mark.parametrize("lang", pdf.LANGS)
def test_qr_code_opens_the_live_page(printed: Printed, lang: str, tmp_path: Path) -> None:
    base = (_meta(printed.book).base_url or "").rstrip("/")
    assert printed.book.procedures
    for pid in printed.book.procedures:
        url = f"{base}{'/en' if lang == 'en' else ''}/procedures/{pid}/"
        assert _decode_qr(printed.out / lang / "procedures" / f"{pid}.pdf", tmp_path) == [url]


def test_fonts_are_embedded_noto_cjk_sc(printed: Printed) -> None:
    samples = [printed.out / lang / "booklet.pdf" for lang in pdf.LANGS]
    samples += [p for p in printed.files if p.parent.name == "procedures"][:3]
    for path in samples:
        lines = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout.splitlines()[
            2:
        ]
        assert lines, path
        for line in lines:
            assert re.search(r"\byes\s+yes\s+yes\b", line), (path, line)  # embedded, subset, ToUnicode
        assert any("Noto-Sans-CJK-SC" in line for line in lines), lines


@pytest.mark.parametrize("lang", pdf.LANGS)
def test_booklet_contents_point_at_the_right_pages(printed: Printed, lang: str) -> None:
    path = printed.out / lang / "booklet.pdf"
    reader = PdfReader(path)
    sheets = sum(len(PdfReader(printed.out / lang / "roles" / f"{rid}.pdf").pages) for rid in printed.book.roles)
    assert len(reader.pages) >= sheets + 2
    entries = {}  # title as printed in the contents → page number
    for line in pdf_text(path, 2, 3, layout=True).splitlines():
        if m := re.match(r"\s*(.*?)\s*\.[\s.]*(\d+)\s*$", line):
            entries[norm(m[1])] = int(m[2])
    assert len(entries) == len(printed.book.roles), entries
    for role in printed.book.roles.values():
        title = role.title.zh if lang != "en" else role.title.en
        printed_as = (
            title + (f" {role.title.en}" if lang == "bilingual" else "") + (f" {role.code}" if role.code else "")
        )
        page = entries[norm(printed_as)]
        assert norm(title) in norm(pdf_text(path, page, page)), (lang, role.id, page)


def test_running_header_and_page_numbers(printed: Printed) -> None:
    book = printed.book
    rid, role = next(iter(book.roles.items()))
    path = printed.out / "zh" / "roles" / f"{rid}.pdf"
    pages = len(PdfReader(path).pages)
    first = norm(pdf_text(path, 1, 1))
    assert norm(_meta(book).title.zh) in first and norm(role.title.zh) in first
    assert f"1/{pages}" in first
    if role.code:
        assert norm(role.code) in first


# ---- HTML level: cheap checks that need no PDF ----------------------------------------


def _mini() -> Handbook:
    book, _ = load_and_check(MINI)
    return book


def _meta(book: Handbook) -> Meta:
    """handbook.yml of a handbook that passed its check (it always has one)."""
    assert book.meta is not None
    return book.meta


def test_yaml_text_is_printed_not_interpreted() -> None:
    book = _mini()
    role = book.roles["clerk"]
    role.duties[0].text = Text(zh="<b>粗体</b> {{ 7*7 }}", en="<script>x()</script> {% if %}")
    html = pdf._render("role.html", "bilingual", v=views.role_view(book, role), meta=book.meta)
    assert "&lt;b&gt;粗体&lt;/b&gt; {{ 7*7 }}" in html
    assert "&lt;script&gt;x()&lt;/script&gt; {% if %}" in html
    assert "<script>" not in html and "49" not in html


def test_no_qr_code_without_a_base_url() -> None:
    book = _mini()
    _meta(book).base_url = None  # the mini fixture has one (without it, check warns W710)
    assert pdf.card_url(book, "lift", "zh") is None
    cards_ = [
        p
        for j in pdf.plan(book, Path("/nonexistent"))
        for p in j.parts
        if p.path and p.path.parent.name == "procedures"
    ]
    assert cards_ and all("<img" not in p.variants[i] for p in cards_ for i in (0, len(p.variants) - 1))


def test_card_urls_follow_the_site_layout() -> None:
    book = _mini()
    _meta(book).base_url = "https://x.example/hb/"
    assert pdf.card_url(book, "lift", "zh") == "https://x.example/hb/procedures/lift/"
    assert pdf.card_url(book, "lift", "bilingual") == "https://x.example/hb/procedures/lift/"
    assert pdf.card_url(book, "lift", "en") == "https://x.example/hb/en/procedures/lift/"
    _meta(book).base_url = "javascript:alert(1)//"
    assert pdf.card_url(book, "lift", "zh") is None


def _card(book: Handbook, lang: str, tmp_path: Path, pid: str = "lift") -> pdf.Job:
    return pdf.Job((pdf._card_part(book, pdf._views(book), lang, pid, tmp_path / lang / "procedures" / f"{pid}.pdf"),))


@pytest.mark.slow  # lays out every variant of a card until one fits
def test_an_overlong_card_drops_secondary_content_not_type_size(tmp_path: Path) -> None:
    book = _mini()
    proc = book.procedures["lift"]
    step = proc.steps[0]
    note = Text(zh="注意安全，" * 30, en="Mind your own safety. " * 20)
    proc.steps = [
        step.model_copy(update={"id": f"s{i}", "text": Text(zh=step.text.zh * 6, en=step.text.en * 4), "note": note})
        for i in range(9)
    ]
    proc.aftercare = [
        step.model_copy(update={"id": f"a{i}", "text": Text(zh="善后" * 40, en="Afterwards. " * 20)}) for i in range(6)
    ]
    job = _card(book, "bilingual", tmp_path)
    (result,) = render_job(job)
    style = pdf.card_style(result)
    assert style is not None and result.path is not None
    assert result.pages == 1 and len(PdfReader(result.path).pages) == 1
    assert style.level >= 2 and not style.below_floor, style
    text = pdf_text(result.path)
    assert not missing(text, "bilingual", [s.text for s in proc.steps])
    assert missing(text, "bilingual", [note]) and "procedures/lift/" in text


def test_an_impossible_card_goes_below_the_floor_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The last resort keeps one page; `handbook pdf` says which procedure to shorten."""
    book = _mini()
    card = tmp_path / "zh" / "procedures" / "lift.pdf"
    last = len(_card(book, "zh", tmp_path).parts[0].variants) - 1
    monkeypatch.setattr(
        pdf,
        "run_jobs",
        lambda jobs, workers=None: [
            Result(p.path, 1, 0.0, last if p.path == card else 0) for j in jobs for p in j.parts
        ],
    )
    pdf.write_pdfs(book, tmp_path)
    style = pdf._card_styles[card][last]
    assert style.below_floor and style.size < cards.FLOOR["zh"] and style.level == cards.LEVELS[-1]
    assert "below the floor" in caplog.text and str(card) in caplog.text


def test_card_levels_leave_out_in_the_fixed_order() -> None:
    """HTML only: what each level keeps; steps, owners, time limits and numbers at every level."""
    book = _mini()
    _meta(book).base_url = "https://x.example/hb/"
    proc = book.procedures["lift"]
    proc.steps[0].note = Text(zh="步骤注释", en="Step note")
    proc.template = Text(zh="长的模板说明", en="Long template notice")
    proc.aftercare = [
        proc.steps[0].model_copy(update={"id": "after", "text": Text(zh="善后事项", en="Aftercare item")})
    ]
    view = views.procedure_view(book, proc)
    seen = {}
    for level in cards.LEVELS:
        style = cards.CardStyle(level, 11.0, 10.0)
        html = pdf._render(
            "procedure.html",
            "bilingual",
            v=view,
            meta=book.meta,
            style=style,
            qr="data:,",
            url="https://x.example/hb/procedures/lift/",
            page="procedures/lift/",
        )
        seen[level] = {
            k: k in html
            for k in (
                "长的模板说明",
                "步骤注释",
                "善后事项",
                "未救出",
                views.LABEL["trigger"].zh,
                views.LABEL["ladder"].zh,
                "完整流程见二维码",
            )
        }
        for kept in ("安抚被困人员", "Reassure the people trapped.", "96333", "1 分钟内", "within 1 min", "<img"):
            assert kept in html, (level, kept)
    assert [seen[level]["长的模板说明"] for level in cards.LEVELS] == [True] + [False] * 6
    assert [seen[level]["完整流程见二维码"] for level in cards.LEVELS] == [False] + [True] * 6
    assert [seen[level]["步骤注释"] for level in cards.LEVELS] == [True] * 2 + [False] * 5
    assert [seen[level]["善后事项"] for level in cards.LEVELS] == [True] * 3 + [False] * 4
    assert [seen[level]["未救出"] for level in cards.LEVELS] == [True] * 4 + [False] * 3
    assert [seen[level][views.LABEL["trigger"].zh] for level in cards.LEVELS] == [True] * 5 + [False] * 2
    assert all(seen[level][views.LABEL["ladder"].zh] for level in cards.LEVELS)  # the ladder, or its pointer line


def test_card_styles_run_from_large_to_the_floor() -> None:
    for lang in pdf.LANGS:
        groups = cards.styles(lang)
        assert [g[0].level for g in groups[:-1]] == list(cards.LEVELS)
        for group in groups[:-1]:
            assert [s.size for s in group] == sorted((s.size for s in group), reverse=True)
            assert group[-1].size == cards.FLOOR[lang] and not any(s.below_floor for s in group)
            assert all(s.en_size >= (cards.EN_FLOOR if lang == "bilingual" else cards.FLOOR[lang]) for s in group)
        assert all(s.below_floor and s.size < cards.FLOOR[lang] for s in groups[-1])


# ---- layout: nothing outside the margins, the sign-off, the card's top and columns ----


def _gray_pages(path: Path, dpi: int, out: Path) -> list[tuple[int, int, bytes]]:
    """Every page rendered by poppler in 8-bit grey: (width, height, pixels)."""
    prefix = out / path.stem
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(path), str(prefix)], check=True)
    pages = []
    for pgm in sorted(out.glob(f"{path.stem}-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
        magic, width, height, _, pixels = pgm.read_bytes().split(maxsplit=4)
        assert magic == b"P5"
        pages.append((int(width), int(height), pixels))
        pgm.unlink()
    return pages


def inked_margin_pages(
    path: Path, band_mm: float, tmp_path: Path, skip: AbstractSet[int] = frozenset(), dpi: int = 24
) -> list[int]:
    """Pages with anything darker than a light grey in the outer `band_mm` left or right."""
    bad = []
    for number, (width, height, px) in enumerate(_gray_pages(path, dpi, tmp_path), 1):
        band = max(1, int(band_mm / 25.4 * dpi))
        if number in skip:
            continue
        if any(
            min(px[y * width : y * width + band]) < 200 or min(px[(y + 1) * width - band : (y + 1) * width]) < 200
            for y in range(height)
        ):
            bad.append(number)
    return bad


def test_nothing_is_printed_in_the_side_margins(printed: Printed, tmp_path: Path) -> None:
    """Render every page: the side margins (16 mm; landscape 14 mm; cards 7 mm) stay blank
    (checked 12 mm, 12 mm and 5 mm in from the paper's edge).  The booklet cover is full-bleed
    on purpose; a pack's card pages keep the card's margins."""
    bad = {}
    for path in printed.files:
        kind = path.parent.name
        band = 5 if kind in ("procedures", "packs") else 12
        skip = {1} if path.name == "booklet.pdf" or kind == "booklets" else set()
        if pages := inked_margin_pages(path, band, tmp_path, skip):
            bad[str(path.relative_to(printed.out))] = pages
    assert not bad, bad


def test_the_margin_check_sees_a_table_that_runs_past_the_margin(tmp_path: Path) -> None:
    """The check above would fail on the old header table (cell widths in % plus padding)."""
    from weasyprint import HTML

    wide = (
        '<table style="width:100%;border-collapse:collapse;table-layout:fixed"><tr>'
        + '<td style="width:25%;padding:0 6mm;border:1pt solid #000">x</td>' * 4
        + "</tr></table>"
    )
    path = tmp_path / "wide.pdf"
    HTML(string=f"<style>@page {{ size: A4; margin: 20mm 16mm }}</style>{wide}").write_pdf(path)
    assert inked_margin_pages(path, 12, tmp_path) == [1]


@pytest.mark.parametrize("lang", pdf.LANGS)
def test_sign_off_asks_both_for_name_staff_number_signature_and_date(printed: Printed, lang: str) -> None:
    L = views.LABEL
    rid = next(iter(printed.book.roles))
    path = printed.out / lang / "roles" / f"{rid}.pdf"
    last = len(PdfReader(path).pages)
    text = pdf_text(path, last - 1 if last > 1 else 1, last)
    block = text[text.find(texts_of(lang, L["pdf_signoff"])[0]) :]
    fields = [L["pdf_printed_name"], L["pdf_staff_number"], L["pdf_signature"], L["pdf_date"]]
    for who in (L["pdf_employee"], L["pdf_supervisor"]):
        assert not missing(block, lang, [who]), (lang, who)
    for field in fields:  # once in each of the two rows
        assert norm(block).count(norm(texts_of(lang, field)[0])) >= 2, (lang, field, block)


def _chars(path: Path) -> list[tuple[str, float, float]]:
    """(character, x, type size) of every character of a one-page PDF, in content order."""
    out: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        scale = abs(tm[0] * cm[0] + tm[1] * cm[2])
        out.extend((n, x, size * scale) for ch in text for n in unicodedata.normalize("NFKC", ch) if not n.isspace())

    (page,) = PdfReader(path).pages
    page.extract_text(visitor_text=visit)
    return out


@pytest.mark.parametrize("lang", pdf.LANGS)
def test_card_says_template_and_gives_the_numbers_before_the_steps(printed: Printed, lang: str) -> None:
    for pid, proc in printed.book.procedures.items():
        text = norm(pdf_text(printed.out / lang / "procedures" / f"{pid}.pdf"))
        first_step = text.find(norm(texts_of(lang, proc.steps[0].text)[0]))
        assert first_step > 0, (lang, pid)
        if proc.template:
            at = text.find(norm(texts_of(lang, views.LABEL["pdf_template_top"])[0]))
            assert 0 <= at < first_step, (lang, pid, "template line")
        for contact in resolved_contacts(proc):
            at = text.find(norm(contact.number))
            assert 0 <= at < first_step, (lang, pid, contact.number)


def _words(path: Path) -> list[tuple[float, float, float, str]]:
    """(xMin, xMax, yMin, word) of every word on the first page, from poppler's boxes."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
    return [(float(x0), float(x1), float(y0), html.unescape(w)) for x0, y0, x1, w in re.findall(pattern, out)]


def test_bilingual_card_keeps_the_step_text_left_of_who_and_when(printed: Printed) -> None:
    """Both languages of a step stay in their own column: between the steps heading and
    the ladder, nothing right of where the owner / time-limit column begins is anything
    but an owner or a time limit, and no word crosses into that column."""
    L = views.LABEL
    for pid, proc in printed.book.procedures.items():
        words = _words(printed.out / "bilingual" / "procedures" / f"{pid}.pdf")
        who = {
            w
            for s in proc.steps
            for t in (views.role_title(printed.book, s.owner), views.time_limit(s.within_minutes))
            if t
            for w in f"{t.zh} {t.en}".split()
        }
        top = next(y for x0, x1, y, w in words if w.startswith(L["steps"].zh))
        ends = [
            y
            for x0, x1, y, w in words
            if y > top and w.startswith((L["ladder"].zh, L["aftercare"].zh, L["pdf_ladder_and_aftercare"].zh))
        ]
        bottom = min(ends) if ends else 1e9
        region = [(x0, x1, w) for x0, x1, y, w in words if top < y < bottom]
        # The column starts where the time limits start ("5 分钟内 within 5 min" begins each cell).
        units = {"分钟内", "小时内", "天内"}
        column = min(
            region[i][0] for i in range(len(region) - 1) if region[i][2].isdigit() and region[i + 1][2] in units
        )
        strays = [w for x0, x1, w in region if x1 > column + 1 and w not in who and not w.isdigit()]
        assert not strays, (pid, column, strays[:10])
        crossing = [w for x0, x1, w in region if x0 < column - 1 and x1 > column + 1]
        assert not crossing, (pid, column, crossing)


def test_pdf_labels_are_the_sites_labels(printed: Printed) -> None:
    """One label catalogue: a critical procedure's card says what the site says."""
    import yaml

    site = yaml.safe_load((REPO / "generator" / "templates" / "site" / "labels.yml").read_text(encoding="utf-8"))
    for pid, proc in printed.book.procedures.items():
        for lang in ("zh", "en"):
            text = norm(pdf_text(printed.out / lang / "procedures" / f"{pid}.pdf"))
            assert norm(site[lang][f"severity_{proc.severity}"]) in text, (lang, pid)
    rid = next(rid for rid, r in printed.book.roles.items() if any(d.frequency == "on-demand" for d in r.duties))
    assert norm(site["en"]["freq_on-demand"]) in norm(pdf_text(printed.out / "en" / "roles" / f"{rid}.pdf"))


# ---- the new starter's pack -----------------------------------------------------------


def test_pack_holds_sheet_checklists_and_the_roles_cards_with_contents(printed: Printed) -> None:
    book = printed.book
    rid = max(book.roles, key=lambda r: len(pdf.procedures_of(book, r)))
    role, procs = book.roles[rid], pdf.procedures_of(book, rid)
    assert procs
    path = printed.out / "zh" / "packs" / f"{rid}.pdf"
    pages = len(PdfReader(path).pages)
    sheet = len(PdfReader(printed.out / "zh" / "roles" / f"{rid}.pdf").pages)
    checklists = printed.out / "zh" / "checklists" / f"{rid}.pdf"
    lists = len(PdfReader(checklists).pages) if checklists.exists() else 0
    assert pages == 1 + sheet + lists + len(procs)
    contents = {}
    for line in pdf_text(path, 1, 1, layout=True).splitlines():
        if m := re.match(r"\s*(.*?)\s*\.[\s.]*(\d+)\s*$", line):
            contents[norm(m[1])] = int(m[2])
    assert contents[norm(views.LABEL["pdf_role_sheet"].zh)] == 2
    assert norm(role.title.zh) in norm(pdf_text(path, 2, 2))
    for pid in procs:
        title = book.procedures[pid].title.zh
        page = contents[norm(title)]
        assert norm(title) in norm(pdf_text(path, page, page)), (pid, page)
        assert len(PdfReader(path).pages[page - 1].extract_text()) > 0


@pytest.mark.slow  # writes a pack through the command line
def test_handbook_pdf_role_writes_one_pack(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from generator.cli import main

    assert main(["pdf", "--root", str(MINI), "--out", str(tmp_path), "--role", "clerk", "--lang", "bilingual"]) == 0
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.pdf")] == ["bilingual/packs/clerk.pdf"]
    text = norm(pdf_text(tmp_path / "bilingual" / "packs" / "clerk.pdf"))
    assert norm(_mini().procedures["lift"].title.en) in text
    assert main(["pdf", "--root", str(MINI), "--out", str(tmp_path), "--role", "nobody"]) == 1
    assert "there is no role 'nobody'" in capsys.readouterr().err


def test_the_site_links_the_pack_and_one_checklist_file() -> None:
    from generator.pages import render_pages

    book = _mini()
    pages = render_pages(
        book, "zh", directory_urls=True, pdfs=["zh/packs/clerk.pdf", "zh/checklists/clerk.pdf", "zh/roles/clerk.pdf"]
    )
    by_path = {p.path: p.text for p in pages}
    role = next(text for path, text in by_path.items() if path.endswith("roles/clerk.md"))
    assert "pdf/zh/packs/clerk.pdf" in role and views.LABEL["pdf_print_pack"].zh in role
    checklist = next(text for path, text in by_path.items() if path.endswith("checklists/clerk.md"))
    assert "pdf/zh/checklists/clerk.pdf" in checklist


# ---- scale: booklets per department, the cache, the engine check ------------------------


def _pages_of(book: Handbook, template: str, **context: object) -> int:
    from generator.pdf import render

    return len(render._layout(pdf._render(template, pdf.GROUP_LANG, meta=book.meta, **context)).pages)


@pytest.mark.slow  # writes the PDF set of the mini fixture as a group prints it
def test_above_the_small_size_a_group_set_is_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A group prints each role once, bilingual, its checklists as the last pages of the
    role document; a booklet per department; every card in every edition; packs on demand."""
    book = _mini()
    monkeypatch.setattr(pdf, "SMALL", 1)
    files = {p.relative_to(tmp_path).as_posix() for p in pdf.write_pdfs(book, tmp_path, workers=1)}
    departments = {r.department for r in book.roles.values()}
    g = pdf.GROUP_LANG
    assert files == (
        {f"{g}/roles/{rid}.pdf" for rid in book.roles}
        | {f"{g}/booklets/{d}.pdf" for d in departments}
        | {f"{lang}/procedures/{pid}.pdf" for lang in pdf.LANGS for pid in book.procedures}
    )
    role = book.roles["clerk"]
    view = views.role_view(book, role)
    sheets = views.checklists(book, view)
    assert sheets  # the clerk has periodic duties
    sheet_pages = _pages_of(book, "role.html", v=view)
    path = tmp_path / g / "roles" / "clerk.pdf"
    reader = PdfReader(path)
    assert len(reader.pages) == sheet_pages + _pages_of(book, "checklists.html", sheets=sheets)
    sheet_text, check_text = pdf_text(path, last=sheet_pages), pdf_text(path, first=sheet_pages + 1)
    assert views.LABEL["pdf_signoff"].zh in sheet_text and not missing(sheet_text, g, role_texts(role))
    assert views.LABEL["pdf_checklist"].zh in check_text and views.LABEL["pdf_checklist"].en in check_text
    assert not missing(check_text, g, [d.text for s in sheets for d in s.duties])
    dept = role.department
    booklet = tmp_path / g / "booklets" / f"{dept}.pdf"
    roles = [r for r in book.roles.values() if r.department == dept]
    assert len(PdfReader(booklet).pages) == 2 + sum(
        _pages_of(book, "role.html", v=views.role_view(book, r)) for r in roles
    )
    assert not missing(pdf_text(booklet), g, [r.title for r in roles])
    assert views.LABEL["pdf_checklist"].zh not in pdf_text(booklet)  # a booklet holds the sheets only


def _print_and_stamp(root: Path, out: Path) -> dict[str, int]:
    """`handbook pdf` of `root` into `out` in one process; every PDF there with its mtime (ns)."""
    book, findings = load_and_check(root)
    assert not [f for f in findings if f.severity == "error"]
    pdf.write_pdfs(book, out, workers=1)
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*.pdf")}


@pytest.mark.slow  # writes the group set of the mini fixture twice
def test_a_groups_rerun_writes_only_the_edited_role_and_its_booklet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache key is the document's own content: nothing global (a build time, an index
    of every file) makes an edit rewrite documents it does not touch."""
    monkeypatch.setattr(pdf, "SMALL", 1)
    root = tmp_path / "root"
    shutil.copytree(MINI, root)
    out = tmp_path / "out"

    first = _print_and_stamp(root, out)
    clerk = root / "roles" / "cs" / "clerk.yml"
    text = clerk.read_text(encoding="utf-8")
    assert "en: Answers the phone." in text
    clerk.write_text(text.replace("en: Answers the phone.", "en: Answers the phone (revised).", 1), encoding="utf-8")
    second = _print_and_stamp(root, out)
    assert set(second) == set(first)
    changed = {rel for rel in second if second[rel] != first[rel]}
    assert changed == {"bilingual/roles/clerk.pdf", "bilingual/booklets/cs.pdf"}
    # Only what those two documents need was laid out: the department's sheets and the
    # clerk's checklists, no card, nothing of the other department.
    laid_out = sum(r.path is None for r in pdf.last_results)
    cs_roles = [r for r in load_and_check(root)[0].roles.values() if r.department == "cs"]
    assert laid_out == len(cs_roles) + 1


def test_the_site_links_a_groups_role_document_for_sheet_and_checklists() -> None:
    from generator.pages import render_pages
    from generator.pdf.paths import holder

    book = _mini()
    written = ["bilingual/roles/clerk.pdf", "bilingual/booklets/cs.pdf", "zh/procedures/lift.pdf"]
    pages = {p.path: p.text for p in render_pages(book, "zh", directory_urls=True, pdfs=written)}
    role = next(text for path, text in pages.items() if path.endswith("roles/clerk.md"))
    checklist = next(text for path, text in pages.items() if path.endswith("checklists/clerk.md"))
    procedure = next(text for path, text in pages.items() if path.endswith("procedures/lift.md"))
    assert "pdf/bilingual/roles/clerk.pdf" in role and "packs/" not in role
    assert "pdf/bilingual/roles/clerk.pdf" in checklist
    assert "pdf/zh/procedures/lift.pdf" in procedure
    # A property-sized set prints every edition: a missing file is one that was not printed.
    small = {"zh/roles/clerk.pdf", "en/roles/clerk.pdf", "bilingual/roles/clerk.pdf"}
    assert holder("zh/checklists/clerk.pdf", small) is None
    assert holder("zh/roles/clerk.pdf", small) == "zh/roles/clerk.pdf"
    assert holder("en/checklists/clerk.pdf", {"bilingual/roles/clerk.pdf"}) == "bilingual/roles/clerk.pdf"
    assert holder("zh/procedures/lift.pdf", {"bilingual/procedures/lift.pdf"}) is None


@pytest.mark.slow  # writes the PDF set of the mini fixture three times
def test_only_changed_pdfs_are_written_again(tmp_path: Path) -> None:
    import generator.pdf.reuse as reuse

    root = tmp_path / "root"
    shutil.copytree(MINI, root)
    out = tmp_path / "out"

    first = _print_and_stamp(root, out)
    assert pdf.last_results and not pdf.last_reused
    assert _print_and_stamp(root, out) == first and not pdf.last_results  # nothing changed: nothing laid out
    clerk = root / "roles" / "cs" / "clerk.yml"
    text = clerk.read_text(encoding="utf-8")
    assert text.count("zh: ") >= 2
    clerk.write_text(text.replace("zh: ", "zh: 已修订", 2), encoding="utf-8")  # the title and a duty
    third = _print_and_stamp(root, out)
    changed = {rel for rel in third if third[rel] != first.get(rel)}
    assert {"zh/roles/clerk.pdf", "bilingual/roles/clerk.pdf", "zh/booklet.pdf", "zh/packs/clerk.pdf"} <= changed
    # Only Chinese text changed: the English sheet and card come out the same and stay.
    assert {"en/roles/clerk.pdf", "en/procedures/lift.pdf", "en/booklet.pdf"}.isdisjoint(changed)
    assert {f"{lang}/roles/director.pdf" for lang in pdf.LANGS}.isdisjoint(changed)
    # A program upgrade (another fingerprint) writes everything again.
    reuse_fp = reuse.fingerprint
    try:
        setattr(reuse, "fingerprint", lambda: "another version")  # noqa: B010 (mypy: a function replaced)
        fourth = _print_and_stamp(root, out)
    finally:
        reuse.fingerprint = reuse_fp
    assert all(fourth[rel] != third[rel] for rel in fourth)
    # A removed role leaves no PDF behind.
    clerk.unlink()
    (root / "procedures" / "lift.yml").unlink()
    book, _ = load_and_check(root)
    if not [f for f in _ if f.severity == "error"]:
        pdf.write_pdfs(book, out, workers=1)
        assert not [p for p in out.rglob("*.pdf") if "clerk" in p.name]


def test_the_writer_stops_without_harfbuzz_subsetting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    import weasyprint.text.ffi as ffi
    from generator.cli import main
    from generator.pdf.style import PrintSetupError, require_fast_subsetting

    require_fast_subsetting()  # this machine has it (scripts/common.sh installs it)
    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    with pytest.raises(PrintSetupError, match="libharfbuzz-subset0"):
        require_fast_subsetting()
    assert main(["pdf", "--root", str(MINI), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "apt-get install -y libharfbuzz-subset0" in err and "internal error" not in err
    assert not list(tmp_path.rglob("*.pdf"))


def test_a_checklist_file_that_starts_landscape_has_no_blank_first_page() -> None:
    """A role with only monthly duties: its one (landscape) sheet is the first page."""
    from generator.pdf import render

    book = _mini()
    role = book.roles["clerk"]
    role.duties = [d.model_copy(update={"frequency": "monthly"}) for d in role.duties]
    sheets = views.checklists(book, views.role_view(book, role))
    assert [s.landscape for s in sheets] == [True]
    document = render._layout(pdf._render("checklists.html", "zh", sheets=sheets, meta=book.meta))
    assert [page.width > page.height for page in document.pages] == [True]
