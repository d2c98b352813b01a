"""Role sheets (岗位说明书) as Word documents, one per role and language (python-docx).

The layout is the one HR expects on paper: a header table (post, code, department,
superior, subordinates, escalation line), the purpose, the duties with frequency and
escalation, the authorities, requirements and standards, the emergency steps, document
control, and a sign-off table with printed name, staff number, signature and date for the
employee and the supervisor.  Only Word's own styles, tables and page fields are used,
so the file opens and edits the same in Word and WPS.
"""

from __future__ import annotations

from pathlib import Path

from generator.catalogue import LABEL, role_order, time_limit
from generator.export import xml_safe
from generator.model import Handbook, Item, Text
from generator.pdf.views import RoleView, role_view

LANGS = ("zh", "en")

_FONT_LATIN = "Arial"
_FONT_CJK = "SimSun"  # 宋体: present in Word and WPS on Chinese Windows; LibreOffice substitutes Noto CJK


def write_role_sheets(book: Handbook, out: Path, only: str | None = None) -> list[Path]:
    written = []
    for role in role_order(book):
        if only is not None and role.id != only:
            continue
        view = role_view(book, role)
        for lang in LANGS:
            path = out / f"{role.id}.{lang}.docx"
            document = _sheet(view, lang)
            props = document.core_properties
            props.title = xml_safe(f"{getattr(role.title, lang)} · {getattr(LABEL['pdf_role_sheet'], lang)}")
            props.subject = xml_safe(getattr(book.meta.title, lang)) if book.meta else ""
            props.author = xml_safe(getattr(book.meta.organisation, lang)) if book.meta else ""
            props.version = role.document.version
            document.save(path)
            written.append(path)
    return written


class _Writer:
    def __init__(self, lang: str) -> None:
        import docx

        self.lang = lang
        self.doc = docx.Document()
        self._page()
        self._styles()

    def t(self, value: Text | None) -> str:
        if value is None:
            return ""
        return xml_safe(getattr(value, self.lang))

    def L(self, key: str) -> str:
        return self.t(LABEL[key])

    def colon(self, key: str) -> str:
        """A label and its colon, full-width in Chinese."""
        return self.L(key) + ("：" if self.lang == "zh" else ": ")

    # page and styles ------------------------------------------------------------
    def _page(self) -> None:
        from docx.shared import Mm

        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(20)
        section.top_margin, section.bottom_margin = Mm(18), Mm(18)
        section.header_distance = section.footer_distance = Mm(9)

    def _styles(self) -> None:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.shared import Pt, RGBColor

        styles = self.doc.styles
        for name, size, bold in (
            ("Normal", 10.5, False),
            ("Title", 18, True),
            ("Heading 1", 13, True),
            ("Heading 2", 11, True),
        ):
            style = styles[name]
            style.font.size = Pt(size)
            style.font.bold = bold
            style.font.name = _FONT_LATIN
            style.font.color.rgb = RGBColor(0, 0, 0)
            _east_asian(style.element, _FONT_CJK if name == "Normal" else "SimHei")
            if name == "Normal":
                _language(style.element, "zh-CN" if self.lang == "zh" else "en-GB")
            pf = style.paragraph_format
            pf.space_after = Pt(3 if name == "Normal" else 4)
            if name.startswith("Heading"):
                pf.space_before = Pt(10)
                pf.keep_with_next = True
        title = styles["Title"]
        title.paragraph_format.alignment = 1  # centred
        _no_border(title.element)
        if "Small" not in [s.name for s in styles]:
            small = styles.add_style("Small", WD_STYLE_TYPE.PARAGRAPH)
            small.base_style = styles["Normal"]
            small.font.size = Pt(9)
            small.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
            small.paragraph_format.space_after = Pt(1)

    # blocks ------------------------------------------------------------------------
    def heading(self, text: str, level: int = 1) -> None:
        self.doc.add_heading(text, level=level)

    def para(self, text: str, style: str | None = None):
        return self.doc.add_paragraph(xml_safe(text), style=style)

    def table(self, widths_mm: list[float], header: list[str] | None = None):
        from docx.shared import Mm

        table = self.doc.add_table(rows=0, cols=len(widths_mm))
        table.style = "Table Grid"
        table.autofit = False
        self._widths = [Mm(w) for w in widths_mm]
        for column, width in zip(table.columns, self._widths, strict=True):
            column.width = width  # the grid: LibreOffice and WPS lay out by it, Word by the cells
        if header:
            cells = self.row(table, header, shade=True)
            _repeat_header(cells[0]._tc.getparent())
        return table

    def row(self, table, values: list[str], shade: bool = False, bold_first: bool = False):
        row = table.add_row()
        _no_split(row._tr)
        for i, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = self._widths[i]
            cell.text = xml_safe(value)
            if shade:
                _shade(cell, "D9E1F2")
            if shade or (bold_first and i % 2 == 0):
                for run in cell.paragraphs[0].runs:
                    run.bold = True
        return row.cells


