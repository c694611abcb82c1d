"""The survey definition: one representation that the builder edits, the Survey model stores as
JSON, XLSForm import/export reads and writes, and the answering page renders.

Plain dataclasses, JSON round-trippable (``FormSpec.from_json(spec.to_json()) == spec``).

Kinds of question and the shape of their answer in an answers dict (keyed by name):

=========  ==========================================  =====================================
kind       XLSForm                                     answer
=========  ==========================================  =====================================
single     ``select_one L`` (``or_other``)             choice name (``str``)
multiple   ``select_multiple L`` (``or_other``)        choice names (``list[str]``)
likert     ``select_one L`` appearance ``likert``      choice name (``str``)
matrix     ``begin_group`` appearance ``table-list``   none itself: each row is a question,
           holding one ``select_one L`` per row        ``answers[row.name]`` = choice name
ranking    ``rank L``                                  choice names, first = best (``list``)
integer    ``integer``                                 ``int``
decimal    ``decimal``                                 ``float``
date       ``date``                                    ``"YYYY-MM-DD"``
text       ``text``                                    ``str``
note       ``note``                                    none (shown text only)
=========  ==========================================  =====================================

With ``other`` set, a single or multiple question gets one more choice, ``other`` (其他), and
the text typed for it is ``answers[f"{name}_other"]`` (XLSForm's ``or_other`` does the same).
An unanswered question is absent from the answers, or ``None``, ``""`` or ``[]``.

``relevant`` (skip logic) and ``constraint`` are XLSForm expressions (see
``surveys/expressions.py`` for the supported subset); ``.`` in a constraint is the answer being
checked. For a matrix, ``required`` applies to every row and ``relevant`` to the whole matrix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from surveys import expressions


class Kind:
    SINGLE = "single"
    MULTIPLE = "multiple"
    LIKERT = "likert"
    MATRIX = "matrix"
    RANKING = "ranking"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    TEXT = "text"
    NOTE = "note"


KIND_LABELS: dict[str, str] = {
    Kind.SINGLE: "单选",
    Kind.MULTIPLE: "多选",
    Kind.LIKERT: "量表",
    Kind.MATRIX: "矩阵",
    Kind.RANKING: "排序",
    Kind.INTEGER: "整数",
    Kind.DECIMAL: "小数",
    Kind.DATE: "日期",
    Kind.TEXT: "文本",
    Kind.NOTE: "说明",
}
KINDS = tuple(KIND_LABELS)
# Kinds whose answers are choice names from `choices`.
CHOICE_KINDS = frozenset({Kind.SINGLE, Kind.MULTIPLE, Kind.LIKERT, Kind.MATRIX, Kind.RANKING})
# Kinds that may carry the extra "other" choice (XLSForm's or_other exists only for these).
OTHER_KINDS = frozenset({Kind.SINGLE, Kind.MULTIPLE})
# The appearances each kind may have; "" is the default look. Likert and matrix carry their
# XLSForm appearance in the kind itself.
APPEARANCES: dict[str, tuple[str, ...]] = {
    Kind.SINGLE: ("", "minimal", "columns"),
    Kind.MULTIPLE: ("", "minimal", "columns"),
    Kind.TEXT: ("", "multiline"),
}
APPEARANCE_LABELS = {"minimal": "下拉列表", "columns": "横向排列", "multiline": "多行文本"}
OTHER = "other"
OTHER_LABEL = "其他"
OTHER_SUFFIX = "_other"

# XLSForm names are XML element names (NCName, no namespace prefix): a letter or underscore,
# then letters, digits, "-", "_" or "."; letters include CJK ones, as in pyxform.
_NAME_START = (
    "A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff"
    "\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
)
NAME_RE = re.compile(f"[{_NAME_START}][{_NAME_START}\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040]*")
# Names "xml..." are reserved by XML itself.
_RESERVED_PREFIX = "xml"


def is_valid_name(name: str) -> bool:
    return bool(NAME_RE.fullmatch(name)) and not name.lower().startswith(_RESERVED_PREFIX)


def _strip_text(item: Any) -> None:
    """Text is kept without surrounding whitespace: spreadsheets (and so an XLSForm round
    trip) drop it, and " 是" beside "是" is a mistake, not a second choice."""
    for name, value in vars(item).items():
        if isinstance(value, str):
            setattr(item, name, value.strip())


class SpecError(ValueError):
    """The definition is not valid; `messages` lists every problem in Chinese."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("；".join(messages))
        self.messages = messages


