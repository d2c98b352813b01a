"""The printed documents, read back: A4, one-page cards, complete text, QR codes, fonts.

The PDFs are written once per session from a copy of the bundled data (the repository
root when it has roles, else the mini fixture), with a base URL set if the data has
none, so that the cards carry QR codes to decode.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator import pdf
from generator.model import Handbook, Item, Procedure, Role, Text
from generator.pdf import cards, views
from generator.pdf.render import Result, render_job
from generator.contacts import ensure_resolved
from generator.pipeline import load_and_check

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "mini"
TEST_BASE_URL = "https://handbook.example.cn/kf"
A4 = (595.28, 841.89)


@dataclass
class Printed:
    book: Handbook
    out: Path
    files: list[Path]
    styles: dict[Path, cards.CardStyle]  # the style each procedure card was written in


def _source_root() -> Path:
    has_roles = any((REPO / "roles").rglob("*.yml")) if (REPO / "roles").is_dir() else False
    if has_roles:
        _, findings = load_and_check(REPO)
        if not any(f.severity == "error" for f in findings):
            return REPO
    return MINI


def _copy_root(src: Path, dst: Path) -> Path:
    for name in ("handbook.yml", "org", "roles", "procedures", "sites", "schema"):
        if (src / name).is_dir():
            shutil.copytree(src / name, dst / name)
        elif (src / name).is_file():
            shutil.copy2(src / name, dst / name)
    meta = dst / "handbook.yml"
    text = meta.read_text(encoding="utf-8")
    if not re.search(r"^base_url:", text, re.M):
        meta.write_text(text.rstrip("\n") + f'\nbase_url: "{TEST_BASE_URL}"\n', encoding="utf-8")
    return dst


@pytest.fixture(scope="session")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    root = _copy_root(_source_root(), tmp_path_factory.mktemp("pdf-root"))
    book, findings = load_and_check(root)
    assert not [f for f in findings if f.severity == "error"], [f.text() for f in findings]
    book = ensure_resolved(book)  # the cards of its property, as `handbook pdf` writes them
    out = tmp_path_factory.mktemp("pdf-out")
    files = pdf.write_pdfs(book, out, workers=2)
    styles = {r.path: style for r in pdf.last_results if (style := pdf.card_style(r))}
    return Printed(book, out, files, styles)


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
    return [i.text for i in views.flatten_items(items)] + [i.note for i in views.flatten_items(items) if i.note]


def role_texts(role: Role) -> list[Text]:
    """Everything of a role that its sheet must print in full."""
    out = [role.title, role.purpose]
    for duty in role.duties:
        out += [duty.text, *item_texts(duty.items)] + ([duty.note] if duty.note else [])
    for section in role.sections:
        out += [section.title, *section.intro]
    for a in role.authorities:
        out += [t for t in (a.text, a.note) if t]
    for s in [*role.requirements, *role.standards]:
        out += [s.text] + ([s.note] if s.note else [])
    out += role.notes
    return out


def missing(haystack: str, lang: str, texts: list[Text]) -> list[str]:
    flat = norm(haystack)
    return [s for t in texts for s in texts_of(lang, t) if norm(s) not in flat]


def test_every_document_is_written(printed: Printed) -> None:
    book, out = printed.book, printed.out
    expected = set()
    for lang in pdf.LANGS:
        expected.add(out / lang / "booklet.pdf")
        for rid, role in book.roles.items():
            expected.add(out / lang / "roles" / f"{rid}.pdf")
            for period in {d.frequency for d in role.duties} & set(views.PERIODS):
                expected.add(out / lang / "checklists" / f"{rid}-{period}.pdf")
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
            path = [views.role_title(printed.book, h.role) for h in pdf.views.escalation_path(printed.book, rid, duty.escalate_to).hops]
            assert not missing(text, lang, path), (lang, rid, duty.id)


def card_essentials(book: Handbook, proc: Procedure) -> list[Text]:
    """What a card never leaves out: steps, their owners and time limits, emergency numbers."""
    out = [proc.title, *[c.name for c in proc.contacts]]
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
        for contact in proc.contacts:
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
            2: [s.note for s in proc.steps if s.note] + [c.note for c in proc.contacts if c.note],
            3: [s.text for s in proc.aftercare],
            4: [r.condition for r in proc.escalation],
            5: [proc.trigger],
        }
        for at, texts in dropped_at.items():
            wrong = [t for t in texts if not missing(text, lang, [t])] if level >= at else missing(text, lang, texts)
            assert not wrong, (lang, pid, level, at, wrong)
        said = missing(text, lang, [L["full_qr"]]) if level >= 1 else []
        assert not said and (level == 0 or f"procedures/{pid}/" in text), (lang, pid, level)
        if level >= 3 and proc.aftercare:
            assert not missing(text, lang, [L["aftercare_qr"]]), (lang, pid)


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
            assert all(z > e for z, e in zip(zh, en)), (pid, zh, en)  # Chinese the larger line
        else:
            sizes = step_text_sizes(path, [getattr(s.text, lang) for s in proc.steps])
            assert min(sizes) >= cards.FLOOR[lang] - 0.01, (lang, pid, sizes)
        assert not printed.styles[path].below_floor


@pytest.mark.parametrize("lang", pdf.LANGS)
def test_checklists_list_the_duties_of_their_period(printed: Printed, lang: str) -> None:
    for rid, role in printed.book.roles.items():
        for period in views.PERIODS:
            duties = [d for d in role.duties if d.frequency == period]
            path = printed.out / lang / "checklists" / f"{rid}-{period}.pdf"
            assert path.exists() == bool(duties)
            if duties:
                text = pdf_text(path)
                assert not missing(text, lang, [d.text for d in duties]), (lang, rid, period)
                assert not missing(text, lang, [views.LABEL["date"], views.LABEL["initials"]])


def _decode_qr(path: Path, tmp_path: Path) -> list[str]:
    import zxingcpp
    from PIL import Image

    prefix = tmp_path / path.stem
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(path), str(prefix)], check=True)
    (png,) = tmp_path.glob(f"{path.stem}*.png")
    return [r.text for r in zxingcpp.read_barcodes(Image.open(png))]


@pytest.mark.parametrize("lang", pdf.LANGS)
def test_qr_code_opens_the_live_page(printed: Printed, lang: str, tmp_path: Path) -> None:
    base = printed.book.meta.base_url.rstrip("/")
    assert printed.book.procedures
    for pid in printed.book.procedures:
        url = f"{base}{'/en' if lang == 'en' else ''}/procedures/{pid}/"
        assert _decode_qr(printed.out / lang / "procedures" / f"{pid}.pdf", tmp_path) == [url]


def test_fonts_are_embedded_noto_cjk_sc(printed: Printed) -> None:
    samples = [printed.out / lang / "booklet.pdf" for lang in pdf.LANGS]
    samples += [p for p in printed.files if p.parent.name == "procedures"][:3]
    for path in samples:
        lines = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout.splitlines()[2:]
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
        printed_as = title + (f" {role.title.en}" if lang == "bilingual" else "") + (f" {role.code}" if role.code else "")
        page = entries[norm(printed_as)]
        assert norm(title) in norm(pdf_text(path, page, page)), (lang, role.id, page)


def test_running_header_and_page_numbers(printed: Printed) -> None:
    book = printed.book
    rid, role = next(iter(book.roles.items()))
    path = printed.out / "zh" / "roles" / f"{rid}.pdf"
    pages = len(PdfReader(path).pages)
    first = norm(pdf_text(path, 1, 1))
    assert norm(book.meta.title.zh) in first and norm(role.title.zh) in first
    assert f"1/{pages}" in first
    if role.code:
        assert norm(role.code) in first


# ---- HTML level: cheap checks that need no PDF ----------------------------------------


def _mini() -> Handbook:
    book, _ = load_and_check(MINI)
    return book


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
    book.meta.base_url = None  # the mini fixture has one (without it, check warns W710)
    assert pdf.card_url(book, "lift", "zh") is None
    jobs = [j for j in pdf._jobs(book, Path("/nonexistent")) if j.path.parent.name == "procedures"]
    assert jobs and all("<img" not in v for j in jobs for v in j.variants)


def test_card_urls_follow_the_site_layout() -> None:
    book = _mini()
    book.meta.base_url = "https://x.example/hb/"
    assert pdf.card_url(book, "lift", "zh") == "https://x.example/hb/procedures/lift/"
    assert pdf.card_url(book, "lift", "bilingual") == "https://x.example/hb/procedures/lift/"
    assert pdf.card_url(book, "lift", "en") == "https://x.example/hb/en/procedures/lift/"
    book.meta.base_url = "javascript:alert(1)//"
    assert pdf.card_url(book, "lift", "zh") is None


def _card(book: Handbook, lang: str, tmp_path: Path) -> pdf.Job:
    (job,) = [j for j in pdf._jobs(book, tmp_path) if j.path.parent.name == "procedures" and j.path.parent.parent.name == lang]
    return job


def test_an_overlong_card_drops_secondary_content_not_type_size(tmp_path: Path) -> None:
    book = _mini()
    proc = book.procedures["lift"]
    step = proc.steps[0]
    note = Text(zh="注意安全，" * 30, en="Mind your own safety. " * 20)
    proc.steps = [step.model_copy(update={"id": f"s{i}", "text": Text(zh=step.text.zh * 6, en=step.text.en * 4), "note": note}) for i in range(9)]
    proc.aftercare = [step.model_copy(update={"id": f"a{i}", "text": Text(zh="善后" * 40, en="Afterwards. " * 20)}) for i in range(6)]
    job = _card(book, "bilingual", tmp_path)
    result = render_job(job)
    style = pdf.card_style(result)
    assert result.pages == 1 and len(PdfReader(result.path).pages) == 1
    assert style.level >= 2 and not style.below_floor, style
    text = pdf_text(result.path)
    assert not missing(text, "bilingual", [s.text for s in proc.steps])
    assert missing(text, "bilingual", [note]) and "procedures/lift/" in text


def test_an_impossible_card_goes_below_the_floor_with_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """The last resort keeps one page; `handbook pdf` says which procedure to shorten."""
    book = _mini()
    job = _card(book, "zh", tmp_path)
    last = len(job.variants) - 1
    monkeypatch.setattr(pdf, "run_jobs", lambda jobs, workers=None: [Result(j.path, 1, 0.0, last if j.path == job.path else 0) for j in jobs])
    pdf.write_pdfs(book, tmp_path)
    style = pdf._card_styles[job.path][last]
    assert style.below_floor and style.size < cards.FLOOR["zh"] and style.level == cards.LEVELS[-1]
    assert "below the floor" in caplog.text and str(job.path) in caplog.text


def test_card_levels_leave_out_in_the_fixed_order() -> None:
    """HTML only: what each level keeps; steps, owners, time limits and numbers at every level."""
    book = _mini()
    book.meta.base_url = "https://x.example/hb/"
    proc = book.procedures["lift"]
    proc.steps[0].note = Text(zh="步骤注释", en="Step note")
    proc.template = Text(zh="长的模板说明", en="Long template notice")
    proc.aftercare = [proc.steps[0].model_copy(update={"id": "after", "text": Text(zh="善后事项", en="Aftercare item")})]
    view = views.procedure_view(book, proc)
    seen = {}
    for level in cards.LEVELS:
        style = cards.CardStyle(level, 11.0, 10.0)
        html = pdf._render("procedure.html", "bilingual", v=view, meta=book.meta, style=style, qr="data:,", url="https://x.example/hb/procedures/lift/", page="procedures/lift/")
        seen[level] = {k: k in html for k in ("长的模板说明", "步骤注释", "善后事项", "未救出", "触发情形", "升级上报", "完整流程见二维码")}
        for kept in ("安抚被困人员", "Reassure the people trapped.", "96333", "1 分钟内", "within 1 min", "<img"):
            assert kept in html, (level, kept)
    assert [seen[level]["长的模板说明"] for level in cards.LEVELS] == [True] + [False] * 6
    assert [seen[level]["完整流程见二维码"] for level in cards.LEVELS] == [False] + [True] * 6
    assert [seen[level]["步骤注释"] for level in cards.LEVELS] == [True] * 2 + [False] * 5
    assert [seen[level]["善后事项"] for level in cards.LEVELS] == [True] * 3 + [False] * 4
    assert [seen[level]["未救出"] for level in cards.LEVELS] == [True] * 4 + [False] * 3
    assert [seen[level]["触发情形"] for level in cards.LEVELS] == [True] * 5 + [False] * 2
    assert all(seen[level]["升级上报"] for level in cards.LEVELS)  # the ladder, or its pointer line


def test_card_styles_run_from_large_to_the_floor() -> None:
    for lang in pdf.LANGS:
        groups = cards.styles(lang)
        assert [g[0].level for g in groups[:-1]] == list(cards.LEVELS)
        for group in groups[:-1]:
            assert [s.size for s in group] == sorted((s.size for s in group), reverse=True)
            assert group[-1].size == cards.FLOOR[lang] and not any(s.below_floor for s in group)
            assert all(s.en_size >= (cards.EN_FLOOR if lang == "bilingual" else cards.FLOOR[lang]) for s in group)
        assert all(s.below_floor and s.size < cards.FLOOR[lang] for s in groups[-1])