def _sheet(view: RoleView, lang: str):
    from docx.shared import Pt

    w = _Writer(lang)
    r = view.role
    _running_header(w, view)

    w.para(w.L("pdf_role_sheet"), style="Small").alignment = 1
    w.doc.add_paragraph(w.t(r.title), style="Title")

    particulars = w.table([30, 55, 30, 55])
    w.row(particulars, [w.L("export_post"), w.t(r.title), w.L("code"), r.code or "—"], bold_first=True)
    w.row(
        particulars,
        [w.L("department"), w.t(view.department), w.L("reports_to"), w.t(view.reports_to) or "—"],
        bold_first=True,
    )
    subs = (
        "、".join(w.t(x) for x in view.direct_reports)
        if lang == "zh"
        else ", ".join(w.t(x) for x in view.direct_reports)
    )
    liaison = ("、" if lang == "zh" else ", ").join(w.t(x) for x in view.liaison)
    w.row(particulars, [w.L("direct_reports"), subs or "—", w.L("liaises_with"), liaison or "—"], bold_first=True)
    cells = w.row(particulars, [w.L("pdf_default_path"), "", "", ""], bold_first=True)
    cells[1].merge(cells[3]).text = xml_safe(_path(w, view.default_path) or w.L("top"))

    w.heading(w.L("purpose"))
    w.para(w.t(r.purpose))

    if view.sections:
        w.heading(w.L("duties"))
        for section in view.sections:
            if section.title:
                w.heading(w.t(section.title), level=2)
            for intro in section.intro:
                w.para(w.t(intro))
            if not section.duties:
                continue
            table = w.table([12, 92, 26, 40], [w.L("pdf_no"), w.L("duty"), w.L("frequency"), w.L("escalation")])
            for n, dv in enumerate(section.duties, start=1):
                d = dv.duty
                if dv.explicit:
                    path = _path(w, dv.path)
                elif dv.path:
                    path = f"{w.t(dv.path[0])}\n{w.L('pdf_by_line')}"
                else:
                    path = "—"
                cells = w.row(table, [d.label or str(n), w.t(d.text), w.t(dv.frequency), path])
                _items(w, cells[1], d.items, 0)
                if d.note:
                    _note(w, cells[1], d.note)

    if view.authorities:
        w.heading(w.L("authorities"))
        table = w.table([12, 98, 35, 25], [w.L("pdf_no"), w.L("wording"), w.L("kind"), w.L("level")])
        for n, (a, authority) in enumerate(zip(view.authorities, r.authorities, strict=True), start=1):
            wording = w.t(a.text) if a.text else f"{w.t(a.level)} · {w.t(a.kind)}"
            cells = w.row(table, [a.label or str(n), wording, w.t(a.kind), w.t(a.level)])
            if a.inferred:
                cells[1].add_paragraph(w.L("inferred"), style="Small")
            if a.path:
                cells[1].add_paragraph(f"{w.colon('escalation')}{_path(w, a.path)}", style="Small")
            if authority.note:
                _note(w, cells[1], authority.note)

    for key, statements in (("requirements", r.requirements), ("standards", r.standards)):
        if statements:
            w.heading(w.L(key))
            table = w.table([12, 158])
            for n, st in enumerate(statements, start=1):
                cells = w.row(table, [st.label or str(n), w.t(st.text)])
                if st.note:
                    _note(w, cells[1], st.note)

    if view.procedures:
        w.heading(w.L("procedures_with_step"))
        table = w.table([45, 100, 25], [w.L("procedure"), w.L("step"), w.L("time_limit")])
        for ref in view.procedures:
            first = None
            for step in ref.steps:
                limit = time_limit(step.within_minutes)
                cells = w.row(
                    table, [w.t(ref.procedure) if first is None else "", w.t(step.text), w.t(limit) if limit else "—"]
                )
                first = first or cells[0]
                if cells[0] is not first:
                    first = first.merge(cells[0])  # one procedure name beside all its steps

    if r.notes:
        w.heading(w.L("notes"))
        for note in r.notes:
            w.para(w.t(note), style="Small")

    w.heading(w.L("document_control"))
    control = w.table([30, 55, 30, 55])
    w.row(
        control,
        [w.L("version"), r.document.version, w.L("effective"), r.document.effective.isoformat()],
        bold_first=True,
    )
    w.row(control, [w.L("owner"), w.t(view.owner), w.L("reviewed"), r.document.reviewed.isoformat()], bold_first=True)
    if r.source:
        source = f"{r.source.document} · {w.t(r.source.title)}"
        lines = [w.t(p) for p in r.source.particulars]
        if r.source.issued:
            lines.append(f"{w.colon('issued')}{w.t(r.source.issued)}")
        source = "\n".join([source, *lines])
    else:
        source = w.L("not_from_source")
    cells = w.row(control, [w.L("source"), "", "", ""], bold_first=True)
    cells[1].merge(cells[3]).text = xml_safe(source)

    w.heading(w.L("pdf_signoff"))
    w.para(w.L("pdf_signoff_text")).paragraph_format.keep_with_next = True
    sign = w.table(
        [26, 40, 26, 44, 34],
        ["", w.L("pdf_printed_name"), w.L("pdf_staff_number"), w.L("pdf_signature"), w.L("pdf_date")],
    )
    for who in ("pdf_employee", "pdf_supervisor"):
        cells = w.row(sign, [w.L(who), "", "", "", ""], bold_first=False)
        for run in cells[0].paragraphs[0].runs:
            run.bold = True
        _row_height(cells[0]._tc.getparent(), 14)
    closing = w.para(
        f"{w.colon('pdf_document_version')}{r.document.version} · "
        f"{w.colon('effective')}{r.document.effective.isoformat()}",
        style="Small",
    )
    closing.paragraph_format.space_before = Pt(6)
    return w.doc


