"""The subset of the XLSForm (ODK XPath) expression language used by ``relevant`` (skip logic)
and ``constraint``: parsed once into a JSON-serialisable tree, so the answering page's static
JavaScript evaluates skip logic from the same tree without ``eval``, and ``evaluate`` here
checks the answers on the server with the same rules.

Supported::

    ${name}             the answer to question (or matrix row, or "<name>_other") `name`
    .                   the answer being checked (in a constraint)
    'text' "text" 12 3.5
    = != < <= > >=      comparisons
    + - * div mod       arithmetic, and unary minus
    and or              (not() is a function)
    ( )                 grouping
    functions           see FUNCTIONS below (name: number of arguments)

Anything else (paths such as /data/q or ../q, predicates [ ], unions |, ${last-saved#q},
functions outside the list such as pulldata() or jr:choice-name()) is refused with an
ExpressionError whose message is Chinese; the XLSForm import lists such rows as unsupported.

AST node shapes (plain dicts, ``"type"`` first)::

    {"type": "number", "value": 3.0}                      always a float
    {"type": "string", "value": "yes"}
    {"type": "ref", "name": "q1"}                         ${q1}
    {"type": "current"}                                   .
    {"type": "binary", "op": OP, "left": NODE, "right": NODE}
        OP one of "or" "and" "=" "!=" "<" "<=" ">" ">=" "+" "-" "*" "div" "mod"
    {"type": "negate", "operand": NODE}                   unary minus
    {"type": "call", "name": FUNCTION, "args": [NODE, ...]}

Values and ODK semantics (what the JavaScript evaluator must do too):

- A value is a string, a number (float, may be NaN), a boolean or a date (days since
  1970-01-01 when used as a number).
- A referenced answer that is missing, None, "" or [] is the empty string "". A list (multiple
  choice, ranking) is its codes joined by single spaces. int/float answers are numbers; a
  ``datetime.date`` or a string of the form YYYY-MM-DD is a date; booleans stay booleans; any
  other string stays a string.
- To number: numbers as they are; booleans 1/0; dates their day number; strings parsed as
  decimal numbers after trimming (a YYYY-MM-DD string as a date), otherwise NaN (so "" is NaN).
- To string: integral numbers without ".0" (3 -> "3"), NaN -> "NaN", Infinity -> "Infinity";
  booleans "true"/"false"; dates YYYY-MM-DD.
- To boolean: numbers are true unless 0 or NaN; strings true unless ""; dates true.
- ``=`` and ``!=``: if either side is a boolean, both compare as booleans; otherwise if either is
  a number or a date, both compare as numbers (NaN equals nothing, so an unanswered question
  ``= 0`` is false and ``!= 0`` true); otherwise as strings.
- ``<`` ``<=`` ``>`` ``>=``: both sides as numbers (an unanswered question compares false).
- Arithmetic on numbers; ``div`` by zero gives +/-Infinity (NaN for 0 div 0), ``mod`` keeps the
  sign of the left side (JavaScript's %), by zero NaN.
- ``and``/``or`` short-circuit and give booleans. ``if`` evaluates only the branch it takes.
- Functions: selected(list, code): code is one of the space-separated codes; count-selected(list);
  string-length(s); not(b); true(); false(); if(cond, a, b); regex(s, 'pattern'): the pattern
  (a string literal) is found anywhere in s (anchor it with ^...$ for whole-value checks);
  contains(s, t); starts-with(s, t); ends-with(s, t); coalesce(a, b): a unless it is "", then b;
  today(): today's date in Asia/Shanghai; date(x): a YYYY-MM-DD string, or a day number, as a
  date; number(x).
- The result of a relevant or constraint is converted to boolean; ``relevant`` empty means shown,
  ``constraint`` empty means no constraint; a constraint is only checked on an answered question.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

Node = dict[str, Any]
Value = str | float | bool | dt.date

# Name: number of arguments (min, max).
FUNCTIONS: dict[str, tuple[int, int]] = {
    "not": (1, 1),
    "true": (0, 0),
    "false": (0, 0),
    "if": (3, 3),
    "selected": (2, 2),
    "count-selected": (1, 1),
    "string-length": (1, 1),
    "regex": (2, 2),
    "contains": (2, 2),
    "starts-with": (2, 2),
    "ends-with": (2, 2),
    "coalesce": (2, 2),
    "today": (0, 0),
    "date": (1, 1),
    "number": (1, 1),
}
BINARY_LEVELS: tuple[tuple[str, ...], ...] = (
    ("or",),
    ("and",),
    ("=", "!="),
    ("<", "<=", ">", ">="),
    ("+", "-"),
    ("*", "div", "mod"),
)
SHANGHAI = ZoneInfo("Asia/Shanghai")
EPOCH = dt.date(1970, 1, 1)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ExpressionError(ValueError):
    """The expression cannot be parsed or uses something this platform does not support."""


# -- parsing ---------------------------------------------------------------------------------

# Letters XML names may start with (pyxform's NCName rule, CJK included).
_NAME_CHARS = (
    r"A-Za-z_\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff"
    r"\u3001-\ud7ff\uf900-\ufdcf"
)
_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
    |(?P<number>\d+(?:\.\d*)?|\.\d+)
    |(?P<string>'[^']*'|"[^"]*")
    |(?P<ref>\$\{{[^}}]*\}})
    |(?P<op>!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)
    |(?P<name>[{_NAME_CHARS}][{_NAME_CHARS}0-9.\-]*(?::[{_NAME_CHARS}][{_NAME_CHARS}0-9.\-]*)?)
    |(?P<dot>\.(?!\.))
    """,
    re.VERBOSE,
)
_REF_NAME = re.compile(rf"[{_NAME_CHARS}][{_NAME_CHARS}0-9.\-]*")
_WORD_OPS = frozenset({"and", "or", "div", "mod"})


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            rest = text[position:]
            if rest.startswith(".."):
                raise ExpressionError("不支持相对路径“..”，请用 ${题目名称} 引用题目")
            if rest[0] == "/":
                raise ExpressionError("不支持路径写法（如 /data/题目），请用 ${题目名称} 引用题目")
            if rest[0] in "[]":
                raise ExpressionError("不支持方括号条件（[ ]），本平台没有重复组")
            if rest[0] == "|":
                raise ExpressionError("不支持节点集合并（|）")
            if rest[0] in "'\"":
                raise ExpressionError("字符串缺少结束引号")
            raise ExpressionError(f"无法识别的字符“{rest[0]}”")
        kind = match.lastgroup or ""
        value = match.group()
        position = match.end()
        if kind == "space":
            continue
        if kind == "ref":
            inner = value[2:-1]
            if inner.startswith("last-saved#"):
                raise ExpressionError(f"不支持引用上次提交的答案（{value}）")
            if not _REF_NAME.fullmatch(inner):
                raise ExpressionError(f"题目引用“{value}”中的名称不合规")
            value = inner
        if kind == "name" and value in _WORD_OPS:
            kind = "op"
        tokens.append((kind, value))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.position = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ExpressionError("表达式不完整")
        self.position += 1
        return token

    def expect(self, value: str) -> None:
        token = self.take()
        if token != ("op", value):
            raise ExpressionError(f"此处应为“{value}”，实际是“{token[1]}”")

    def parse(self) -> Node:
        if not self.tokens:
            raise ExpressionError("表达式为空")
        node = self.binary(0)
        token = self.peek()
        if token is not None:
            raise ExpressionError(f"多余的内容“{token[1]}”")
        return node

    def binary(self, level: int) -> Node:
        if level == len(BINARY_LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        while (
            (token := self.peek()) is not None
            and token[0] == "op"
            and token[1] in BINARY_LEVELS[level]
        ):
            self.position += 1
            node = {"type": "binary", "op": token[1], "left": node, "right": self.binary(level + 1)}
        return node

    def unary(self) -> Node:
        if self.peek() == ("op", "-"):
            self.position += 1
            return {"type": "negate", "operand": self.unary()}
        return self.primary()

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "number":
            return {"type": "number", "value": float(value)}
        if kind == "string":
            return {"type": "string", "value": value[1:-1]}
        if kind == "ref":
            return {"type": "ref", "name": value}
        if kind == "dot":
            return {"type": "current"}
        if kind == "op" and value == "(":
            node = self.binary(0)
            self.expect(")")
            return node
        if kind == "name":
            if self.peek() != ("op", "("):
                raise ExpressionError(
                    f"不支持的写法“{value}”：引用题目请用 ${{{value}}}，文字请加引号"
                )
            self.position += 1
            return self.call(value)
        raise ExpressionError(f"此处不应出现“{value}”")

    def call(self, name: str) -> Node:
        args: list[Node] = []
        if self.peek() != ("op", ")"):
            args.append(self.binary(0))
            while self.peek() == ("op", ","):
                self.position += 1
                args.append(self.binary(0))
        self.expect(")")
        if name not in FUNCTIONS:
            raise ExpressionError(f"不支持的函数 {name}()")
        low, high = FUNCTIONS[name]
        if not low <= len(args) <= high:
            raise ExpressionError(f"函数 {name}() 需要 {low} 个参数，实际给了 {len(args)} 个")
        if name == "regex":
            pattern = args[1]
            if pattern["type"] != "string":
                raise ExpressionError("regex() 的第二个参数必须是加引号的正则表达式")
            try:
                re.compile(pattern["value"])
            except re.error as exc:
                raise ExpressionError(f"正则表达式“{pattern['value']}”有误：{exc}") from exc
        return {"type": "call", "name": name, "args": args}


def parse(text: str) -> Node:
    """The AST of an expression; ExpressionError (Chinese message) if it is not supported."""
    return _Parser(text).parse()


def references(node: Node) -> list[str]:
    """The ${names} an AST refers to, each once, in order of appearance."""
    found: list[str] = []

    def walk(item: Node) -> None:
        if item["type"] == "ref" and item["name"] not in found:
            found.append(item["name"])
        for child in _children(item):
            walk(child)

    walk(node)
    return found


def _children(node: Node) -> list[Node]:
    if node["type"] == "binary":
        return [node["left"], node["right"]]
    if node["type"] == "negate":
        return [node["operand"]]
    if node["type"] == "call":
        return list(node["args"])
    return []


# -- conversions -----------------------------------------------------------------------------


def answer_value(answer: Any) -> Value:
    """An answer as an expression value (see the module docstring)."""
    if answer is None:
        return ""
    if isinstance(answer, bool | dt.date):  # datetime.datetime is a date too: kept as it is
        return answer.date() if isinstance(answer, dt.datetime) else answer
    if isinstance(answer, int | float):
        return float(answer)
    if isinstance(answer, list | tuple):
        return " ".join(str(item) for item in answer)
    text = str(answer)
    if _ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    return text


def to_number(value: Value) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if isinstance(value, dt.date):
        return float((value - EPOCH).days)
    text = value.strip()
    if _ISO_DATE.fullmatch(text):
        try:
            return float((dt.date.fromisoformat(text) - EPOCH).days)
        except ValueError:
            return math.nan
    if re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", text):
        return float(text)
    return math.nan


def to_string(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return str(int(value)) if value == int(value) else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def to_boolean(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, dt.date):
        return True
    return value != ""


# -- evaluation ------------------------------------------------------------------------------


def evaluate(
    node: Node,
    answers: Mapping[str, Any],
    current: Any = None,
    *,
    today: dt.date | None = None,
) -> Value:
    """The value of an AST for the given answers (keyed by question name); `current` is the
    answer `.` stands for. Use `holds` for a relevant or constraint's truth."""
    return _Evaluator(answers, answer_value(current), today).value(node)


def holds(
    node: Node, answers: Mapping[str, Any], current: Any = None, *, today: dt.date | None = None
) -> bool:
    """Whether a relevant or constraint expression is true for these answers."""
    return to_boolean(evaluate(node, answers, current, today=today))


class _Evaluator:
    def __init__(self, answers: Mapping[str, Any], current: Value, today: dt.date | None) -> None:
        self.answers = answers
        self.current = current
        self.today = today

    def value(self, node: Node) -> Value:
        kind = node["type"]
        if kind in ("number", "string"):
            return node["value"]
        if kind == "ref":
            return answer_value(self.answers.get(node["name"]))
        if kind == "current":
            return self.current
        if kind == "negate":
            return -to_number(self.value(node["operand"]))
        if kind == "binary":
            return self.binary(node["op"], node["left"], node["right"])
        if kind == "call":
            return self.call(node["name"], node["args"])
        raise ExpressionError(f"未知的表达式节点“{kind}”")

    def binary(self, op: str, left_node: Node, right_node: Node) -> Value:
        if op == "and":
            return to_boolean(self.value(left_node)) and to_boolean(self.value(right_node))
        if op == "or":
            return to_boolean(self.value(left_node)) or to_boolean(self.value(right_node))
        left, right = self.value(left_node), self.value(right_node)
        if op in ("=", "!="):
            equal = _equal(left, right)
            return equal if op == "=" else not equal
        a, b = to_number(left), to_number(right)
        return _NUMERIC_OPS[op](a, b)

    def call(self, name: str, args: list[Node]) -> Value:
        if name == "if":
            branch = args[1] if to_boolean(self.value(args[0])) else args[2]
            return self.value(branch)
        if name == "today":
            return self.today or dt.datetime.now(SHANGHAI).date()
        values = [self.value(arg) for arg in args]
        return _PLAIN_FUNCTIONS[name](*values)


def _equal(left: Value, right: Value) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return to_boolean(left) == to_boolean(right)
    if isinstance(left, float | dt.date) or isinstance(right, float | dt.date):
        return to_number(left) == to_number(right)  # NaN == NaN is False, as in XPath
    return left == right


def _divide(a: float, b: float) -> float:
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1, b)
    return a / b


def _modulo(a: float, b: float) -> float:
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return math.nan
    return math.fmod(a, b)


_NUMERIC_OPS: dict[str, Callable[[float, float], Value]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "div": _divide,
    "mod": _modulo,
}


def _to_date(value: Value) -> Value:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float) and not (math.isnan(value) or math.isinf(value)):
        return EPOCH + dt.timedelta(days=int(value))
    text = to_string(value).strip()
    if _ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    return ""  # ODK leaves an invalid date empty


_PLAIN_FUNCTIONS: dict[str, Callable[..., Value]] = {
    "not": lambda a: not to_boolean(a),
    "true": lambda: True,
    "false": lambda: False,
    "selected": lambda items, code: to_string(code).strip() in to_string(items).split(),
    "count-selected": lambda items: float(len(to_string(items).split())),
    "string-length": lambda a: float(len(to_string(a))),
    "regex": lambda a, pattern: re.search(to_string(pattern), to_string(a)) is not None,
    "contains": lambda a, b: to_string(b) in to_string(a),
    "starts-with": lambda a, b: to_string(a).startswith(to_string(b)),
    "ends-with": lambda a, b: to_string(a).endswith(to_string(b)),
    "coalesce": lambda a, b: a if to_string(a) != "" else b,
    "date": _to_date,
    "number": to_number,
}
