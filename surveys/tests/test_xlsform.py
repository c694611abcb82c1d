from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from surveys.spec import ChoiceSpec, FormSpec, QuestionSpec
from surveys.tests.fixtures.make_fixtures import WORKBOOKS, Sheet, write
from surveys.tests.test_spec import every_kind
from surveys.xlsform import XLSFormError, export_xlsform, import_xlsform

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Checked row by row against make_fixtures.py: every row, column, setting and sheet the
# platform does not honour, in sheet order (settings, survey, choices, others) and row order.
EVERY_TYPE_UNSUPPORTED = [
    ("survey", 5, "type", "不支持滑块（range）题"),
    ("survey", 11, "type", "不支持从外部文件读取选项"),
    ("survey", 12, "type", "不支持从外部文件读取选项"),
    ("survey", 13, "type", "不支持外部选项表（select_one_external）"),
    ("survey", 15, "type", "不支持定位题"),
    ("survey", 16, "type", "不支持定位题"),
    ("survey", 17, "type", "不支持定位题"),
    ("survey", 19, "type", "不支持时间题，只支持日期"),
    ("survey", 20, "type", "不支持日期时间题，只支持日期"),
    ("survey", 21, "type", "不支持图片上传"),
    ("survey", 22, "type", "不支持录音上传"),
    ("survey", 23, "type", "不支持后台录音"),
    ("survey", 24, "type", "不支持视频上传"),
    ("survey", 25, "type", "不支持文件上传"),
    ("survey", 26, "type", "不支持扫码题"),
    ("survey", 27, "type", "不支持计算字段"),
    ("survey", 28, "type", "不支持确认题"),
    ("survey", 29, "type", "不支持隐藏字段"),
    ("survey", 30, "type", "不支持外部数据文件"),
    ("survey", 31, "type", "不支持外部数据文件"),
    ("survey", 32, "type", "不采集答题设备元数据（匿名问卷）"),
    ("survey", 33, "type", "不采集答题设备元数据（匿名问卷）"),
    ("survey", 34, "type", "不采集答题设备元数据（匿名问卷）"),
    ("survey", 35, "type", "不采集答题设备元数据（匿名问卷）"),
    ("survey", 36, "type", "不采集答题设备元数据（匿名问卷）"),
    ("survey", 37, "type", "不采集答题设备元数据（匿名问卷）"),
    ("survey", 38, "type", "不采集答题设备元数据（匿名问卷）"),
    ("survey", 39, "type", "不采集答题过程记录（匿名问卷）"),
    ("survey", 40, "type", "不支持定位题"),
    ("survey", 41, "type", "不支持定位题"),
    (
        "survey",
        42,
        "type",
        "本平台问卷不分组，组内题目已按原顺序导入，分组的显示条件已并入组内每道题",
    ),
    (
        "survey",
        49,
        "type",
        "表格分组（table-list）内不全是同一选项列表的单选题，不能作为矩阵导入；本平台问卷不分组，组内题目已按原顺序导入",
    ),
    ("survey", 53, "type", "不支持重复组，组内题目未导入"),
    ("survey", 54, "type", "位于不支持的重复组“members”内，未导入"),
    ("survey", 55, "type", "位于不支持的重复组“members”内，未导入"),
    ("survey", 56, "type", "位于不支持的重复组“members”内，未导入"),
    ("survey", 59, "type", "不采集答题设备元数据（匿名问卷）"),
    ("survey", 60, "type", "不采集答题设备元数据（匿名问卷）"),
    ("survey", 61, "type", "不支持地图（OSM）题"),
    ("survey", 62, "type", "不支持确认题"),
    ("choices", 4, "list_name", "选项列表“towns”没有导入的题目使用，未导入"),
    ("external_choices", 1, "external_choices", "不支持外部选项表（select_one_external）"),
    ("osm", 1, "osm", "不支持地图（OSM）题"),
]

