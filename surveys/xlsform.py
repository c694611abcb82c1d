"""XLSForm (the ODK/KoboToolbox workbook standard) to and from the survey definition.

Import reads the workbook with pyxform's own reader and header/alias rules, and first has
pyxform convert it: a workbook pyxform refuses is refused here too (XLSFormError), so only
valid XLSForms are mapped. Every row, column or setting the platform cannot honour is listed in
``ImportResult.unsupported`` with its sheet and spreadsheet row number; nothing is dropped
silently. A column that is unsupported as a whole (a translation into a second language) is
listed once, at row 1 (the header row); everything else once per row that uses it.

The supported subset maps one to one (see surveys/spec.py for the kinds):

- ``select_one L`` / ``select_multiple L`` (``or_other``), appearance ``minimal`` or
  ``columns``; ``select_one L`` with appearance ``likert``; ``rank L``;
- a ``begin_group`` with appearance ``table-list`` whose rows are all ``select_one`` of one list
  is a matrix (group name/label/hint/relevant, each row's name/label/required);
- ``integer``, ``decimal``, ``date``, ``text`` (appearance ``multiline``), ``note``;
- columns type, name, label, hint, required (yes/no), required_message, constraint,
  constraint_message, relevant (expressions in the subset of surveys/expressions.py);
- choices list_name, name, label; settings form_title, form_id, version (default_language
  chooses the language read).

A plain group (or a table-list that is not a matrix) is not kept, but its questions are
imported in order and its skip logic is added to each of them; the group row is listed.

``export_xlsform(spec)`` writes survey, choices and settings sheets that pyxform converts, and
``import_xlsform(export_xlsform(spec)).spec == spec`` for every valid spec.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from pyxform import aliases, constants
from pyxform.errors import PyXFormError
from pyxform.parsing.sheet_headers import SMART_QUOTES, process_header
from pyxform.question import MultipleChoiceQuestion, Option
from pyxform.question_type_dictionary import QUESTION_TYPE_DICT
from pyxform.survey import Survey
from pyxform.xls2json import RE_BEGIN_CONTROL, RE_END_CONTROL, RE_OSM, RE_SELECT
from pyxform.xls2json_backends import get_xlsform
from pyxform.xls2xform import convert

from surveys import expressions
from surveys.spec import (
    APPEARANCES,
    OTHER_KINDS,
    ChoiceSpec,
    FormSpec,
    Kind,
    QuestionSpec,
    SpecError,
)
from zuofeng.spreadsheets import append_row

SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
HEADER_ROW = 1


@dataclass(frozen=True)
class UnsupportedRow:
    """Something in the workbook the platform does not honour: `column` is the question type
    (column "type") or the column header as written in the workbook."""

    sheet: str
    row_number: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.sheet} 表第 {self.row_number} 行 {self.column} 列：{self.reason}"

    @property
    def row(self) -> int:
        return self.row_number


@dataclass
class ImportResult:
    spec: FormSpec
    unsupported: list[UnsupportedRow] = field(default_factory=list)

    def __iter__(self) -> Iterator[Any]:
        """`spec, unsupported = import_xlsform(file)` works too."""
        return iter((self.spec, self.unsupported))


class XLSFormError(ValueError):
    """The workbook is not a valid XLSForm (or its supported part is not a valid survey)."""


# -- what the platform does not support, and why (Chinese, shown to the office) -------------

TYPE_REASONS: dict[str, str] = {
    "range": "不支持滑块（range）题",
    "geopoint": "不支持定位题",
    "geotrace": "不支持定位题",
    "geoshape": "不支持定位题",
    "start-geopoint": "不支持定位题",
    "background-geopoint": "不支持定位题",
    "osm": "不支持地图（OSM）题",
    "time": "不支持时间题，只支持日期",
    "dateTime": "不支持日期时间题，只支持日期",
    "image": "不支持图片上传",
    "audio": "不支持录音上传",
    "background-audio": "不支持后台录音",
    "video": "不支持视频上传",
    "file": "不支持文件上传",
    "barcode": "不支持扫码题",
    "calculate": "不支持计算字段",
    "acknowledge": "不支持确认题",
    "hidden": "不支持隐藏字段",
    "xml-external": "不支持外部数据文件",
    "csv-external": "不支持外部数据文件",
    "start": "不采集答题设备元数据（匿名问卷）",
    "end": "不采集答题设备元数据（匿名问卷）",
    "today": "不采集答题设备元数据（匿名问卷）",
    "deviceid": "不采集答题设备元数据（匿名问卷）",
    "username": "不采集答题设备元数据（匿名问卷）",
    "subscriberid": "不采集答题设备元数据（匿名问卷）",
    "simserial": "不采集答题设备元数据（匿名问卷）",
    "phonenumber": "不采集答题设备元数据（匿名问卷）",
    "email": "不采集答题设备元数据（匿名问卷）",
    "audit": "不采集答题过程记录（匿名问卷）",
}
SELECT_FROM_FILE_REASON = "不支持从外部文件读取选项"
SELECT_EXTERNAL_REASON = "不支持外部选项表（select_one_external）"
REPEAT_REASON = "不支持重复组，组内题目未导入"
INSIDE_REPEAT_REASON = "位于不支持的重复组“{name}”内，未导入"
GROUP_REASON = "本平台问卷不分组，组内题目已按原顺序导入"
GROUP_RELEVANT_REASON = "，分组的显示条件已并入组内每道题"
NOT_MATRIX_REASON = (
    "表格分组（table-list）内不全是同一选项列表的单选题，不能作为矩阵导入；" + GROUP_REASON
)
NO_TYPE_REASON = "没有题型的行，未导入"
DISABLED_REASON = "已停用（disabled）的行，未导入"
NO_LABEL_REASON = "缺少题目文字，未导入"

COLUMN_REASONS: dict[tuple[str, ...], str] = {
    ("guidance_hint",): "不支持指导提示（guidance_hint）",
    ("default",): "不支持默认答案",
    ("bind", "readonly"): "不支持只读题",
    ("bind", "calculate"): "不支持计算",
    ("control", "jr:count"): "不支持重复次数",
    ("choice_filter",): "不支持级联选择（choice_filter）",
    ("parameters",): "不支持题型参数（parameters）",
    ("trigger",): "不支持触发计算（trigger）",
    ("control", "autoplay"): "不支持自动播放",
    ("control", "rows"): "不支持设置文本框行数",
    ("bind", constants.ENTITIES_SAVETO_NS): "不支持实体（entities）",
    ("bind", "jr:noAppErrorString"): "不支持此错误提示",
    ("list_name",): "此列只用于选项表",
    ("bind", "required"): "说明文字不能设为必答",
    ("bind", "constraint"): "说明文字不能设答案约束",
    ("bind", "jr:requiredMsg"): "不是必答题（或必答条件未导入），必答提示未导入",
    ("bind", "jr:constraintMsg"): "没有导入的答案约束，约束提示未导入",
}
MEDIA_REASON = "不支持图片、音频、视频等媒体"
UNKNOWN_COLUMN_REASON = "不认识的列，未导入"
OTHER_LANGUAGE_REASON = "只导入一种语言（{language}），此列的翻译未导入"
REQUIRED_EXPRESSION_REASON = "必答条件只支持“是/否”，不支持表达式，已按非必答导入"
EXPRESSION_REASON = "{error}，未导入此条件"
MISSING_REFERENCE_REASON = "引用的题目“{name}”未导入，未导入此条件"
APPEARANCE_REASON = "不支持显示样式“{appearance}”，已按默认样式导入"
MATRIX_ROW_COLUMN_REASON = "矩阵的行不能单独设置此项，未导入"
MATRIX_REQUIRED_REASON = "矩阵各行的必答设置不一致，整题按非必答导入"
MATRIX_MESSAGE_REASON = "矩阵各行的必答提示不一致，只导入第一条"
CHOICE_FILTER_COLUMN_REASON = "不支持级联选择的筛选列，未导入"
UNUSED_CHOICE_REASON = "选项列表“{list_name}”没有导入的题目使用，未导入"
SETTING_REASONS: dict[str, str] = {
    "instance_name": "不支持答卷命名规则",
    "public_key": "不支持加密表单（答卷已匿名保存）",
    "submission_url": "答卷只提交到本平台",
    "style": "不支持页面样式设置",
    "allow_choice_duplicates": "选项代码不允许重复",
    "auto_send": "不适用于网页问卷",
    "auto_delete": "不适用于网页问卷",
    "namespaces": "不支持自定义命名空间",
    "clean_text_values": "文字按原样导入",
    "client_editable": "不适用于网页问卷",
    "entity_version": "不支持实体（entities）",
}
UNKNOWN_SETTING_REASON = "不支持此设置"
SHEET_REASONS: dict[str, str] = {
    "external_choices": SELECT_EXTERNAL_REASON,
    "entities": "不支持实体（entities）",
    "osm": "不支持地图（OSM）题",
}

# -- how XLSForm types map to kinds ---------------------------------------------------------

_SIMPLE_TYPES = {
    "integer": Kind.INTEGER,
    "decimal": Kind.DECIMAL,
    "date": Kind.DATE,
    "text": Kind.TEXT,
    "note": Kind.NOTE,
}
# Every alias pyxform accepts for these types ("int", "string", "q date" ...).
TYPE_KINDS = {
    alias: kind
    for canonical, kind in _SIMPLE_TYPES.items()
    for alias, definition in QUESTION_TYPE_DICT.items()
    if definition == QUESTION_TYPE_DICT[canonical]
}
_CANONICAL_TYPES = {
    alias: canonical
    for canonical in TYPE_REASONS
    if canonical in QUESTION_TYPE_DICT
    for alias, definition in QUESTION_TYPE_DICT.items()
    if definition == QUESTION_TYPE_DICT[canonical]
}
_SELECT_KINDS = {constants.SELECT_ONE: Kind.SINGLE, constants.SELECT_ALL_THAT_APPLY: Kind.MULTIPLE}
_EXPORT_TYPES = {
    Kind.SINGLE: "select_one",
    Kind.LIKERT: "select_one",
    Kind.MULTIPLE: "select_multiple",
    Kind.RANKING: "rank",
}
# The survey-sheet columns a question may use, as pyxform's header tokens.
_TEXT_COLUMNS = {
    ("label",): "label",
    ("hint",): "hint",
    ("bind", "jr:requiredMsg"): "required_message",
    ("bind", "jr:constraintMsg"): "constraint_message",
}
_TRANSLATABLE = {*_TEXT_COLUMNS, ("guidance_hint",), ("media",)}
_SUPPORTED_SETTINGS = {constants.TITLE, constants.ID_STRING, "version", "default_language"}


# -- reading ---------------------------------------------------------------------------------


@dataclass
class _Cell:
    header: str  # as written in the workbook
    tokens: tuple[str, ...]  # pyxform's reading of the header: ("bind", "relevant")
    value: str


@dataclass
class _Row:
    number: int
    cells: list[_Cell]

    def cell(self, *tokens: str) -> _Cell | None:
        return next((cell for cell in self.cells if cell.tokens == tokens), None)

    def get(self, *tokens: str) -> str:
        cell = self.cell(*tokens)
        return cell.value if cell else ""

    def header(self, *tokens: str) -> str:
        """The column as written in the workbook (for the unsupported list)."""
        cell = self.cell(*tokens)
        return cell.header if cell else tokens[-1]

    @property
    def type(self) -> str:
        return " ".join(self.get("type").split())


@dataclass
class _Group:
    begin: _Row
    control: str  # group / repeat / loop
    children: list[_Row | _Group] = field(default_factory=list)

    def rows(self) -> Iterator[_Row]:
        yield self.begin
        for child in self.children:
            yield from child.rows() if isinstance(child, _Group) else (child,)


def _sheet_rows(
    data: Any, sheet: str, aliases_map: dict[str, Any], columns: set[str]
) -> list[_Row]:
    rows = getattr(data, sheet) or []
    header_row = getattr(data, f"{sheet}_header") or []
    headers = list(header_row[0]) if header_row else []
    use_double_colon = any("::" in h for h in headers)
    tokens = {
        header: process_header(header, use_double_colon, aliases_map, columns)[1]
        for header in headers
    }
    result = []
    for number, raw in enumerate(rows, start=2):
        cells = [
            _Cell(header, tokens.get(header, (header,)), str(value))
            for header, value in raw.items()
            if value is not None and str(value) != ""
        ]
        result.append(_Row(number, cells))
    return result


def _clean_expression(text: str) -> str:
    """Expressions typed in Excel often get curly quotes; pyxform straightens them, so do we."""
    return "".join(SMART_QUOTES.get(ch, ch) for ch in text)


class _Importer:
    def __init__(self, data: Any) -> None:
        self.unsupported: list[UnsupportedRow] = []
        self.survey = _sheet_rows(
            data, SURVEY, aliases.survey_header, set(MultipleChoiceQuestion.get_slot_names())
        )
        self.choice_rows = _sheet_rows(
            data, CHOICES, aliases.list_header, set(Option.get_slot_names())
        )
        settings = _sheet_rows(
            data, SETTINGS, aliases.settings_header, set(Survey.get_slot_names())
        )
        self.settings = settings[0] if settings else _Row(2, [])
        self.language = self.choose_language()
        self.choices = self.read_choices()
        self.used_lists: set[str] = set()
        self.questions: list[QuestionSpec] = []
        self.rows_of: dict[str, int] = {}  # question name -> row number, for reference checks
        for sheet, reason in SHEET_REASONS.items():
            if getattr(data, sheet):
                self.add(sheet, HEADER_ROW, sheet, reason)

    def add(self, sheet: str, row: int, column: str, reason: str) -> None:
        self.unsupported.append(UnsupportedRow(sheet, row, column, reason))

    # -- languages ---------------------------------------------------------------------

    def choose_language(self) -> str:
        """The one language read (of the label columns): the settings' default_language, else
        Chinese, else the unsuffixed columns, else the first language found."""
        found: list[str] = []
        for row in (*self.survey, *self.choice_rows):
            for cell in row.cells:
                language = _language_of(cell.tokens)
                is_label = _base_tokens(cell.tokens) == ("label",)
                if is_label and language is not None and language not in found:
                    found.append(language)
        preferred = self.settings.get("default_language")
        if preferred in found:
            return preferred
        for language in found:
            if re.search(r"中文|汉|chinese|\bzh\b", language, re.IGNORECASE):
                return language
        if "" in found or not found:
            return ""
        return found[0]

    def text(self, row: _Row, tokens: tuple[str, ...]) -> str:
        """The text of a translatable column in the chosen language."""
        for cell in row.cells:
            if _base_tokens(cell.tokens) == tokens and _language_of(cell.tokens) == self.language:
                return cell.value
        return ""

    def report_other_languages(self, sheet: str, rows: list[_Row]) -> None:
        seen: set[str] = set()
        for row in rows:
            for cell in row.cells:
                language = _language_of(cell.tokens)
                is_text = _base_tokens(cell.tokens) in _TEXT_COLUMNS
                if is_text and language != self.language and cell.header not in seen:
                    seen.add(cell.header)
                    reason = OTHER_LANGUAGE_REASON.format(language=self.language or "默认")
                    self.add(sheet, HEADER_ROW, cell.header, reason)

    # -- choices -----------------------------------------------------------------------

    def read_choices(self) -> dict[str, list[tuple[_Row, ChoiceSpec]]]:
        lists: dict[str, list[tuple[_Row, ChoiceSpec]]] = {}
        for row in self.choice_rows:
            list_name = row.get(constants.LIST_NAME_S)
            if not list_name:
                continue
            label = self.text(row, ("label",)) or _any_label(row)
            lists.setdefault(list_name, []).append((row, ChoiceSpec(row.get("name"), label)))
        return lists

    def use_list(self, list_name: str) -> list[ChoiceSpec]:
        self.used_lists.add(list_name)
        return [choice for _row, choice in self.choices.get(list_name, [])]

    def report_choice_columns(self) -> None:
        self.report_other_languages(CHOICES, self.choice_rows)
        for list_name, items in self.choices.items():
            for row, _choice in items:
                if list_name not in self.used_lists:
                    reason = UNUSED_CHOICE_REASON.format(list_name=list_name)
                    self.add(CHOICES, row.number, constants.LIST_NAME_U, reason)
                    continue
                for cell in row.cells:
                    base = _base_tokens(cell.tokens)
                    if base in {(constants.LIST_NAME_S,), ("name",), ("label",)}:
                        continue
                    if base[0] == "media":
                        self.add(CHOICES, row.number, cell.header, MEDIA_REASON)
                    else:
                        self.add(CHOICES, row.number, cell.header, CHOICE_FILTER_COLUMN_REASON)

    # -- settings ----------------------------------------------------------------------

    def form_fields(self) -> dict[str, str]:
        for cell in self.settings.cells:
            key = cell.tokens[0]
            if key not in _SUPPORTED_SETTINGS:
                reason = SETTING_REASONS.get(key, UNKNOWN_SETTING_REASON)
                self.add(SETTINGS, self.settings.number, cell.header, reason)
        form_id = self.settings.get(constants.ID_STRING) or "survey"
        return {
            "title": self.settings.get(constants.TITLE) or form_id,
            "form_id": form_id,
            "version": self.settings.get("version"),
        }

    # -- survey ------------------------------------------------------------------------

    def tree(self) -> list[_Row | _Group]:
        root: list[_Row | _Group] = []
        stack: list[_Group] = []
        for row in self.survey:
            if not row.cells:
                continue
            disabled = row.get("disabled")
            if disabled and aliases.yes_no.get(disabled):
                self.add(SURVEY, row.number, "disabled", DISABLED_REASON)
                continue
            if not row.type:
                self.add(SURVEY, row.number, "type", NO_TYPE_REASON)
                continue
            siblings = stack[-1].children if stack else root
            if begin := RE_BEGIN_CONTROL.search(row.type):
                group = _Group(row, aliases.control[begin.group("type")])
                siblings.append(group)
                stack.append(group)
            elif RE_END_CONTROL.search(row.type):
                stack.pop()
            else:
                siblings.append(row)
        return root

    def walk(self, nodes: list[_Row | _Group], inherited: list[str]) -> None:
        for node in nodes:
            if isinstance(node, _Row):
                self.question(node, inherited)
                continue
            begin = node.begin
            if node.control != constants.GROUP:
                self.add(SURVEY, begin.number, "type", REPEAT_REASON)
                name = begin.get("name")
                for row in list(node.rows())[1:]:
                    if not RE_END_CONTROL.search(row.type):
                        reason = INSIDE_REPEAT_REASON.format(name=name)
                        self.add(SURVEY, row.number, "type", reason)
                continue
            appearance = begin.get("control", "appearance").split()
            if "table-list" in appearance and self.matrix(node, inherited):
                continue
            relevant = self.expression(begin, ("bind", "relevant"))
            reason = NOT_MATRIX_REASON if "table-list" in appearance else GROUP_REASON
            if relevant:
                reason += GROUP_RELEVANT_REASON
            self.add(SURVEY, begin.number, "type", reason)
            self.walk(node.children, [*inherited, relevant] if relevant else inherited)

    def expression(self, row: _Row, tokens: tuple[str, ...]) -> str:
        """A relevant or constraint cell, if it is in the supported subset (else listed)."""
        cell = row.cell(*tokens)
        if cell is None:
            return ""
        text = _clean_expression(cell.value)
        try:
            expressions.parse(text)
        except expressions.ExpressionError as exc:
            self.add(SURVEY, row.number, cell.header, EXPRESSION_REASON.format(error=exc))
            return ""
        return text

    def required(self, row: _Row) -> bool:
        value = row.get("bind", "required")
        if not value:
            return False
        if value in aliases.yes_no:
            return aliases.yes_no[value]
        self.add(SURVEY, row.number, row.header("bind", "required"), REQUIRED_EXPRESSION_REASON)
        return False

    def question(self, row: _Row, inherited: list[str]) -> None:
        kind, list_name, other = _kind_of(row.type)
        if kind is None:
            self.add(SURVEY, row.number, "type", _type_reason(row.type))
            return
        label = self.text(row, ("label",))
        if not label:
            self.add(SURVEY, row.number, "label", NO_LABEL_REASON)
            return
        appearance = self.appearance(row, kind)
        if appearance == "likert":
            kind, appearance = Kind.LIKERT, ""
        is_note = kind == Kind.NOTE  # shown text: nothing to require or check
        question = QuestionSpec(
            name=row.get("name"),
            kind=kind,
            label=label,
            hint=self.text(row, ("hint",)),
            required=False if is_note else self.required(row),
            constraint="" if is_note else self.expression(row, ("bind", "constraint")),
            relevant=_all_of([*inherited, self.expression(row, ("bind", "relevant"))]),
            choices=self.use_list(list_name) if list_name else [],
            other=other,
            appearance=appearance,
        )
        handled = {("type",), ("name",), ("label",), ("hint",), ("control", "appearance")}
        handled.add(("bind", "relevant"))
        if not is_note:
            handled |= {("bind", "required"), ("bind", "constraint")}
        if question.required:
            question.required_message = self.text(row, ("bind", "jr:requiredMsg"))
            handled.add(("bind", "jr:requiredMsg"))
        if question.constraint:
            question.constraint_message = self.text(row, ("bind", "jr:constraintMsg"))
            handled.add(("bind", "jr:constraintMsg"))
        self.report_columns(row, handled)
        self.add_question(question, row.number)

    def appearance(self, row: _Row, kind: str) -> str:
        value = " ".join(row.get("control", "appearance").split())
        allowed = APPEARANCES.get(kind, ("",))
        if kind == Kind.SINGLE and value == "likert":
            return value
        if value in allowed:
            return value
        header = row.header("control", "appearance")
        self.add(SURVEY, row.number, header, APPEARANCE_REASON.format(appearance=value))
        return ""

    def report_columns(self, row: _Row, handled: set[tuple[str, ...]], reason: str = "") -> None:
        """List every cell of a mapped row that was not used (translations are listed per
        column elsewhere)."""
        for cell in row.cells:
            base = _base_tokens(cell.tokens)
            if cell.tokens in handled or (base in handled and _is_translation(cell.tokens)):
                continue
            if base in _TEXT_COLUMNS and _language_of(cell.tokens) != self.language:
                continue  # another language: listed once per column
            if base == ("bind", "readonly") and aliases.yes_no.get(cell.value) is False:
                continue  # "read only: no" is what every question is
            if base == ("disabled",) and aliases.yes_no.get(cell.value) is False:
                continue
            if reason:
                self.add(SURVEY, row.number, cell.header, reason)
            elif base[0] in ("media", "image", "audio", "video", "big-image"):
                self.add(SURVEY, row.number, cell.header, MEDIA_REASON)
            elif base in COLUMN_REASONS:
                self.add(SURVEY, row.number, cell.header, COLUMN_REASONS[base])
            elif base[0] in ("instance", "bind", "control", "body"):
                self.add(SURVEY, row.number, cell.header, f"不支持自定义 XForm 属性（{base[0]}::）")
            else:
                self.add(SURVEY, row.number, cell.header, UNKNOWN_COLUMN_REASON)

    def matrix(self, group: _Group, inherited: list[str]) -> bool:
        """A table-list group of select_one questions sharing one list, as one matrix
        question; False (nothing listed yet) if the group is not one."""
        rows = group.children
        kinds = [_kind_of(r.type) if isinstance(r, _Row) else (None, "", False) for r in rows]
        list_names = {list_name for _kind, list_name, _other in kinds}
        is_matrix = (
            rows
            and all(kind == Kind.SINGLE and not other for kind, _l, other in kinds)
            and len(list_names) == 1
            and all(
                isinstance(r, _Row) and r.get("control", "appearance") in ("", "list-nolabel")
                for r in rows
            )
        )
        if not is_matrix:
            return False
        begin = group.begin
        row_rows = [r for r in rows if isinstance(r, _Row)]
        required = [self.required(r) for r in row_rows]
        all_required = all(required)
        if any(required) and not all_required:
            for r, flag in zip(row_rows, required, strict=True):
                if flag:
                    self.add(SURVEY, r.number, r.header("bind", "required"), MATRIX_REQUIRED_REASON)
        messages = [self.text(r, ("bind", "jr:requiredMsg")) for r in row_rows]
        message = next((m for m in messages if m), "") if all_required else ""
        row_handled = {
            ("type",),
            ("name",),
            ("label",),
            ("bind", "required"),
            ("control", "appearance"),
        }
        for r, row_message in zip(row_rows, messages, strict=True):
            handled = set(row_handled)
            if all_required and row_message == message:
                handled.add(("bind", "jr:requiredMsg"))
            elif row_message and all_required:
                tokens = ("bind", "jr:requiredMsg")
                cell = next(c for c in r.cells if _base_tokens(c.tokens) == tokens)
                self.add(SURVEY, r.number, cell.header, MATRIX_MESSAGE_REASON)
                handled.add(tokens)
            self.report_columns(r, handled, MATRIX_ROW_COLUMN_REASON)
        (list_name,) = list_names
        question = QuestionSpec(
            name=begin.get("name"),
            kind=Kind.MATRIX,
            label=self.text(begin, ("label",)),
            hint=self.text(begin, ("hint",)),
            required=all_required,
            required_message=message,
            relevant=_all_of([*inherited, self.expression(begin, ("bind", "relevant"))]),
            choices=self.use_list(list_name),
            rows=[ChoiceSpec(r.get("name"), self.text(r, ("label",))) for r in row_rows],
        )
        group_handled = {("type",), ("name",), ("label",), ("hint",), ("bind", "relevant")}
        group_handled.add(("control", "appearance"))
        if begin.get("control", "appearance") != "table-list":
            header = begin.header("control", "appearance")
            value = begin.get("control", "appearance")
            self.add(SURVEY, begin.number, header, APPEARANCE_REASON.format(appearance=value))
        self.report_columns(begin, group_handled)
        self.add_question(question, begin.number)
        return True

    def add_question(self, question: QuestionSpec, row_number: int) -> None:
        self.questions.append(question)
        self.rows_of[question.name] = row_number

    def drop_broken_references(self) -> None:
        """Skip logic that points at a question that was not imported cannot be kept."""
        keys = set(FormSpec(title="", questions=self.questions).referable_names())
        by_row = {row.number: row for row in self.survey}
        for question in self.questions:
            for attribute, tokens in (
                ("relevant", ("bind", "relevant")),
                ("constraint", ("bind", "constraint")),
            ):
                text = getattr(question, attribute)
                if not text:
                    continue
                missing = [
                    n for n in expressions.references(expressions.parse(text)) if n not in keys
                ]
                if not missing:
                    continue
                row = by_row[self.rows_of[question.name]]
                column = row.header(*tokens)
                self.add(
                    SURVEY, row.number, column, MISSING_REFERENCE_REASON.format(name=missing[0])
                )
                setattr(question, attribute, "")
                if attribute == "constraint" and question.constraint_message:
                    message = ("bind", "jr:constraintMsg")
                    header = next(c.header for c in row.cells if _base_tokens(c.tokens) == message)
                    self.add(SURVEY, row.number, header, COLUMN_REASONS[message])
                    question.constraint_message = ""

    def run(self) -> ImportResult:
        fields = self.form_fields()
        self.report_other_languages(SURVEY, self.survey)
        self.walk(self.tree(), [])
        self.drop_broken_references()
        self.report_choice_columns()
        spec = FormSpec(questions=self.questions, **fields)
        try:
            spec.validate()
        except SpecError as exc:
            raise XLSFormError("导入的问卷不符合要求：" + "；".join(exc.messages)) from exc
        self.unsupported.sort(key=_order)
        return ImportResult(spec, self.unsupported)


_SHEET_ORDER = {SETTINGS: 0, SURVEY: 1, CHOICES: 2}


def _order(item: UnsupportedRow) -> tuple[int, int]:
    return (_SHEET_ORDER.get(item.sheet, 3), item.row_number)


def _language_of(tokens: tuple[str, ...]) -> str | None:
    """The language of a translatable column ("" when unsuffixed), None if not translatable."""
    for base in _TRANSLATABLE:
        if tokens[: len(base)] == base:
            if base == ("media",):
                return tokens[2] if len(tokens) > 2 else ""
            return tokens[len(base)] if len(tokens) > len(base) else ""
    return None


def _base_tokens(tokens: tuple[str, ...]) -> tuple[str, ...]:
    for base in _TEXT_COLUMNS:
        if tokens[: len(base)] == base:
            return base
    return tokens


def _is_translation(tokens: tuple[str, ...]) -> bool:
    return _base_tokens(tokens) != tokens


def _any_label(row: _Row) -> str:
    return next((c.value for c in row.cells if _base_tokens(c.tokens) == ("label",)), "")


def _kind_of(type_text: str) -> tuple[str | None, str, bool]:
    """(kind, choice list name, or_other) for a supported type; kind None otherwise."""
    if select := RE_SELECT.match(type_text):
        command = aliases.select[select.group("select_command")]
        other = bool(select.group("specify_other"))
        if select.group("select_command") in aliases.select_from_file:
            return None, "", False
        if command in _SELECT_KINDS:
            return _SELECT_KINDS[command], select.group("list_name"), other
        if command == constants.RANK and not other:
            return Kind.RANKING, select.group("list_name"), False
        return None, "", False
    return TYPE_KINDS.get(type_text), "", False


def _type_reason(type_text: str) -> str:
    if select := RE_SELECT.match(type_text):
        if select.group("select_command") in aliases.select_from_file:
            return SELECT_FROM_FILE_REASON
        if aliases.select[select.group("select_command")] == constants.SELECT_ONE_EXTERNAL:
            return SELECT_EXTERNAL_REASON
        return "不支持带“其他”的排序题"
    if type_text.startswith("select_one_external") or type_text == "select one external":
        return SELECT_EXTERNAL_REASON
    if type_text in TYPE_REASONS:
        return TYPE_REASONS[type_text]
    if RE_OSM.match(type_text):
        return TYPE_REASONS["osm"]
    canonical = _CANONICAL_TYPES.get(type_text, aliases._type_alias_map.get(type_text, type_text))
    if canonical == "photo":
        canonical = "image"
    if canonical == "trigger":
        canonical = "acknowledge"
    return TYPE_REASONS.get(canonical, f"不支持的题型“{type_text}”")


def _all_of(conditions: list[str]) -> str:
    present = [c for c in conditions if c]
    if len(present) <= 1:
        return present[0] if present else ""
    return " and ".join(f"({c})" for c in present)


def import_xlsform(file: bytes | IO[bytes] | str | os.PathLike[str]) -> ImportResult:
    """The survey in an XLSForm workbook (.xlsx or .xls: its bytes, an open file or a path)
    and what of it was not imported. Raises XLSFormError (Chinese message) if pyxform cannot
    convert the workbook."""
    if isinstance(file, str | os.PathLike):
        content = Path(file).read_bytes()
    elif isinstance(file, bytes):
        content = file
    else:
        content = file.read()
    try:
        convert(xlsform=io.BytesIO(content))
        data = get_xlsform(io.BytesIO(content))
    except PyXFormError as exc:
        raise XLSFormError(f"不是有效的 XLSForm 表格：{exc}") from exc
    except Exception as exc:  # pyxform raises plain errors on some malformed workbooks
        raise XLSFormError(f"无法读取此表格：{exc}") from exc
    return _Importer(data).run()


# -- writing ---------------------------------------------------------------------------------

SURVEY_COLUMNS = [
    "type",
    "name",
    "label",
    "hint",
    "required",
    "required_message",
    "constraint",
    "constraint_message",
    "relevant",
    "appearance",
]


def _survey_rows(spec: FormSpec) -> Iterator[dict[str, str]]:
    for q in spec.questions:
        common = {
            "name": q.name,
            "label": q.label,
            "hint": q.hint,
            "required": "yes" if q.required else "",
            "required_message": q.required_message,
            "constraint": q.constraint,
            "constraint_message": q.constraint_message,
            "relevant": q.relevant,
            "appearance": q.appearance,
        }
        if q.kind == Kind.MATRIX:
            group = {"type": "begin_group", "name": q.name, "label": q.label, "hint": q.hint}
            yield {**group, "relevant": q.relevant, "appearance": "table-list"}
            for row in q.rows:
                yield {
                    "type": f"select_one {q.name}",
                    "name": row.name,
                    "label": row.label,
                    "required": common["required"],
                    "required_message": q.required_message,
                }
            yield {"type": "end_group"}
        elif q.kind in _EXPORT_TYPES:
            other = " or_other" if q.other and q.kind in OTHER_KINDS else ""
            appearance = "likert" if q.kind == Kind.LIKERT else q.appearance
            yield {
                **common,
                "type": f"{_EXPORT_TYPES[q.kind]} {q.name}{other}",
                "appearance": appearance,
            }
        else:
            yield {**common, "type": q.kind}


def export_xlsform(spec: FormSpec) -> bytes:
    """The survey as an XLSForm workbook (survey, choices, settings), which pyxform converts
    and import_xlsform reads back as the same spec. Each question's choices get their own
    list, named after the question."""
    spec.validate()
    workbook = Workbook()
    survey = workbook.active
    survey.title = SURVEY
    append_row(survey, SURVEY_COLUMNS)
    for row in _survey_rows(spec):
        append_row(survey, [row.get(column, "") or None for column in SURVEY_COLUMNS])
    choices = workbook.create_sheet(CHOICES)
    append_row(choices, ["list_name", "name", "label"])
    for q in spec.questions:
        for choice in q.choices:
            append_row(choices, [q.name, choice.name, choice.label])
    settings = workbook.create_sheet(SETTINGS)
    append_row(settings, ["form_title", "form_id", "version"])
    append_row(settings, [spec.title, spec.form_id, spec.version or None])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
