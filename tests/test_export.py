"""`handbook export`: Word role sheets and Excel workbooks, read back as HR's tools read them.

python-docx and openpyxl open what was written: every duty of every role is in its sheet
in each language, with frequency and escalation; every cell of the permission matrix is
in the workbook; a text that looks like a formula stays a string; the sign-off has the
fields HR fills in by hand.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from generator.cli import main
from generator.export import ExportError, export
from generator.loading import load_handbook
from generator.pdf.views import FREQUENCY, LEVEL

REPO = Path(__file__).resolve().parents[1]
EVIL = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def book():
    handbook, findings = load_handbook(REPO)
    assert not [f for f in findings if f.severity == "error"]
    return handbook


@pytest.fixture(scope="module")
def sheets(book, tmp_path_factory):
    out = tmp_path_factory.mktemp("docx")
    return out, export(book, "docx", out)


@pytest.fixture(scope="module")
def workbooks(book, tmp_path_factory):
    out = tmp_path_factory.mktemp("xlsx")
    return out, export(book, "xlsx", out)


def docx_text(path: Path) -> tuple[list[str], list[list[list[str]]]]:
    import docx

    document = docx.Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return paragraphs, tables


def flat_items(items) -> list:
    out = []
    for item in items:
        out.append(item)
        out.extend(flat_items(item.items))
    return out


def test_one_sheet_per_role_and_language(book, sheets) -> None:
    _, written = sheets
    assert sorted(p.name for p in written) == sorted(f"{r}.{lang}.docx" for r in book.roles for lang in ("zh", "en"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_duty_with_frequency_and_escalation_is_in_the_sheet(book, sheets, lang) -> None:
    out, _ = sheets
    for role in book.roles.values():
        paragraphs, tables = docx_text(out / f"{role.id}.{lang}.docx")
        rows = [row for table in tables for row in table]
        assert getattr(role.title, lang) in paragraphs
        assert getattr(role.purpose, lang) in paragraphs
        for duty in role.duties:
            text = getattr(duty.text, lang)
            (row,) = [r for r in rows if len(r) == 4 and r[1].split("\n")[0] == text]
            assert row[2] == getattr(FREQUENCY[duty.frequency], lang)
            assert row[0] == (duty.label or row[0])
            assert row[3] != ""  # an escalation path or the top's dash
            for item in flat_items(duty.items):
                assert getattr(item.text, lang) in row[1]
        for authority in role.authorities:
            level = getattr(LEVEL[authority.level], lang)
            assert any(
                r[-1] == level and (authority.text is None or getattr(authority.text, lang) in r[1]) for r in rows
            )
        for statement in [*role.requirements, *role.standards]:
            assert any(getattr(statement.text, lang) in r[-1] for r in rows)


def test_the_sheet_has_the_parts_hr_expects(book, sheets) -> None:
    out, _ = sheets
    role = book.roles["front-desk-dispatcher"]
    paragraphs, tables = docx_text(out / "front-desk-dispatcher.zh.docx")
    # The headings of the one label catalogue (labels.yml) that the site and the PDFs use too.
    for heading in ("岗位目的", "岗位职责", "岗位权限", "文件控制", "签收确认"):
        assert heading in paragraphs
    header = tables[0]
    assert header[0][:2] == ["岗位名称", role.title.zh]
    assert header[1][2:] == ["直属上级", book.roles[role.reports_to].title.zh]
    sign = tables[-1]
    assert sign[0] == ["", "姓名（正楷）", "工号", "签名", "日期"]
    assert [r[0] for r in sign[1:]] == ["员工", "直属上级"]
    control = next(t for t in tables if t[0][0] == "版本")
    assert control[0][1] == role.document.version and control[0][3] == role.document.effective.isoformat()
    _, tables_en = docx_text(out / "front-desk-dispatcher.en.docx")
    assert tables_en[-1][0] == ["", "Name (block letters)", "Staff no.", "Signature", "Date"]  # the paper sheet's words
    # page numbers are Word fields, so that Word and WPS count the pages themselves
    xml = zipfile.ZipFile(out / "front-desk-dispatcher.zh.docx").read("word/footer1.xml").decode()
    assert "PAGE" in xml and "NUMPAGES" in xml


def test_every_cell_of_the_permission_matrix_is_in_the_workbook(book, workbooks) -> None:
    from openpyxl import load_workbook

    out, written = workbooks
    assert [p.name for p in written] == ["permission-matrix.xlsx", "responsibilities.xlsx"]
    wb = load_workbook(out / "permission-matrix.xlsx")
    kinds = list(book.kinds.values())
    departments = [d for d in book.departments.values() if any(r.department == d.id for r in book.roles.values())]
    assert len(wb.sheetnames) == 1 + len(departments) + 1
    assert wb.sheetnames[-1].startswith("图例")
    whole = wb[wb.sheetnames[0]]
    assert whole.freeze_panes == "C2" and whole.auto_filter.ref.startswith("A1:")
    header = [c.value for c in whole[1]]
    assert header[2:] == [k.title.zh + "\n" + k.title.en for k in kinds]
    rows = {r[0].value: r for r in whole.iter_rows(min_row=2)}
    assert len(rows) == len(book.roles)
    cells = 0
    for role in book.roles.values():
        row = rows[role.title.zh + "\n" + role.title.en]
        for col, kind in enumerate(kinds, start=2):
            authority = next((a for a in role.authorities if a.kind == kind.id), None)
            value = row[col].value
            if authority is None:
                assert value is None
            else:
                level = LEVEL[authority.level]
                assert value.startswith(f"{level.zh}\n{level.en}")
                assert ("implied" in value) == authority.inferred
                cells += 1
    assert cells == len({(r.id, a.kind) for r in book.roles.values() for a in r.authorities})
    # each department sheet holds that department's roles only
    for dept, name in zip(departments, wb.sheetnames[1:-1], strict=True):
        ws = wb[name]
        assert ws.freeze_panes == "C2" and ws.auto_filter.ref
        titles = [c.value for c in ws["A"][1:]]
        assert titles == [
            r.title.zh + "\n" + r.title.en for r in book.roles.values() if r.department == dept.id
        ] or sorted(titles) == sorted(
            r.title.zh + "\n" + r.title.en for r in book.roles.values() if r.department == dept.id
        )
    legend = [c.value for c in wb[wb.sheetnames[-1]]["A"]]
    assert all(f"{LEVEL[level].zh}\n{LEVEL[level].en}" in legend for level in LEVEL)


def test_the_responsibilities_sheet_lists_every_duty_and_step(book, workbooks) -> None:
    from openpyxl import load_workbook

    out, _ = workbooks
    ws = load_workbook(out / "responsibilities.xlsx").active
    assert ws.freeze_panes == "D2" and ws.auto_filter.ref
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    duties = [r for r in rows if r[0].startswith("职责")]
    steps = [r for r in rows if r[0].startswith("应急步骤")]
    assert len(duties) == sum(len(r.duties) for r in book.roles.values())
    assert len(steps) == sum(len(p.steps) + len(p.aftercare) for p in book.procedures.values())
    texts = {(r[2], r[5]) for r in duties}
    for role in book.roles.values():
        for duty in role.duties:
            assert (role.title.zh + "\n" + role.title.en, duty.text.zh) in texts
    assert all(r[8] and r[9] for r in rows)  # an escalation path (or a dash for the top) on each


def test_a_text_that_looks_like_a_formula_stays_a_string(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    root = tmp_path / "mini"
    shutil.copytree(REPO / "tests" / "fixtures" / "mini", root)
    clerk = next((root / "roles").rglob("clerk.yml"))
    text = clerk.read_text(encoding="utf-8")
    assert "en: Answers the phone." in text
    clerk.write_text(
        text.replace("en: Answers the phone.", f'en: "{EVIL}"').replace("en: Front Desk Dispatcher", 'en: "+SUM(1,2)"'),
        encoding="utf-8",
    )
    book, findings = load_handbook(root)
    assert not [f for f in findings if f.severity == "error"], findings
    (matrix, resp) = export(book, "xlsx", tmp_path / "out")
    for path in (matrix, resp):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/"):
                    assert "<f>" not in archive.read(name).decode()  # no formula anywhere
    ws = load_workbook(resp).active
    cells = [c for row in ws.iter_rows() for c in row if c.value in (EVIL,)]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    titles = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.endswith("+SUM(1,2)")]
    assert titles and all(c.data_type == "s" for c in titles)
    (_, doc_en) = export(book, "docx", tmp_path / "docx", "clerk")
    _, tables = docx_text(doc_en)
    assert any(EVIL in cell for table in tables for row in table for cell in row)


def test_one_role_and_bad_requests(book, tmp_path: Path, capsys) -> None:
    written = export(book, "docx", tmp_path / "one", "front-desk-dispatcher")
    assert [p.name for p in written] == ["front-desk-dispatcher.zh.docx", "front-desk-dispatcher.en.docx"]
    with pytest.raises(ExportError, match="did you mean 'front-desk-dispatcher'"):
        export(book, "docx", tmp_path / "x", "front-desk-dispatchr")
    (tmp_path / "file").write_text("x")
    assert main(["export", "--format", "xlsx", "--out", str(tmp_path / "file"), "--root", str(REPO)]) == 1
    err = capsys.readouterr().err
    assert "E970" in err and "is an existing file" in err and "Traceback" not in err
    # Not into the handbook's data, and not over a folder it did not write (generator.outputs).
    before = sorted(p.name for p in (REPO / "roles").iterdir())
    assert main(["export", "--format", "xlsx", "--out", str(REPO / "roles"), "--root", str(REPO)]) == 1
    assert "E970" in capsys.readouterr().err and sorted(p.name for p in (REPO / "roles").iterdir()) == before
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "letter.docx").write_text("not the handbook's")
    assert main(["export", "--format", "xlsx", "--out", str(tmp_path / "mine"), "--root", str(REPO)]) == 1
    assert (
        "did not write" in capsys.readouterr().err
        and (tmp_path / "mine" / "letter.docx").read_text() == "not the handbook's"
    )


def test_export_refuses_a_handbook_with_errors(tmp_path: Path, capsys) -> None:
    root = tmp_path / "mini"
    shutil.copytree(REPO / "tests" / "fixtures" / "mini", root)
    clerk = next((root / "roles").rglob("clerk.yml"))
    clerk.write_text(
        clerk.read_text(encoding="utf-8").replace("reports_to: supervisor", "reports_to: nobody"), encoding="utf-8"
    )
    assert main(["export", "--format", "docx", "--out", str(tmp_path / "o"), "--root", str(root)]) == 1
    assert "E401" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