EVERY_COLUMN_UNSUPPORTED = [
    ("settings", 2, "instance_name", "不支持答卷命名规则"),
    ("settings", 2, "public_key", "不支持加密表单（答卷已匿名保存）"),
    ("settings", 2, "submission_url", "答卷只提交到本平台"),
    ("settings", 2, "style", "不支持页面样式设置"),
    ("settings", 2, "allow_choice_duplicates", "选项代码不允许重复"),
    ("settings", 2, "auto_send", "不适用于网页问卷"),
    ("settings", 2, "auto_delete", "不适用于网页问卷"),
    ("survey", 1, "label::English (en)", "只导入一种语言（中文 (zh)），此列的翻译未导入"),
    ("survey", 1, "hint::English (en)", "只导入一种语言（中文 (zh)），此列的翻译未导入"),
    ("survey", 3, "appearance", "不支持显示样式“numbers”，已按默认样式导入"),
    ("survey", 3, "required", "必答条件只支持“是/否”，不支持表达式，已按非必答导入"),
    ("survey", 3, "constraint", "不支持的函数 pulldata()，未导入此条件"),
    (
        "survey",
        3,
        "relevant",
        "不支持路径写法（如 /data/题目），请用 ${题目名称} 引用题目，未导入此条件",
    ),
    ("survey", 3, "guidance_hint", "不支持指导提示（guidance_hint）"),
    ("survey", 3, "constraint_message::中文 (zh)", "没有导入的答案约束，约束提示未导入"),
    ("survey", 3, "default", "不支持默认答案"),
    ("survey", 3, "read_only", "不支持只读题"),
    ("survey", 3, "media::image", "不支持图片、音频、视频等媒体"),
    ("survey", 3, "media::audio::中文 (zh)", "不支持图片、音频、视频等媒体"),
    ("survey", 3, "video", "不支持图片、音频、视频等媒体"),
    ("survey", 3, "big-image", "不支持图片、音频、视频等媒体"),
    ("survey", 3, "instance::odk:tag", "不支持自定义 XForm 属性（instance::）"),
    ("survey", 3, "bind::odk:length", "不支持自定义 XForm 属性（bind::）"),
    ("survey", 3, "save_to", "不支持实体（entities）"),
    ("survey", 4, "appearance", "不支持显示样式“autocomplete”，已按默认样式导入"),
    ("survey", 4, "choice_filter", "不支持级联选择（choice_filter）"),
    ("survey", 4, "parameters", "不支持题型参数（parameters）"),
    ("survey", 5, "calculation", "不支持计算"),
    ("survey", 5, "trigger", "不支持触发计算（trigger）"),
    ("survey", 6, "type", "不支持定位题"),
    ("survey", 7, "type", "不支持重复组，组内题目未导入"),
    ("survey", 8, "type", "位于不支持的重复组“people”内，未导入"),
    ("survey", 10, "remarks", "不认识的列，未导入"),
    ("choices", 1, "label::English (en)", "只导入一种语言（中文 (zh)），此列的翻译未导入"),
    ("choices", 3, "media::image", "不支持图片、音频、视频等媒体"),
    ("choices", 4, "county", "不支持级联选择的筛选列，未导入"),
    ("choices", 5, "county", "不支持级联选择的筛选列，未导入"),
    ("choices", 6, "list_name", "选项列表“unused”没有导入的题目使用，未导入"),
    ("entities", 1, "entities", "不支持实体（entities）"),
]


def rows(result) -> list[tuple[str, int, str, str]]:
    return [(u.sheet, u.row_number, u.column, u.reason) for u in result.unsupported]


def workbook(sheets: dict[str, Sheet]) -> bytes:
    target = io.BytesIO()
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, content in sheets.items():
        sheet = book.create_sheet(title)
        for row in content.cells():
            sheet.append(row)
    book.save(target)
    return target.getvalue()


def test_the_committed_workbooks_are_what_the_script_writes(tmp_path: Path) -> None:
    for path in write(tmp_path):
        if path.suffix != ".xlsx":
            continue  # the expression truth table is checked by test_expressions
        fresh = load_workbook(path)
        committed = load_workbook(FIXTURES / path.name)
        assert committed.sheetnames == fresh.sheetnames
        for name in fresh.sheetnames:
            values = [list(r) for r in committed[name].iter_rows(values_only=True)]
            assert values == [list(r) for r in fresh[name].iter_rows(values_only=True)]
    assert set(WORKBOOKS) == {"supported.xlsx", "every_type.xlsx", "every_column.xlsx"}


