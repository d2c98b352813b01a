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
from generator.model import Handbook, Item, Role, Text
from generator.pdf import views
from generator.pdf.render import render_job
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


def _source_root() -> Path:
    has_roles = any((REPO / "roles").rglob("*.yml")) if (REPO / "roles").is_dir() else False
    if has_roles:
        _, findings = load_and_check(REPO)
        if not any(f.severity == "error" for f in findings):
            return REPO
    return MINI


def _copy_root(src: Path, dst: Path) -> Path:
    for name in ("handbook.yml", "org", "roles", "procedures", "schema"):
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
    out = tmp_path_factory.mktemp("pdf-out")
    files = pdf.write_pdfs(book, out, workers=2)
    return Printed(book, out, files)


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


@pytest.mark.parametrize("lang", pdf.LANGS)
def test_procedure_card_text_is_complete(printed: Printed, lang: str) -> None:
    for pid, proc in printed.book.procedures.items():
        text = pdf_text(printed.out / lang / "procedures" / f"{pid}.pdf")
        wanted = [proc.title, proc.trigger, *[s.text for s in [*proc.steps, *proc.aftercare]], *[r.condition for r in proc.escalation], *[c.name for c in proc.contacts]]
        assert not missing(text, lang, wanted), (lang, pid, missing(text, lang, wanted))
        for contact in proc.contacts:
            assert norm(contact.number) in norm(text)


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
    assert book.meta.base_url is None
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


def test_an_overlong_card_shrinks_to_one_page(tmp_path: Path) -> None:
    book = _mini()
    proc = book.procedures["lift"]
    step = proc.steps[0]
    proc.steps = [step.model_copy(update={"id": f"s{i}", "text": Text(zh=step.text.zh * 12, en=step.text.en * 8)}) for i in range(14)]
    (job,) = [j for j in pdf._jobs(book, tmp_path) if j.path.parent.name == "procedures" and j.path.parent.parent.name == "bilingual"]
    result = render_job(job)
    assert result.pages == 1 and result.variant > 0
    assert len(PdfReader(result.path).pages) == 1
    assert not missing(pdf_text(result.path), "bilingual", [s.text for s in proc.steps])
