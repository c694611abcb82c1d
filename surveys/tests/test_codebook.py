from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from surveys.codebook import export_answers, write_answers
from surveys.tests.test_spec import every_kind

ROWS: list[dict[str, Any]] = [
    {
        "_day": "2026-11-30",
        "_area": "QSZ",
        "visited": "yes",
        "services": ["tax", "other"],
        "services_other": '=HYPERLINK("http://x")',
        "overall": "4",
        "staff_attitude": "5",
        "staff_speed": "3",
        "priorities": ["no", "yes"],
        "visits": 3,
        "wait_hours": 1.5,
        "day": "2026-11-28",
        "advice": "窗口少，排队长",
    },
    {"_day": "2026-12-01", "_area": "", "visited": "no", "advice": "无"},
]


def sheets(data: bytes) -> tuple[list[list[Any]], list[list[Any]]]:
    book = load_workbook(io.BytesIO(data))
    answers = [list(r) for r in book["答卷"].iter_rows(values_only=True)]
    codebook = [list(r) for r in book["codebook"].iter_rows(values_only=True)]
    return answers, codebook


def test_one_row_per_response_and_one_column_per_choice_and_matrix_row() -> None:
    answers, _ = sheets(write_answers(every_kind(), ROWS))
    header = answers[0]
    assert header == [
        "_day",
        "_area",
        "visited",
        "services/tax",
        "services/social",
        "services/other",
        "services_other",
        "overall",
        "staff_attitude",
        "staff_speed",
        "priorities/yes",
        "priorities/no",
        "visits",
        "wait_hours",
        "day",
        "advice",
    ]
    first = dict(zip(header, answers[1], strict=True))
    assert first["services/tax"] == 1 and first["services/social"] == 0
    assert first["services/other"] == 1
    assert first["services_other"] == '=HYPERLINK("http://x")'  # kept as text, not a formula
    assert (first["overall"], first["staff_attitude"], first["staff_speed"]) == (4, 5, 3)
    assert (first["priorities/yes"], first["priorities/no"]) == (2, 1)
    assert (first["visits"], first["wait_hours"]) == (3, 1.5)
    assert first["day"].date() == dt.date(2026, 11, 28)
    second = dict(zip(header, answers[2], strict=True))
    # Unanswered is empty, not "not chosen".
    assert second["services/tax"] is None and second["overall"] is None
    assert second["_area"] is None and second["visited"] == "no"
    assert len(answers) == 3


def test_the_codebook_explains_every_variable_code_and_skip_logic() -> None:
    _, codebook = sheets(write_answers(every_kind(), ROWS))
    assert codebook[0] == ["变量名", "题目", "题型", "取值及含义", "显示条件", "必答", "答案约束"]
    by_name = {row[0]: row for row in codebook[1:]}
    assert list(by_name) == ["_day", "_area", *sheets(write_answers(every_kind(), []))[0][0][2:]]
    assert by_name["visited"][1:4] == ["今年是否到大厅办过事？", "单选", "yes=是；no=否"]
    assert by_name["visited"][5] == "是"
    assert by_name["services/other"][1:4] == ["办理了哪些业务？：其他", "多选", "1=选中；0=未选"]
    assert by_name["services/tax"][4] == "${visited} = 'yes'"
    assert by_name["overall"][3] == "1=很不满意；2=不满意；3=一般；4=满意；5=很满意"
    assert by_name["staff_speed"][1:3] == ["对工作人员的评价：效率", "矩阵"]
    assert by_name["priorities/no"][3] == "名次，1=最重要，共2项"
    assert by_name["visits"][6] == ". >= 1 and . <= 20"
    assert "intro" not in by_name  # a note has no answer


@pytest.mark.django_db
def test_export_answers_reads_the_surveys_responses() -> None:
    from surveys.models import Response, Survey

    survey = Survey.objects.create(title="办事大厅满意度调查", definition=every_kind().to_json())
    for row in ROWS:
        answers = {k: v for k, v in row.items() if not k.startswith("_")}
        day = dt.date.fromisoformat(row["_day"])
        Response.objects.create(survey=survey, day=day, area=row["_area"], answers=answers)
    answers, codebook = sheets(export_answers(survey))
    assert len(answers) == 3
    assert sorted(r[2] for r in answers[1:]) == ["no", "yes"]
    assert len(codebook) == len(answers[0]) + 1
