"""A small survey with every kind of question, skip logic, a constraint and an area question."""

from __future__ import annotations

from typing import Any

import pytest

from surveys import actions
from surveys.models import Survey
from surveys.spec import ChoiceSpec, FormSpec, QuestionSpec

AREAS = [ChoiceSpec("QSZ", "青石镇"), ChoiceSpec("CGJD", "城关街道")]
SCALE = [
    ChoiceSpec(str(n), label)
    for n, label in enumerate(["很不满意", "不满意", "一般", "满意", "很满意"], 1)
]


def sample_spec() -> FormSpec:
    return FormSpec(
        title="办事满意度调查",
        form_id="hall",
        version="1",
        questions=[
            QuestionSpec("area", "single", "您所在的乡镇（街道）", required=True, choices=AREAS),
            QuestionSpec(
                "visited",
                "single",
                "近一年是否到政务服务大厅办过事？",
                required=True,
                choices=[ChoiceSpec("yes", "是"), ChoiceSpec("no", "否")],
            ),
            QuestionSpec(
                "satisfaction",
                "likert",
                "您对大厅服务的总体满意度",
                required=True,
                relevant="${visited} = 'yes'",
                choices=SCALE,
            ),
            QuestionSpec(
                "channels",
                "multiple",
                "您通过哪些渠道了解办事指南？",
                choices=[ChoiceSpec("web", "网站"), ChoiceSpec("phone", "电话")],
                other=True,
            ),
            QuestionSpec(
                "aspects",
                "matrix",
                "请评价以下方面",
                choices=SCALE,
                rows=[
                    ChoiceSpec("aspect_wait", "等候时间"),
                    ChoiceSpec("aspect_attitude", "工作人员态度"),
                ],
            ),
            QuestionSpec(
                "priorities",
                "ranking",
                "请为以下改进事项排序",
                choices=[
                    ChoiceSpec("speed", "办事速度"),
                    ChoiceSpec("online", "网上办理"),
                    ChoiceSpec("parking", "停车"),
                ],
            ),
            QuestionSpec(
                "visits",
                "integer",
                "一年内去了几次？",
                constraint=". >= 0 and . <= 100",
                constraint_message="次数应在 0 到 100 之间",
            ),
            QuestionSpec("when", "date", "最近一次办事的日期"),
            QuestionSpec("advice", "text", "您对改进作风有什么意见建议？"),
        ],
    )


def good_answers(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "area": "QSZ",
        "visited": "yes",
        "satisfaction": "4",
        "channels": ["web", "other"],
        "channels_other": "朋友介绍",
        "aspect_wait": "3",
        "aspect_attitude": "5",
        "priorities__speed": "1",
        "priorities__online": "3",
        "priorities__parking": "2",
        "visits": "3",
        "when": "2026-11-02",
        "advice": "窗口工作人员态度冷淡，办事拖拉",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def open_survey(district: Any) -> Survey:
    survey = actions.create_survey(
        actor=district.olivia, title="办事满意度调查", allow_tokens=True, spec=sample_spec()
    )
    return actions.open_survey(survey, actor=district.olivia)
