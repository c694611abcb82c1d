"""The answering page's JavaScript evaluator (surveys/static/surveys/answer.js) agrees with
the Python one on every case of the shared truth table, in a real browser."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "static" / "surveys" / "answer.js"
TABLE = Path(__file__).resolve().parent / "fixtures" / "expression_cases.json"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_javascript_evaluator_gives_the_python_answer_for_every_case(browser_page: Any) -> None:
    table = json.loads(TABLE.read_text(encoding="utf-8"))
    page = browser_page
    page.set_content("<html><body></body></html>")
    page.add_script_tag(content=SCRIPT.read_text(encoding="utf-8"))
    got = page.evaluate(
        """(table) => table.cases.map((c) =>
            window.zuofengSurveyLogic.holds(c.ast, table.answers, c.current, table.today))""",
        table,
    )
    wrong = [
        (case["expression"], case["current"], case["expected"])
        for case, value in zip(table["cases"], got, strict=True)
        if value is not case["expected"]
    ]
    assert len(got) == len(table["cases"]) > 20
    assert wrong == []
