from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest

from surveys.expressions import ExpressionError, evaluate, holds, parse, references

ANSWERS = {
    "age": 34,
    "visited": "yes",
    "services": ["tax", "social"],
    "wait": 1.5,
    "day": "2026-11-30",
    "name": "张三",
    "empty_text": "",
    "empty_list": [],
    "none": None,
}
TODAY = dt.date(2026, 12, 3)
DOT = ". >= 1 and . <= 20"


def truth(text: str, current: object = None) -> bool:
    return holds(parse(text), ANSWERS, current, today=TODAY)


XPATH_CASES = [
    ("${visited} = 'yes'", True),
    ("${visited} != 'yes'", False),
    ("${age} > 18 and ${age} < 60", True),
    ("${age} >= 35 or ${visited} = 'no'", False),
    ("not(${age} = 34)", False),
    ("${age} = '34'", True),  # a number against text compares as numbers
    ("${age} + 1 = 35", True),
    ("${age} div 4 = 8.5", True),
    ("${age} mod 5 = 4", True),
    ("-${age} < 0", True),
    ("(1 + 2) * 3 = 9", True),
    ("1 + 2 * 3 = 7", True),
    ("${wait} * 2 = 3", True),
    ("selected(${services}, 'tax')", True),
    ("selected(${services}, 'ta')", False),
    ("count-selected(${services}) = 2", True),
    ("string-length(${name}) = 2", True),
    ("if(${age} > 18, 'adult', 'minor') = 'adult'", True),
    ("regex(${visited}, '^y')", True),
    ("regex(${visited}, '^n')", False),
    ("contains(${name}, '三')", True),
    ("starts-with(${name}, '张')", True),
    ("ends-with(${name}, '张')", False),
    ("${day} < today()", True),
    ("${day} = date('2026-11-30')", True),
    ("today() - ${day} = 3", True),
    ("number('12') = 12", True),
    ("true() and not(false())", True),
    ("coalesce(${none}, 'x') = 'x'", True),
]


@pytest.mark.parametrize(("text", "expected"), XPATH_CASES)
def test_expressions_evaluate_with_xpath_semantics(text: str, expected: bool) -> None:
    assert truth(text) is expected


# An unanswered question is "": never equal to a number, never greater or smaller.
EMPTY_CASES = [
    ("${none} = ''", True),
    ("${empty_text} = ''", True),
    ("${empty_list} = ''", True),
    ("${missing} = ''", True),
    ("${none} = 0", False),
    ("${none} != 0", True),
    ("${none} > 0", False),
    ("${none} < 0", False),
    ("${none} <= 0", False),
    ("${none} + 1 > 0", False),
    ("${none}", False),
    ("not(${none})", True),
    ("selected(${none}, 'tax')", False),
    ("count-selected(${none}) = 0", True),
    ("string-length(${none}) = 0", True),
    ("${none} != 'yes'", True),
]


@pytest.mark.parametrize(("text", "expected"), EMPTY_CASES)
def test_an_unanswered_question_follows_odk_empty_semantics(text: str, expected: bool) -> None:
    assert truth(text) is expected


DOT_CASES = [(5, True), (0, False), (21, False), (None, False), ("7", True), (1.5, True)]


@pytest.mark.parametrize(("current", "expected"), DOT_CASES)
def test_dot_is_the_answer_being_checked(current: object, expected: bool) -> None:
    assert truth(DOT, current) is expected


def test_division_by_zero_and_nan_follow_xpath() -> None:
    assert evaluate(parse("1 div 0"), {}) == math.inf
    assert evaluate(parse("-1 div 0"), {}) == -math.inf
    assert math.isnan(evaluate(parse("0 div 0"), {}))
    assert evaluate(parse("-7 mod 3"), {}) == -1
    assert evaluate(parse("string-length(1 div 0)"), {}) == len("Infinity")
    assert evaluate(parse("string-length(3.0)"), {}) == 1


def test_short_circuit_keeps_the_other_branch_unevaluated() -> None:
    # regex on an unanswered value is fine either way; the point is that if() takes one branch.
    assert evaluate(parse("if(${age} > 1, 'a', 1 div 0)"), ANSWERS) == "a"


def test_the_ast_is_plain_json_with_documented_shapes() -> None:
    tree = parse("selected(${q1}, 'a') and -. != 2")
    assert json.loads(json.dumps(tree)) == tree
    assert tree == {
        "type": "binary",
        "op": "and",
        "left": {
            "type": "call",
            "name": "selected",
            "args": [{"type": "ref", "name": "q1"}, {"type": "string", "value": "a"}],
        },
        "right": {
            "type": "binary",
            "op": "!=",
            "left": {"type": "negate", "operand": {"type": "current"}},
            "right": {"type": "number", "value": 2.0},
        },
    }
    assert references(parse("${a} = ${b} or ${a} = 1")) == ["a", "b"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pulldata('f', 'c', 'k', ${a})", "不支持的函数 pulldata()"),
        ("jr:choice-name(${a}, '${a}')", "不支持的函数 jr:choice-name()"),
        ("/data/q1 = 'yes'", "不支持路径写法（如 /data/题目），请用 ${题目名称} 引用题目"),
        ("../q1 = 'yes'", "不支持相对路径“..”，请用 ${题目名称} 引用题目"),
        ("${rep}[1] = 'a'", "不支持方括号条件（[ ]），本平台没有重复组"),
        ("${a} | ${b}", "不支持节点集合并（|）"),
        ("${last-saved#q1} = 1", "不支持引用上次提交的答案（${last-saved#q1}）"),
        ("q1 = 'yes'", "不支持的写法“q1”：引用题目请用 ${q1}，文字请加引号"),
        ("${a} = 'yes", "字符串缺少结束引号"),
        ("${a} =", "表达式不完整"),
        ("(${a} = 1", "表达式不完整"),
        ("${a} = 1)", "多余的内容“)”"),
        ("selected(${a})", "函数 selected() 需要 2 个参数，实际给了 1 个"),
        ("regex(${a}, ${b})", "regex() 的第二个参数必须是加引号的正则表达式"),
        ("regex(${a}, '(')", "正则表达式“(”有误："),
        ("${1a} = 1", "题目引用“${1a}”中的名称不合规"),
        ("", "表达式为空"),
    ],
)
def test_unsupported_expressions_are_refused_in_chinese(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert str(caught.value).startswith(message)


TRUTH_TABLE = Path(__file__).resolve().parent / "fixtures" / "expression_cases.json"


def truth_table() -> dict[str, object]:
    """Every case above as data, with its AST: the answering page's JavaScript evaluator is
    tested against the same file, so both sides agree on ODK semantics."""
    cases = [
        {"expression": text, "ast": parse(text), "current": None, "expected": expected}
        for text, expected in [*XPATH_CASES, *EMPTY_CASES]
    ]
    cases += [
        {"expression": DOT, "ast": parse(DOT), "current": current, "expected": expected}
        for current, expected in DOT_CASES
    ]
    return {"answers": ANSWERS, "today": TODAY.isoformat(), "cases": cases}


def test_the_shared_truth_table_file_is_current() -> None:
    assert json.loads(TRUTH_TABLE.read_text(encoding="utf-8")) == truth_table()