def test_every_question_type_imports_with_exactly_its_unsupported_rows_listed() -> None:
    result = import_xlsform(FIXTURES / "every_type.xlsx")
    assert rows(result) == EVERY_TYPE_UNSUPPORTED
    assert [(q.name, q.kind) for q in result.spec.questions] == [
        ("intro", "note"),
        ("q_integer", "integer"),
        ("q_decimal", "decimal"),
        ("q_text", "text"),
        ("q_select_one", "single"),
        ("q_select_multiple", "multiple"),
        ("q_select_other", "single"),
        ("q_likert", "likert"),
        ("q_rank", "ranking"),
        ("q_date", "date"),
        ("in_plain", "text"),
        ("grid", "matrix"),
        ("mixed_a", "single"),
        ("mixed_b", "text"),
        ("q_select_alias", "single"),
        ("q_int_alias", "integer"),
    ]


def test_a_plain_groups_skip_logic_is_added_to_the_questions_inside() -> None:
    spec = import_xlsform(FIXTURES / "every_type.xlsx").spec
    assert spec.question("in_plain").relevant == "${q_select_one} = 'yes'"
    assert spec.question("q_select_other").other is True
    grid = spec.question("grid")
    assert grid.rows == [ChoiceSpec("grid_a", "第一行"), ChoiceSpec("grid_b", "第二行")]
    assert grid.choices == [ChoiceSpec("yes", "是"), ChoiceSpec("no", "否")]


def test_every_column_imports_with_exactly_its_unsupported_cells_listed() -> None:
    result = import_xlsform(FIXTURES / "every_column.xlsx")
    assert rows(result) == EVERY_COLUMN_UNSUPPORTED
    spec = result.spec
    assert (spec.title, spec.form_id, spec.version) == ("全部列", "every_column", "3")
    # The default language (中文) is the one read; the English columns are listed above.
    visited = spec.question("visited")
    assert (visited.label, visited.hint, visited.required_message) == (
        "是否来过？",
        "选一项",
        "请回答",
    )
    town = spec.question("town")
    assert (town.required, town.constraint, town.relevant) == (False, "", "")


def test_the_supported_workbook_imports_completely() -> None:
    spec, unsupported = import_xlsform(FIXTURES / "supported.xlsx")
    assert unsupported == []
    assert (spec.title, spec.form_id, spec.version) == (
        "办事大厅满意度调查",
        "hall_satisfaction",
        "2026-12",
    )
    assert spec.question("intro").label == "本问卷匿名填写，感谢您的“真心话”。"  # curly quotes kept
    assert spec.question("services").other is True
    assert spec.question("services").appearance == "columns"
    assert spec.question("overall").kind == "likert"
    staff = spec.question("staff")
    assert (staff.kind, staff.required, staff.required_message) == ("matrix", True, "请评价每一项")
    assert staff.relevant == "${visited} = 'yes'"
    assert [c.name for c in spec.question("priorities").choices] == ["queue", "once", "online"]
    assert spec.question("last_visit").constraint == ". <= today()"


@pytest.mark.parametrize(
    "spec",
    [every_kind(), import_xlsform(FIXTURES / "supported.xlsx").spec],
    ids=["built", "imported"],
)
def test_a_supported_form_survives_export_then_import_unchanged(spec: FormSpec) -> None:
    exported = export_xlsform(spec)
    result = import_xlsform(exported)
    assert result.unsupported == []
    assert result.spec == spec
    # The exported workbook is a valid XLSForm: pyxform converts it, and turns the matrix's
    # table-list into ODK's grid (a field-list of list-nolabel selects under a label row).
    xform = convert(xlsform=io.BytesIO(exported)).xform
    assert '<group appearance="field-list" ref="/data/staff">' in xform
    assert 'appearance="list-nolabel"' in xform


def test_exported_text_that_looks_like_a_formula_stays_text() -> None:
    spec = FormSpec(
        title='=HYPERLINK("http://x")',
        questions=[QuestionSpec("q", "text", "=1+1 是多少？", hint="-2")],
    )
    exported = export_xlsform(spec)
    sheet = load_workbook(io.BytesIO(exported))["survey"]
    assert sheet["C2"].data_type == "s"
    assert import_xlsform(exported).spec == spec


