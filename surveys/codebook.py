"""A survey's answers as an Excel workbook with a codebook, for the office's own analysis.

Sheet "答卷": one row per response, one column per variable, variable names (stable, ASCII
where the form's names are) in the header so the sheet loads into a statistics package as it
is. Codes are written as stored (digit-only codes as numbers, so a 1-5 scale averages in Excel);
the "codebook" sheet says what every variable and code means:

- single / likert: the chosen code; with "other", ``<name>_other`` holds the typed text;
- multiple: one column per choice ``<name>/<code>``, 1 chosen, 0 not, empty if unanswered;
- matrix: one column per row (the row's name), the chosen code;
- ranking: one column per item ``<name>/<code>``, its position (1 = first);
- integer, decimal: numbers; date: a date; text: the text; notes have no column.

Responses are read only through ``surveys.reads.answers_for_export`` (already anonymous:
a coarse day and an area, no token, no time); every text goes through
``zuofeng.spreadsheets`` so an answer starting with "=" stays text.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook

from surveys.spec import KIND_LABELS, OTHER_KINDS, FormSpec, Kind, QuestionSpec
from zuofeng.spreadsheets import append_row

ANSWERS_SHEET = "答卷"
CODEBOOK_SHEET = "codebook"
CODEBOOK_HEADER = ["变量名", "题目", "题型", "取值及含义", "显示条件", "必答", "答案约束"]
DAY, AREA = "_day", "_area"
_DIGITS = re.compile(r"-?\d{1,15}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Variable:
    """One column of the answers sheet and its codebook line."""

    name: str
    label: str
    kind: str
    values: str
    value: Callable[[Mapping[str, Any]], Any]
    question: QuestionSpec | None = None


def _code(value: Any) -> Any:
    """A stored code as written: digit-only codes as numbers, others as text."""
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return int(value)
    return value


def _scalar(value: Any) -> Any:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _codes(question: QuestionSpec) -> str:
    return "；".join(f"{_code(c.name)}={c.label}" for c in question.all_choices())


def _pick(key: str, convert: Callable[[Any], Any] = _scalar) -> Callable[[Mapping[str, Any]], Any]:
    return lambda answers: convert(answers.get(key))


def _flag(key: str, code: str) -> Callable[[Mapping[str, Any]], Any]:
    def value(answers: Mapping[str, Any]) -> Any:
        chosen = answers.get(key)
        if chosen in (None, "", []):
            return None
        return 1 if code in (chosen if isinstance(chosen, list) else str(chosen).split()) else 0

    return value


def _position(key: str, code: str) -> Callable[[Mapping[str, Any]], Any]:
    def value(answers: Mapping[str, Any]) -> Any:
        order = answers.get(key)
        if not isinstance(order, list) or code not in order:
            return None
        return order.index(code) + 1

    return value


def variables(spec: FormSpec) -> list[Variable]:
    """The answers sheet's columns, in question order, after the day and the area."""
    result = [
        Variable(DAY, "作答日期（只记到日）", "日期", "年-月-日", _pick(DAY)),
        Variable(AREA, "所在区域", "文本", "区域代码，未选为空", _pick(AREA)),
    ]
    for q in spec.questions:
        kind = KIND_LABELS[q.kind]
        if q.kind in (Kind.SINGLE, Kind.LIKERT):
            result.append(Variable(q.name, q.label, kind, _codes(q), _pick(q.name, _code), q))
        elif q.kind == Kind.MULTIPLE:
            for choice in q.all_choices():
                label = f"{q.label}：{choice.label}"
                flag = _flag(q.name, choice.name)
                result.append(
                    Variable(f"{q.name}/{choice.name}", label, kind, "1=选中；0=未选", flag, q)
                )
        elif q.kind == Kind.MATRIX:
            for row in q.rows:
                label = f"{q.label}：{row.label}"
                result.append(Variable(row.name, label, kind, _codes(q), _pick(row.name, _code), q))
        elif q.kind == Kind.RANKING:
            values = f"名次，1=最重要，共{len(q.choices)}项"
            for choice in q.choices:
                label = f"{q.label}：{choice.label}"
                place = _position(q.name, choice.name)
                result.append(Variable(f"{q.name}/{choice.name}", label, kind, values, place, q))
        elif q.kind != Kind.NOTE:
            values = {Kind.DATE: "年-月-日", Kind.TEXT: "文字"}.get(q.kind, "数值")
            result.append(Variable(q.name, q.label, kind, values, _pick(q.name), q))
        if q.other and q.kind in OTHER_KINDS:
            label = f"{q.label}：其他（请注明）"
            result.append(Variable(q.other_name, label, "文本", "文字", _pick(q.other_name), q))
    return result


def write_answers(spec: FormSpec, rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The workbook for these responses (dicts keyed by answers key, plus _day and _area)."""
    columns = variables(spec)
    # Write-only: 10,000 responses stream through without holding every cell object.
    workbook = Workbook(write_only=True)
    answers = workbook.create_sheet(ANSWERS_SHEET)
    append_row(answers, [v.name for v in columns])
    for row in rows:
        append_row(answers, [v.value(row) for v in columns])
    codebook = workbook.create_sheet(CODEBOOK_SHEET)
    append_row(codebook, CODEBOOK_HEADER)
    for v in columns:
        q = v.question
        append_row(
            codebook,
            [
                v.name,
                v.label,
                v.kind,
                v.values,
                q.relevant if q else "",
                ("是" if q.required else "否") if q else "",
                q.constraint if q else "",
            ],
        )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def export_answers(survey: Any) -> bytes:
    """A survey's answers and codebook, read through surveys.reads."""
    from surveys import reads

    return write_answers(reads.spec_for_export(survey), reads.answers_for_export(survey))