def _path(w: _Writer, hops: list[Text]) -> str:
    return " → ".join(w.t(h) for h in hops)


def _items(w: _Writer, cell, items: list[Item], depth: int) -> None:
    from docx.shared import Mm

    for item in items:
        label = item.label or "·"
        sep = "" if label[-1] in ")]）】·" else "."
        p = cell.add_paragraph(f"{label}{sep}{' ' if w.lang == 'en' else ''}{w.t(item.text)}")
        p.paragraph_format.left_indent = Mm(4 * (depth + 1))
        p.paragraph_format.space_after = 0
        if item.note:
            _note(w, cell, item.note)
        _items(w, cell, item.items, depth + 1)


def _note(w: _Writer, cell, note: Text) -> None:
    cell.add_paragraph(f"{w.colon('note')}{w.t(note)}", style="Small")


def _running_header(w: _Writer, view: RoleView) -> None:
    section = w.doc.sections[0]
    head = section.header.paragraphs[0]
    head.text = xml_safe(f"{w.t(view.heading)} · {w.L('pdf_role_sheet')}")
    head.style = w.doc.styles["Small"]
    foot = section.footer.paragraphs[0]
    foot.style = w.doc.styles["Small"]
    r = view.role
    foot.add_run(f"{w.L('version')} {r.document.version} · {w.L('effective')} {r.document.effective.isoformat()}    ")
    template = w.L("export_page_of")
    before, rest = template.split("{page}")
    middle, after = rest.split("{pages}")
    foot.add_run(before)
    _field(foot, "PAGE")
    foot.add_run(middle)
    _field(foot, "NUMPAGES")
    foot.add_run(after)


# --- small pieces of WordprocessingML that python-docx has no call for ----------------


def _field(paragraph, instruction: str) -> None:
    """A page-number field (PAGE, NUMPAGES): fixed Word syntax, no text from the data."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
        elif text == instruction:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {instruction} "
            run._r.append(el)
        else:
            el = OxmlElement("w:t")
            el.text = text
            run._r.append(el)


def _east_asian(style_el, font: str) -> None:
    from docx.oxml.ns import qn

    rpr = style_el.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        from docx.oxml import OxmlElement

        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), font)
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), _FONT_LATIN)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]


def _language(style_el, tag: str) -> None:
    """The proofing language, so that Word and WPS check the spelling of the right one."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = style_el.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _no_border(style_el) -> None:
    from docx.oxml.ns import qn

    ppr = style_el.find(qn("w:pPr"))
    if ppr is not None:
        for border in ppr.findall(qn("w:pBdr")):
            ppr.remove(border)


def _shade(cell, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour)
    tcpr.append(shd)


def _repeat_header(tr) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr.get_or_add_trPr().append(el)


def _no_split(tr) -> None:
    from docx.oxml import OxmlElement

    tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _row_height(tr, mm: float) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:trHeight")
    el.set(qn("w:val"), str(int(mm * 56.7)))
    el.set(qn("w:hRule"), "atLeast")
    tr.get_or_add_trPr().append(el)
