"""The report as a Word document in the layout of official documents (GB/T 9704-2012):
A4; margins 37 mm top, 35 mm bottom, 28 mm left (binding side), 26 mm right; the title in
方正小标宋简体 二号 (22 pt); first-level headings 黑体, second-level 楷体_GB2312, body
仿宋_GB2312, all 三号 (16 pt) on a fixed 28 pt line (22 lines of 28 characters); page
numbers 宋体 四号 (14 pt) as “— 1 —”, odd pages on the right and even pages on the left.
Where those fonts are not installed, Word and LibreOffice substitute their usual faces.

The bytes depend only on the report's content, facts and snapshot time: the core
properties carry the snapshot time, and the zip entries a fixed date and order, so the same
snapshot regenerates to an identical file.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports import charts
from reports.layout import blocks, source_lines

BODY, HEI, KAI, TITLE, SONG = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体"
FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def _font(run: Any, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), name if attribute == "w:eastAsia" else "Times New Roman")


def _paragraph(document: Any, *, indent: bool = True, align: Any = None) -> Any:
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(32)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _page_number(footer: Any, align: Any) -> None:
    paragraph = footer.paragraphs[0]
    paragraph.alignment = align
    # 单页码居右空一字，双页码居左空一字 (one 四号 character: 14 pt).
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = Pt(14)
    else:
        paragraph.paragraph_format.left_indent = Pt(14)
    _font(paragraph.add_run("— "), SONG, 14)
    run = paragraph.add_run()
    _font(run, SONG, 14)
    for kind, text in (
        ("begin", None),
        (None, "PAGE"),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._element.append(element)
    _font(paragraph.add_run(" —"), SONG, 14)


def _runs(paragraph: Any, runs: list[Any], font: str, size: float) -> None:
    """Text and figures; a figure's 数据来源 reference as a superscript run after it."""
    for run in runs:
        _font(paragraph.add_run(run.text), font, size)
        if run.ref:
            ref = paragraph.add_run(run.ref)
            _font(ref, BODY, size)
            ref.font.superscript = True


def _table(document: Any, table: dict[str, Any]) -> None:
    """A horizontal table (GB/T 9704 §8): its title centred above, cells in 仿宋 四号."""
    title = _paragraph(document, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _font(title.add_run(table["title"]), HEI, 14)
    grid = document.add_table(rows=1 + len(table["rows"]), cols=len(table["headers"]))
    grid.style = "Table Grid"
    for column, header in enumerate(table["headers"]):
        cell = grid.rows[0].cells[column].paragraphs[0]
        cell.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(cell.add_run(header), HEI, 12)
    for number, row in enumerate(table["rows"], start=1):
        for column, runs in enumerate(row):
            _runs(grid.rows[number].cells[column].paragraphs[0], runs, BODY, 12)
    _paragraph(document, indent=False)


def build(report: Any, content: dict[str, Any], facts: dict[str, Any]) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = BODY, Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY)

    title = _paragraph(document, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.line_spacing = Pt(36)
    _font(title.add_run(report.title), TITLE, 22)
    _paragraph(document, indent=False)

    parts, refs = blocks(content, facts)
    for block in parts:
        if block.kind == "h1":
            _font(_paragraph(document).add_run(block.text), HEI, 16)
        elif block.kind == "h2":
            _font(_paragraph(document).add_run(block.text), KAI, 16)
        elif block.kind == "chart":
            paragraph = _paragraph(document, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            image = charts.png(content["charts"][block.chart], facts)
            paragraph.add_run().add_picture(io.BytesIO(image), width=Mm(150))
        elif block.kind == "table":
            _table(document, block.table)
        else:
            _runs(_paragraph(document), block.runs, KAI if block.draft else BODY, 16)
    _font(_paragraph(document).add_run("数据来源"), HEI, 16)
    for ref, _fact, text in source_lines(report, facts, refs):
        paragraph = _paragraph(document, indent=False)
        paragraph.paragraph_format.line_spacing = Pt(22)
        for piece in (f"{ref}", text):
            _font(paragraph.add_run(piece), BODY, 12)

    properties = document.core_properties
    moment = timezone.localtime(report.snapshot_at).replace(tzinfo=None, microsecond=0)
    properties.title = report.title
    properties.author = properties.last_modified_by = "作风建设监督平台"
    properties.created = properties.modified = moment
    properties.revision = 1
    properties.comments = ""
    out = io.BytesIO()
    document.save(out)
    return normalise(out.getvalue())


def normalise(data: bytes) -> bytes:
    """The same zip with every entry dated FIXED_DATE (python-docx stamps the current time)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, FIXED_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