def test_skip_logic_pointing_at_a_question_not_imported_is_listed() -> None:
    data = workbook(
        {
            "survey": Sheet(
                ["type", "name", "label", "relevant", "constraint"],
                [
                    {"type": "geopoint", "name": "where", "label": "位置"},
                    {"type": "text", "name": "why", "label": "原因", "relevant": "${where} != ''"},
                    {"type": "integer", "name": "n", "label": "次数", "constraint": ". > 0"},
                ],
            )
        }
    )
    result = import_xlsform(data)
    assert rows(result) == [
        ("survey", 2, "type", "不支持定位题"),
        ("survey", 3, "relevant", "引用的题目“where”未导入，未导入此条件"),
    ]
    assert result.spec.question("why").relevant == ""
    assert (
        str(result.unsupported[1])
        == "survey 表第 3 行 relevant 列：引用的题目“where”未导入，未导入此条件"
    )
    assert result.spec.question("n").constraint == ". > 0"
    assert result.spec.title == "survey"  # no settings sheet: pyxform's default id


def test_a_workbook_pyxform_refuses_is_refused_with_its_reason() -> None:
    data = workbook(
        {
            "survey": Sheet(
                ["type", "name", "label"],
                [{"type": "select_one missing", "name": "q", "label": "题"}],
            )
        }
    )
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(data)
    assert str(caught.value).startswith("不是有效的 XLSForm 表格：")
    with pytest.raises(XLSFormError):
        import_xlsform(b"not a workbook")


def test_a_matrix_keeps_its_rows_and_lists_what_a_row_cannot_carry() -> None:
    columns = ["type", "name", "label", "required", "relevant", "constraint"]
    data = workbook(
        {
            "survey": Sheet(
                [*columns, "constraint_message", "appearance"],
                [
                    {"type": "geopoint", "name": "where", "label": "位置"},  # 2
                    {
                        "type": "decimal",
                        "name": "n",
                        "label": "距离",
                        "constraint": "${where} != ''",
                        "constraint_message": "先定位",
                    },  # 3
                    {
                        "type": "begin_group",
                        "name": "m",
                        "label": "评价",
                        "appearance": "table-list",
                    },
                    {"type": "select_one s", "name": "m_a", "label": "甲", "required": "yes"},  # 5
                    {"type": "select_one s", "name": "m_b", "label": "乙", "relevant": "${n} > 1"},
                    {"type": "end_group"},  # 7
                ],
            ),
            "choices": Sheet(
                ["list_name", "name", "label"], [{"list_name": "s", "name": "1", "label": "好"}]
            ),
        }
    )
    result = import_xlsform(data)
    assert rows(result) == [
        ("survey", 2, "type", "不支持定位题"),
        ("survey", 3, "constraint", "引用的题目“where”未导入，未导入此条件"),
        ("survey", 3, "constraint_message", "没有导入的答案约束，约束提示未导入"),
        ("survey", 5, "required", "矩阵各行的必答设置不一致，整题按非必答导入"),
        ("survey", 6, "relevant", "矩阵的行不能单独设置此项，未导入"),
    ]
    matrix = result.spec.question("m")
    assert (matrix.kind, matrix.required, [r.name for r in matrix.rows]) == (
        "matrix",
        False,
        ["m_a", "m_b"],
    )
    assert result.spec.question("n").constraint_message == ""


def test_without_a_default_language_chinese_labels_are_read() -> None:
    data = workbook(
        {
            "survey": Sheet(
                ["type", "name", "label::English (en)", "label::简体中文 (zh)"],
                [
                    {
                        "type": "text",
                        "name": "q",
                        "label::English (en)": "Name",
                        "label::简体中文 (zh)": "姓名",
                    }
                ],
            )
        }
    )
    result = import_xlsform(data)
    assert result.spec.question("q").label == "姓名"
    assert rows(result) == [
        ("survey", 1, "label::English (en)", "只导入一种语言（简体中文 (zh)），此列的翻译未导入")
    ]
