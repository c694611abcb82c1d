"""Writing cells of an Excel export: the one place every export puts text through.

Two things go wrong when people's text lands in a workbook as it is:

- text starting with ``=`` is stored by openpyxl as a live formula (``=HYPERLINK(...)`` from an
  anonymous complaint would run in the office's Excel), and Excel evaluates text starting with
  ``+``, ``-`` or ``@`` (or a tab or carriage return before them) once a user edits the cell;
- openpyxl refuses control characters that XML cannot hold, so one such character in one row
  made the whole export fail.

So text is written as a string cell with Excel's "quote prefix" (the cell stays text even when
edited, and its value is unchanged, so an exported list imports again as it was), and the
characters openpyxl refuses are removed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

# What spreadsheet programs read as the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The most characters an Excel cell holds (openpyxl cuts there too).
EXCEL_MAX_CHARS = 32767


def safe_text(value: str) -> str:
    """The text without the characters openpyxl refuses (C0 controls other than tab, LF, CR)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def safe_cell(sheet: Any, value: Any) -> Any:
    """What to append to `sheet` for `value`: text that could start a formula as a string cell
    with the quote prefix, other text cleaned, numbers, dates and empty values unchanged."""
    if not isinstance(value, str):
        return value
    text = safe_text(value)[:EXCEL_MAX_CHARS]
    if not text.startswith(FORMULA_STARTS):
        return text  # openpyxl stores any other text as a plain string
    # Row and column are set by append; openpyxl's write-only sheets need them to be numbers.
    cell = Cell(sheet, row=1, column=1)
    # Assigned directly: openpyxl's own assignment would turn "=..." into a formula.
    cell._value = text
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """Append one row to a worksheet (write-only or not), every text written as text."""
    sheet.append([safe_cell(sheet, value) for value in values])