@dataclass
class ChoiceSpec:
    """A choice (or a matrix row): `name` is the stored code, `label` what people read."""

    name: str
    label: str

    def __post_init__(self) -> None:
        _strip_text(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChoiceSpec:
        return cls(name=str(data["name"]), label=str(data.get("label", "")))


@dataclass
class QuestionSpec:
    name: str
    kind: str
    label: str
    hint: str = ""
    required: bool = False
    required_message: str = ""
    constraint: str = ""
    constraint_message: str = ""
    relevant: str = ""
    choices: list[ChoiceSpec] = field(default_factory=list)
    other: bool = False
    rows: list[ChoiceSpec] = field(default_factory=list)
    appearance: str = ""

    def __post_init__(self) -> None:
        _strip_text(self)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def has_choices(self) -> bool:
        return self.kind in CHOICE_KINDS

    @property
    def is_answered(self) -> bool:
        """Whether the question takes an answer at all (a note does not)."""
        return self.kind != Kind.NOTE

    @property
    def other_name(self) -> str:
        """The answers key of the text typed for "other"."""
        return f"{self.name}{OTHER_SUFFIX}"

    def all_choices(self) -> list[ChoiceSpec]:
        """The choices as offered, with "other" last when the question has it."""
        if self.other and self.kind in OTHER_KINDS:
            return [*self.choices, ChoiceSpec(OTHER, OTHER_LABEL)]
        return list(self.choices)

    def choice_label(self, code: str) -> str:
        for choice in self.all_choices():
            if choice.name == code:
                return choice.label
        return code

    def answer_keys(self) -> list[str]:
        """The keys this question's answers occupy in an answers dict."""
        if self.kind == Kind.NOTE:
            return []
        if self.kind == Kind.MATRIX:
            return [row.name for row in self.rows]
        if self.other and self.kind in OTHER_KINDS:
            return [self.name, self.other_name]
        return [self.name]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QuestionSpec:
        return cls(
            name=str(data["name"]),
            kind=str(data["kind"]),
            label=str(data.get("label", "")),
            hint=str(data.get("hint", "")),
            required=bool(data.get("required", False)),
            required_message=str(data.get("required_message", "")),
            constraint=str(data.get("constraint", "")),
            constraint_message=str(data.get("constraint_message", "")),
            relevant=str(data.get("relevant", "")),
            choices=[ChoiceSpec.from_json(c) for c in data.get("choices", [])],
            other=bool(data.get("other", False)),
            rows=[ChoiceSpec.from_json(r) for r in data.get("rows", [])],
            appearance=str(data.get("appearance", "")),
        )


@dataclass
class FormSpec:
    title: str
    form_id: str = "survey"
    version: str = ""
    questions: list[QuestionSpec] = field(default_factory=list)

    def __post_init__(self) -> None:
        _strip_text(self)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any], *, check: bool = True) -> FormSpec:
        """The spec from its JSON; raises SpecError if the data is malformed or (with `check`)
        the definition is not valid."""
        try:
            spec = cls(
                title=str(data.get("title", "")),
                form_id=str(data.get("form_id", "survey")),
                version=str(data.get("version", "")),
                questions=[QuestionSpec.from_json(q) for q in data.get("questions", [])],
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise SpecError([f"问卷定义格式不正确：{exc}"]) from exc
        if check:
            spec.validate()
        return spec

    # -- accessors -------------------------------------------------------------------------

    def question(self, name: str) -> QuestionSpec:
        for question in self.questions:
            if question.name == name:
                return question
        raise KeyError(name)

    def answer_owner(self) -> dict[str, QuestionSpec]:
        """Every answers key (question, matrix row, "other" text) and the question it belongs
        to."""
        return {key: q for q in self.questions for key in q.answer_keys()}

    def referable_names(self) -> list[str]:
        """The names expressions may refer to as ${name}: questions and matrix rows."""
        return [
            key
            for q in self.questions
            for key in q.answer_keys()
            if not (q.other and key == q.other_name)
        ]

    def answered_questions(self) -> Iterator[QuestionSpec]:
        return (q for q in self.questions if q.is_answered)

    # -- validation ------------------------------------------------------------------------

    def errors(self) -> list[str]:
        """Every problem with the definition, in Chinese; empty when it is valid."""
        problems: list[str] = []
        if not self.title.strip():
            problems.append("问卷标题不能为空")
        if not is_valid_name(self.form_id):
            problems.append(
                f"问卷编号“{self.form_id}”不合规：只能用字母、数字、下划线、连字符和点，且以字母或下划线开头"
            )
        seen: set[str] = set()
        for number, question in enumerate(self.questions, start=1):
            problems.extend(_question_errors(number, question, seen))
        # References are checked after every name is known: skip logic may point back or
        # forward (ODK allows both). The "other" text is not a question of its own in XLSForm
        # (pyxform refuses ${q_other}), so it cannot be referred to.
        keys = set(self.referable_names())
        for number, question in enumerate(self.questions, start=1):
            for column, label in (("relevant", "显示条件"), ("constraint", "答案约束")):
                text = getattr(question, column)
                if not text.strip():
                    continue
                try:
                    refs = expression_references(text)
                except ValueError as exc:
                    problems.append(f"第{number}题“{question.name}”的{label}无法使用：{exc}")
                    continue
                problems.extend(
                    f"第{number}题“{question.name}”的{label}引用了不存在的题目“{ref}”"
                    for ref in refs
                    if ref not in keys
                )
        return problems

    def validate(self) -> None:
        problems = self.errors()
        if problems:
            raise SpecError(problems)


def _question_errors(number: int, q: QuestionSpec, seen: set[str]) -> list[str]:
    where = f"第{number}题“{q.name}”"
    problems: list[str] = []
    if q.kind not in KINDS:
        return [f"{where}的题型“{q.kind}”不受支持"]
    if not is_valid_name(q.name):
        problems.append(
            f"{where}的名称不合规：只能用字母、数字、下划线、连字符和点，且以字母或下划线开头"
        )
    if not q.label.strip():
        problems.append(f"{where}缺少题目文字")
    names = [q.name, *(r.name for r in q.rows)] if q.kind == Kind.MATRIX else [q.name]
    if q.other and q.kind in OTHER_KINDS:
        names.append(q.other_name)
    for name in names:
        if name in seen:
            problems.append(f"{where}：名称“{name}”与其他题目重复")
        seen.add(name)
    if q.kind in CHOICE_KINDS:
        problems.extend(_choice_list_errors(where, "选项", q.choices))
        if q.other and any(c.name == OTHER for c in q.choices):
            problems.append(f"{where}已设“其他”选项，不能再有代码为“other”的选项")
    elif q.choices:
        problems.append(f"{where}是{q.kind_label}题，不能有选项")
    if q.other and q.kind not in OTHER_KINDS:
        problems.append(f"{where}是{q.kind_label}题，不能设“其他”选项")
    if q.kind == Kind.MATRIX:
        problems.extend(_choice_list_errors(where, "矩阵行", q.rows))
        for row in q.rows:
            if not is_valid_name(row.name):
                problems.append(f"{where}的矩阵行名称“{row.name}”不合规")
        if q.constraint:
            problems.append(f"{where}是矩阵题，不能设答案约束")
    elif q.rows:
        problems.append(f"{where}不是矩阵题，不能有矩阵行")
    if q.appearance not in APPEARANCES.get(q.kind, ("",)):
        problems.append(f"{where}的显示样式“{q.appearance}”不适用于{q.kind_label}题")
    if q.kind == Kind.NOTE and (q.required or q.constraint):
        problems.append(f"{where}是说明，不能设为必答或设答案约束")
    if q.required_message and not q.required:
        problems.append(f"{where}不是必答题，不能有必答提示")
    if q.constraint_message and not q.constraint:
        problems.append(f"{where}没有答案约束，不能有约束提示")
    return problems


def _choice_list_errors(where: str, what: str, items: list[ChoiceSpec]) -> list[str]:
    if not items:
        return [f"{where}缺少{what}"]
    problems = []
    codes = [item.name for item in items]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(f"{where}的{what}代码“{code}”重复")
    for item in items:
        if not item.name.strip():
            problems.append(f"{where}有{what}缺少代码")
        elif any(ch.isspace() for ch in item.name):
            # Several choices are stored space-separated (as in ODK), so a code has no spaces.
            problems.append(f"{where}的{what}代码“{item.name}”不能含空格")
        if not item.label.strip():
            problems.append(f"{where}的{what}“{item.name}”缺少文字")
    return problems


def expression_references(text: str) -> list[str]:
    """The names an expression refers to as ${name}; ExpressionError (a ValueError) if it
    cannot be used."""
    return expressions.references(expressions.parse(text))
