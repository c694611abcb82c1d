"""Directives and their task trees to and from Excel, with the same columns both ways.

Sheet “决策部署”: one row per field (字段, 值). Sheet “任务”: one row per task in tree order, each
with its outline number (1, 1.2, 1.2.1) and its parent's, the lead unit and assisting units by
unit code, and the fields the office types. Progress is never imported: it comes from reports.

Importing a workbook into the directive it was exported from changes nothing (no action runs
for a row equal to the task). Into another directive, or as a new one, rows are matched by
outline number: a new number adds a task, a changed row updates it, changed weights of a group
of siblings are set together (and must sum to 100).
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook

from org.models import Unit
from supervision import actions
from supervision.models import Directive, Task
from zuofeng.spreadsheets import append_row

DIRECTIVE_ROWS = [
    ("决策部署名称", "title"),
    ("来源（会议或文号）", "source"),
    ("日期", "issued_on"),
    ("牵头领导", "leader"),
    ("内容摘要", "summary"),
    ("报送频次", "cadence"),
    ("报送字段", "report_fields"),
    ("向社会公开", "public"),
]
TASK_COLUMNS = [
    "编号",
    "上级编号",
    "任务名称",
    "牵头单位编码",
    "配合单位编码",
    "完成时限",
    "权重",
    "进度类型",
    "目标量",
    "计量单位",
    "涉及群众",
    "问题描述",
]
YES, NO = "是", "否"
MAX_ROWS = 20000


def outline(directive: Directive) -> list[tuple[str, Task]]:
    """Every task with its outline number, in tree order."""
    tasks = list(directive.tasks.select_related("unit").prefetch_related("assisting_units"))
    children: dict[int | None, list[Task]] = defaultdict(list)
    for task in sorted(tasks, key=lambda t: (t.position, t.pk)):
        children[task.parent_id].append(task)
    out: list[tuple[str, Task]] = []
    stack = [(str(i + 1), task) for i, task in enumerate(children[None])][::-1]
    while stack:
        code, task = stack.pop()
        out.append((code, task))
        kids = children.get(task.pk, [])
        stack.extend(reversed([(f"{code}.{i + 1}", kid) for i, kid in enumerate(kids)]))
    return out


def _amount(value: Decimal | None) -> str:
    return f"{value.normalize():f}" if value is not None else ""


def export_directive(directive: Directive) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "决策部署"
    append_row(sheet, ["字段", "值"])
    values = {
        "title": directive.title,
        "source": directive.source,
        "issued_on": directive.issued_on.isoformat(),
        "leader": directive.leader,
        "summary": directive.summary,
        "cadence": directive.get_cadence_display(),
        "report_fields": "，".join(directive.report_fields),
        "public": YES if directive.public else NO,
    }
    for label, name in DIRECTIVE_ROWS:
        append_row(sheet, [label, values[name]])
    tasks = book.create_sheet("任务")
    append_row(tasks, TASK_COLUMNS)
    codes: dict[int, str] = {}
    for code, task in outline(directive):
        codes[task.pk] = code
        append_row(
            tasks,
            [
                code,
                codes.get(task.parent_id, "") if task.parent_id else "",
                task.title,
                task.unit.code,
                "，".join(sorted(u.code for u in task.assisting_units.all())),
                task.deadline.isoformat(),
                task.weight,
                task.get_kind_display(),
                _amount(task.target),
                task.measure_unit,
                YES if task.affects_residents else NO,
                task.problem_text,
            ],
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_text(value))
    except ValueError:
        raise ValidationError(f"{where}：日期“{_text(value)}”无法识别，请写成 2026-12-31") from None


def _choice(value: str, choices: list[tuple[str, str]], where: str) -> str:
    for key, label in choices:
        if value in (key, label):
            return key
    raise ValidationError(
        f"{where}：“{value}”不是可选的值（{'、'.join(label for _, label in choices)}）"
    )


def read_workbook(data: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The directive's fields and the task rows, checked; a clear message for the first
    problem found."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError("无法读取该文件：请上传由本平台导出的 Excel（.xlsx）文件") from None
    if "决策部署" not in book.sheetnames or "任务" not in book.sheetnames:
        raise ValidationError("文件应包含“决策部署”和“任务”两个工作表")
    pairs = {
        _text(row[0]): row[1] if len(row) > 1 else None
        for row in book["决策部署"].iter_rows(min_row=2, values_only=True)
        if row and row[0]
    }
    fields: dict[str, Any] = {}
    for label, name in DIRECTIVE_ROWS:
        if label not in pairs:
            raise ValidationError(f"“决策部署”工作表缺少“{label}”一行")
        fields[name] = pairs[label]
    fields = {
        "title": _text(fields["title"]),
        "source": _text(fields["source"]),
        "issued_on": _date(fields["issued_on"], "决策部署日期"),
        "leader": _text(fields["leader"]),
        "summary": _text(fields["summary"]),
        "cadence": _choice(_text(fields["cadence"]), Directive.Cadence.choices, "报送频次"),
        "report_fields": [
            p for p in _text(fields["report_fields"]).replace(",", "，").split("，") if p.strip()
        ],
        "public": _text(fields["public"]) == YES,
    }
    rows_iter = book["任务"].iter_rows(values_only=True)
    header = [_text(v) for v in next(rows_iter, ())]
    if header[: len(TASK_COLUMNS)] != TASK_COLUMNS:
        raise ValidationError(f"“任务”工作表的表头应为：{'、'.join(TASK_COLUMNS)}")
    units = {u.code: u for u in Unit.objects.all()}
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, raw in enumerate(rows_iter, start=2):
        if number > MAX_ROWS:
            raise ValidationError(f"任务不能超过 {MAX_ROWS} 行")
        values = list(raw) + [None] * len(TASK_COLUMNS)
        if not any(v not in (None, "") for v in values[: len(TASK_COLUMNS)]):
            continue
        where = f"任务第 {number} 行"
        code, parent = _text(values[0]), _text(values[1])
        if not code or code in seen:
            raise ValidationError(f"{where}：编号为空或重复")
        if parent and parent not in seen:
            raise ValidationError(f"{where}：上级编号“{parent}”须出现在本行之前")
        seen.add(code)
        unit = units.get(_text(values[3]))
        if unit is None:
            raise ValidationError(f"{where}：牵头单位编码“{_text(values[3])}”不存在")
        assisting = []
        for part in _text(values[4]).replace(",", "，").split("，"):
            if part.strip():
                if part.strip() not in units:
                    raise ValidationError(f"{where}：配合单位编码“{part.strip()}”不存在")
                assisting.append(units[part.strip()])
        try:
            weight = int(_text(values[6]))
            target = Decimal(_text(values[8])) if _text(values[8]) else None
        except (ValueError, InvalidOperation):
            raise ValidationError(f"{where}：权重或目标量不是数字") from None
        rows.append(
            {
                "code": code,
                "parent": parent,
                "title": _text(values[2]),
                "unit": unit,
                "assisting": assisting,
                "deadline": _date(values[5], where),
                "weight": weight,
                "kind": _choice(_text(values[7]), Task.Kind.choices, where),
                "target": target,
                "measure_unit": _text(values[9]),
                "affects_residents": _text(values[10]) == YES,
                "problem_text": _text(values[11]),
            }
        )
    return fields, rows


TASK_COMPARE = [
    "title",
    "unit",
    "deadline",
    "kind",
    "target",
    "measure_unit",
    "affects_residents",
    "problem_text",
]


def _same_task(task: Task, row: dict[str, Any]) -> bool:
    return all(getattr(task, name) == row[name] for name in TASK_COMPARE) and {
        u.pk for u in task.assisting_units.all()
    } == {u.pk for u in row["assisting"]}


def _same_directive(directive: Directive, fields: dict[str, Any]) -> bool:
    return all(getattr(directive, name) == value for name, value in fields.items())


@transaction.atomic
def import_workbook(
    data: bytes, *, actor: Any, directive: Directive | None = None
) -> tuple[Directive, int]:
    """Create a directive from a workbook, or bring `directive` in line with it. Returns the
    directive and the number of changes made (0 for a re-import of its own export)."""
    fields, rows = read_workbook(data)
    changes = 0
    if directive is None:
        directive = actions.create_directive(actor=actor, **fields)
        changes += 1
    elif not _same_directive(directive, fields):
        actions.update_directive(directive, actor=actor, **fields)
        changes += 1
    existing = dict(outline(directive))
    by_code: dict[str, Task] = {}
    weights: dict[str | None, dict[int, int]] = defaultdict(dict)
    for row in rows:
        parent = by_code.get(row["parent"]) if row["parent"] else None
        task = existing.get(row["code"])
        if task is not None and task.parent_id != (parent.pk if parent else None):
            raise ValidationError(f"编号 {row['code']} 的上级与现有任务不一致，不能导入")
        fields_of = {k: row[k] for k in TASK_COMPARE}
        if task is None:
            siblings = None
            if directive.status == Directive.Status.ISSUED:
                siblings = {
                    t.pk: next(
                        (r["weight"] for r in rows if existing.get(r["code"]) == t), t.weight
                    )
                    for t in directive.tasks.filter(parent=parent)
                }
            task = actions.add_task(
                directive,
                actor=actor,
                parent=parent,
                assisting=row["assisting"],
                weight=row["weight"],
                sibling_weights=siblings,
                **fields_of,
            )
            changes += 1
        else:
            if not _same_task(task, row):
                actions.update_task(task, actor=actor, assisting=row["assisting"], **fields_of)
                changes += 1
            if task.weight != row["weight"]:
                weights[row["parent"] or None][task.pk] = row["weight"]
        by_code[row["code"]] = task
    for parent_code, changed in weights.items():
        parent = by_code.get(parent_code) if parent_code else None
        group = dict(directive.tasks.filter(parent=parent).values_list("pk", "weight"))
        group.update(changed)
        actions.set_weights(
            directive, actor=actor, parent=parent, weights=group, reason="Excel 导入调整权重"
        )
        changes += 1
    return directive, changes
