"""A month's scorecard as an Excel workbook: one sheet per ranking group (部门, 乡镇...) and a
sheet "指标说明" documenting each indicator's formula, weight, target and normalisation (in
the words of `scorecard.compute.formula_text`).

Numbers are written as numbers (rates formatted as percentages), so the office can sort and
sum them in Excel; the same `scorecard_groups` shape feeds the pages.
"""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from scorecard.models import IndicatorScore, Scorecard
from scorecard.tables import definitions, month_label, scorecard_groups
from zuofeng.spreadsheets import append_row

NOTES_SHEET = "指标说明"
INSUFFICIENT = "数据不足"


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _cell_values(cell: IndicatorScore | None) -> list[object]:
    if cell is None:
        return ["", ""]
    if cell.insufficient_data:
        return [_number(cell.value) if cell.value is not None else INSUFFICIENT, INSUFFICIENT]
    return [_number(cell.value), _number(cell.points)]


def _bold_header(sheet: object, widths: list[int]) -> None:
    for cell in sheet[1]:  # type: ignore[index]
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width  # type: ignore[attr-defined]
    sheet.freeze_panes = "C2"  # type: ignore[attr-defined]


def scorecard_workbook(scorecard: Scorecard) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    status = scorecard.get_status_display()
    for group in scorecard_groups(scorecard):
        sheet = workbook.create_sheet(group.label[:31])
        header = ["排名", "单位", "总分"]
        for indicator in group.indicators:
            header += [f"{indicator.name}（指标值）", f"{indicator.name}（得分）"]
        append_row(sheet, header)
        for row in group.rows:
            values: list[object] = [
                row.unit_score.rank or INSUFFICIENT,
                row.unit.name,
                _number(row.unit_score.total),
            ]
            for cell in row.cells:
                values += _cell_values(cell)
            append_row(sheet, values)
        # Rates as percentages: the value column of each rate indicator.
        for offset, indicator in enumerate(group.indicators):
            if indicator.is_rate:
                column = 4 + 2 * offset
                for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
                    cell.number_format = "0.0%"
        _bold_header(sheet, [6, 28, 10] + [14] * (2 * len(group.indicators)))
        sheet.append([])
        append_row(
            sheet, [f"{month_label(scorecard.month)}考核 · 第{scorecard.version}版 · {status}"]
        )

    notes = workbook.create_sheet(NOTES_SHEET)
    notes.append(
        ["代码", "指标", "分子", "分母", "方向", "权重", "目标值", "最少样本", "计算与计分方法"]
    )
    for indicator, formula in definitions(scorecard):
        append_row(
            notes,
            [
                indicator.code,
                indicator.name,
                indicator.numerator_text,
                indicator.denominator_text or "（计件数，无分母）",
                indicator.get_direction_display(),
                _number(indicator.weight),
                _number(indicator.target),
                indicator.min_sample if indicator.is_rate else None,
                formula,
            ],
        )
        if indicator.is_rate:
            notes.cell(row=notes.max_row, column=7).number_format = "0.0%"
    notes.append([])
    append_row(notes, [f"考核办法：{scorecard.standard}"])
    _bold_header(notes, [22, 20, 30, 30, 10, 8, 10, 10, 70])
    notes.freeze_panes = "A2"
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
