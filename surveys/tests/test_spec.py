from __future__ import annotations

import json

import pytest

from surveys.spec import ChoiceSpec, FormSpec, QuestionSpec, SpecError

YES_NO = [ChoiceSpec("yes", "是"), ChoiceSpec("no", "否")]
SCALE = [
    ChoiceSpec(str(i), label)
    for i, label in enumerate(["很不满意", "不满意", "一般", "满意", "很满意"], 1)
]


def every_kind() -> FormSpec:
    return FormSpec(
        title="办事大厅满意度调查",
        form_id="hall_satisfaction",
        version="2026-12",
        questions=[
            QuestionSpec("intro", "note", "感谢参与，本问卷匿名。"),
            QuestionSpec(
                "visited", "single", "今年是否到大厅办过事？", required=True, choices=YES_NO
            ),
            QuestionSpec(
                "services",
                "multiple",
                "办理了哪些业务？",
                relevant="${visited} = 'yes'",
                choices=[ChoiceSpec("tax", "税务"), ChoiceSpec("social", "社保")],
                other=True,
                appearance="columns",
            ),
            QuestionSpec("overall", "likert", "总体满意度", choices=SCALE),
            QuestionSpec(
                "staff",
                "matrix",
                "对工作人员的评价",
                required=True,
                choices=SCALE,
                rows=[ChoiceSpec("staff_attitude", "态度"), ChoiceSpec("staff_speed", "效率")],
            ),
            QuestionSpec("priorities", "ranking", "请按重要性排序", choices=YES_NO),
            QuestionSpec(
                "visits",
                "integer",
                "去了几次？",
                constraint=". >= 1 and . <= 20",
                constraint_message="请填1到20之间的次数",
            ),
            QuestionSpec("wait_hours", "decimal", "等候小时数"),
            QuestionSpec("day", "date", "最近一次办事日期", hint="大致日期即可"),
            QuestionSpec(
                "advice",
                "text",
                "意见建议",
                required=True,
                required_message="请写下您的意见",
                appearance="multiline",
            ),
        ],
    )


def test_a_valid_spec_of_every_kind_survives_json_unchanged() -> None:
    spec = every_kind()
    assert spec.errors() == []
    text = json.dumps(spec.to_json(), ensure_ascii=False)
    assert FormSpec.from_json(json.loads(text)) == spec


def test_answer_keys_cover_matrix_rows_and_other_text() -> None:
    owners = every_kind().answer_owner()
    assert owners["staff_attitude"].name == "staff"
    assert owners["services_other"].name == "services"
    assert "intro" not in owners
    assert every_kind().question("services").all_choices()[-1] == ChoiceSpec("other", "其他")


def test_duplicate_names_are_refused_in_chinese() -> None:
    spec = every_kind()
    spec.questions.append(QuestionSpec("staff_speed", "text", "重复"))
    with pytest.raises(SpecError) as caught:
        FormSpec.from_json(spec.to_json())
    assert caught.value.messages == ["第11题“staff_speed”：名称“staff_speed”与其他题目重复"]


def test_a_reference_to_an_unknown_question_is_refused() -> None:
    spec = every_kind()
    spec.questions[2].relevant = "${visted} = 'yes'"
    assert spec.errors() == ["第3题“services”的显示条件引用了不存在的题目“visted”"]


def test_a_choice_question_without_choices_is_refused() -> None:
    spec = every_kind()
    spec.questions[1].choices = []
    spec.questions[4].rows = []
    assert spec.errors() == ["第2题“visited”缺少选项", "第5题“staff”缺少矩阵行"]


def test_names_follow_xlsform_rules() -> None:
    spec = every_kind()
    spec.questions[1].name = "1st visit"
    spec.questions[3].name = "满意度"  # XML names may be Chinese
    messages = spec.errors()
    assert messages[0].startswith("第2题“1st visit”的名称不合规")
    assert not any("满意度" in m for m in messages)


def test_misplaced_options_are_refused() -> None:
    spec = every_kind()
    spec.questions[6].choices = YES_NO
    spec.questions[6].other = True
    spec.questions[9].appearance = "minimal"
    assert spec.errors() == [
        "第7题“visits”是整数题，不能有选项",
        "第7题“visits”是整数题，不能设“其他”选项",
        "第10题“advice”的显示样式“minimal”不适用于文本题",
    ]


def test_an_expression_outside_the_supported_subset_is_refused() -> None:
    spec = every_kind()
    spec.questions[6].constraint = "pulldata('f', 'c', 'k', .) > 1"
    assert spec.errors() == ["第7题“visits”的答案约束无法使用：不支持的函数 pulldata()"]


def test_the_other_text_is_an_answer_but_not_a_name_expressions_may_use() -> None:
    spec = every_kind()
    spec.questions[9].relevant = "${services_other} != ''"
    assert spec.errors() == ["第10题“advice”的显示条件引用了不存在的题目“services_other”"]
    assert "services_other" in spec.answer_owner()


def test_text_is_kept_without_surrounding_whitespace() -> None:
    question = QuestionSpec(" q ", "single", " 题目 ", choices=[ChoiceSpec(" a ", " 甲 ")])
    assert (question.name, question.label, question.choices[0]) == (
        "q",
        "题目",
        ChoiceSpec("a", "甲"),
    )


def test_a_choice_code_with_a_space_is_refused() -> None:
    spec = every_kind()
    spec.questions[2].choices[0] = ChoiceSpec("tax office", "税务")
    assert spec.errors() == ["第3题“services”的选项代码“tax office”不能含空格"]
