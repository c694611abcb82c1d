"""What the answering page (and the office's preview) renders: one block per question with
the values to show again after an error, and the skip-logic trees for answer.js."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from surveys.actions import spec_of
from surveys.answering import Getter, parse_expression
from surveys.models import Survey
from surveys.spec import Kind, QuestionSpec


@dataclass
class Block:
    q: QuestionSpec
    number: int
    error: str = ""
    value: str = ""
    values: list[str] = field(default_factory=list)
    other_text: str = ""
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (name, label, chosen)
    ranks: list[tuple[str, str, str]] = field(default_factory=list)  # (choice, label, position)
    full: set[str] = field(default_factory=set)  # choices whose quota is full

    @property
    def field_id(self) -> str:
        return f"q-{self.q.name}"

    @property
    def positions(self) -> list[int]:
        return list(range(1, len(self.q.choices) + 1))

    @property
    def input_type(self) -> str:
        return {Kind.INTEGER: "number", Kind.DECIMAL: "number", Kind.DATE: "date"}.get(
            self.q.kind, "text"
        )

    @property
    def inputmode(self) -> str:
        return {Kind.INTEGER: "numeric", Kind.DECIMAL: "decimal"}.get(self.q.kind, "")


def _logic(questions: list[QuestionSpec]) -> dict[str, Any]:
    """The trees answer.js evaluates: per question its `relevant` AST (None: always shown) and
    its answers keys with their kinds (numbers compare as numbers, lists as codes)."""
    out = []
    for q in questions:
        relevant = parse_expression(q.relevant) if q.relevant.strip() else None
        keys = [[key, Kind.TEXT if key == q.other_name else q.kind] for key in q.answer_keys()]
        out.append({"name": q.name, "relevant": relevant, "keys": keys})
    return {"questions": out}


def answering_context(
    survey: Survey,
    *,
    preview: bool = False,
    data: Any = None,
    errors: dict[str, str] | None = None,
    token: str = "",
) -> dict[str, Any]:
    spec = spec_of(survey)
    get = Getter(data or {})
    errors = errors or {}
    full: dict[str, set[str]] = {}
    for quota in survey.quotas.all():
        if quota.filled >= quota.cap:
            full.setdefault(quota.question, set()).add(quota.choice)
    blocks: list[Block] = []
    number = 0
    for q in spec.questions:
        if q.is_answered:
            number += 1
        block = Block(q, number if q.is_answered else 0, error=errors.get(q.name, ""))
        block.full = full.get(q.name, set())
        if data is not None:
            block.value = get.get(q.name)
            block.values = get.getlist(q.name)
            block.other_text = get.get(q.other_name)
        block.rows = [
            (r.name, r.label, get.get(r.name) if data is not None else "") for r in q.rows
        ]
        block.ranks = [
            (c.name, c.label, get.get(f"{q.name}__{c.name}") if data is not None else "")
            for c in q.choices
        ]
        blocks.append(block)
    return {
        "survey": survey,
        "spec": spec,
        "blocks": blocks,
        "logic": _logic(spec.questions),
        "preview": preview,
        "errors": errors,
        "token": token,
        "required_count": sum(1 for q in spec.questions if q.required),
    }
