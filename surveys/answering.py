"""Reading a submitted answer sheet against its FormSpec, the server's word on it.

The answering page hides questions client-side (surveys/static/surveys/answer.js evaluates the
same `relevant` ASTs), but a browser may run no script or a forged one, so here the sheet is
checked again from scratch: answers are parsed per kind, questions whose `relevant` is false
are dropped (their answers are never stored), then required and constraint rules are enforced
with Chinese messages keyed by question name.

Form field names (what the answering template posts):

- single, likert: ``<name>`` = choice; with "other": ``<name>_other`` = its text;
- multiple: ``<name>`` repeated;
- matrix: ``<row name>`` = choice, per row;
- ranking: ``<name>__<choice>`` = position (1 = first), one select per item;
- integer, decimal, date, text: ``<name>``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from surveys.spec import OTHER, FormSpec, Kind, QuestionSpec
from zuofeng.validation import without_controls

MAX_TEXT = 2000
MAX_OTHER = 200

Answers = dict[str, Any]


class Getter:
    """`get`/`getlist` over a QueryDict or a plain dict (tests, the bench, the demo)."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data

    def get(self, key: str) -> str:
        if hasattr(self.data, "getlist"):
            value = self.data.get(key, "")
        else:
            value = self.data.get(key, "")
            if isinstance(value, list):
                value = value[0] if value else ""
        return without_controls(str(value if value is not None else "")).strip()

    def getlist(self, key: str) -> list[str]:
        if hasattr(self.data, "getlist"):
            values = self.data.getlist(key)
        else:
            value = self.data.get(key, [])
            values = value if isinstance(value, list) else [value]
        return [without_controls(str(v)).strip() for v in values if str(v).strip()]


@lru_cache(maxsize=512)
def parse_expression(text: str) -> Any:
    from surveys import expressions

    return expressions.parse(text)


def expression_holds(text: str, answers: Answers, current: Any = None) -> bool:
    """Whether an XLSForm expression is true for these answers (blank expression: true)."""
    if not text.strip():
        return True
    from surveys import expressions

    return expressions.holds(parse_expression(text), answers, current)


def is_blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def _parse(q: QuestionSpec, get: Getter, errors: dict[str, str]) -> Answers:
    """The question's answers from the form, by answers key; a format error in `errors`."""
    codes = {c.name for c in q.all_choices()}
    out: Answers = {}
    if q.kind in (Kind.SINGLE, Kind.LIKERT):
        value = get.get(q.name)
        if value and value not in codes:
            errors[q.name] = "请从给出的选项中选择"
        elif value:
            out[q.name] = value
    elif q.kind == Kind.MULTIPLE:
        values = list(dict.fromkeys(get.getlist(q.name)))
        if any(v not in codes for v in values):
            errors[q.name] = "请从给出的选项中选择"
        elif values:
            order = [c.name for c in q.all_choices()]
            out[q.name] = sorted(values, key=order.index)
    elif q.kind == Kind.MATRIX:
        for row in q.rows:
            value = get.get(row.name)
            if value and value not in codes:
                errors[q.name] = "请从给出的选项中选择"
            elif value:
                out[row.name] = value
    elif q.kind == Kind.RANKING:
        positions: dict[str, int] = {}
        for choice in q.choices:
            raw = get.get(f"{q.name}__{choice.name}")
            if not raw:
                continue
            try:
                position = int(raw)
            except ValueError:
                position = 0
            if not 1 <= position <= len(q.choices):
                errors[q.name] = "排序的名次不正确"
                return {}
            positions[choice.name] = position
        if positions:
            if len(positions) != len(q.choices):
                errors[q.name] = "请为每一项都排出名次"
            elif len(set(positions.values())) != len(positions):
                errors[q.name] = "每个名次只能给一项"
            else:
                out[q.name] = sorted(positions, key=positions.__getitem__)
    elif q.kind == Kind.INTEGER:
        raw = get.get(q.name)
        if raw:
            try:
                out[q.name] = int(raw)
            except ValueError:
                errors[q.name] = "请填写整数"
    elif q.kind == Kind.DECIMAL:
        raw = get.get(q.name)
        if raw:
            try:
                number = float(raw)
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                errors[q.name] = "请填写数字"
            else:
                out[q.name] = number
    elif q.kind == Kind.DATE:
        raw = get.get(q.name)
        if raw:
            try:
                out[q.name] = dt.date.fromisoformat(raw).isoformat()
            except ValueError:
                errors[q.name] = "请按“年-月-日”填写日期，如 2026-05-01"
    elif q.kind == Kind.TEXT:
        raw = get.get(q.name)
        if len(raw) > MAX_TEXT:
            errors[q.name] = f"不能超过 {MAX_TEXT} 字"
        elif raw:
            out[q.name] = raw
    if q.other and q.kind in (Kind.SINGLE, Kind.MULTIPLE):
        chosen = out.get(q.name)
        picked_other = chosen == OTHER or (isinstance(chosen, list) and OTHER in chosen)
        text = get.get(q.other_name)
        if picked_other:
            if not text:
                errors.setdefault(q.name, "选择“其他”时请注明具体内容")
            elif len(text) > MAX_OTHER:
                errors.setdefault(q.name, f"“其他”的内容不能超过 {MAX_OTHER} 字")
            else:
                out[q.other_name] = text
    return out


def _answered(q: QuestionSpec, answers: Answers) -> bool:
    if q.kind == Kind.MATRIX:
        return all(not is_blank(answers.get(row.name)) for row in q.rows)
    return not is_blank(answers.get(q.name))


def clean_answers(spec: FormSpec, data: Mapping[str, Any]) -> tuple[Answers, dict[str, str]]:
    """The stored answers and the errors by question name (empty when the sheet is valid).

    Questions are taken in order; a question whose `relevant` is false is hidden: its answers
    are dropped before later questions' conditions are evaluated, as ODK does."""
    get = Getter(data)
    errors: dict[str, str] = {}
    answers: Answers = {}
    for q in spec.questions:
        if not q.is_answered:
            continue
        parsed = _parse(q, get, errors)
        if not expression_holds(q.relevant, {**answers, **parsed}):
            errors.pop(q.name, None)
            continue
        answers.update(parsed)
        if q.name in errors:
            continue
        if q.required and not _answered(q, answers):
            errors[q.name] = q.required_message or "此题为必答题"
            continue
        if (
            q.constraint
            and q.name in answers
            and not expression_holds(q.constraint, answers, answers[q.name])
        ):
            errors[q.name] = q.constraint_message or "答案不符合本题要求，请检查"
    return answers, errors
