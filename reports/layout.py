"""The report as blocks, for both the web preview and the Word document: a title, each
section's heading, subheadings, paragraphs (runs of text and cited facts), charts, and the
数据来源 list at the end (every cited fact, numbered in Chinese numerals in citation order)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from reports.facts import display
from reports.text import chinese_date, chinese_number, pieces, plain

DRAFT_MARK = "【草稿】"


@dataclass
class Run:
    text: str
    fact: Any = None  # the Fact when this run is a figure
    ref: str = ""  # its 数据来源 number, 〔一〕


@dataclass
class Block:
    kind: str  # "h1", "h2", "p", "chart", "table"
    runs: list[Run] = field(default_factory=list)
    chart: str = ""
    # A table: its title, headers and rows of cells, each cell a list of runs.
    table: dict[str, Any] = field(default_factory=dict)
    draft: bool = False

    @property
    def text(self) -> str:
        return "".join(run.text + run.ref for run in self.runs)


def cited(content: dict[str, Any]) -> list[str]:
    """Fact keys in order of first citation: text, then charts (a rate's parts after it)."""
    order: list[str] = []
    for section in content["sections"]:
        for line in section["text"].splitlines():
            for piece in pieces(line):
                if piece.kind == "fact" and piece.value not in order:
                    order.append(piece.value)
                if piece.kind == "chart":
                    for key in content["charts"].get(piece.value, {}).get("facts", []):
                        if key not in order:
                            order.append(key)
                if piece.kind == "table":
                    for row in content.get("tables", {}).get(piece.value, {}).get("rows", []):
                        for cell in row:
                            for part in pieces(cell):
                                if part.kind == "fact" and part.value not in order:
                                    order.append(part.value)
    return order


def numbering(content: dict[str, Any], facts: dict[str, Any]) -> dict[str, str]:
    keys = [key for key in cited(content) if key in facts]
    extra = []
    for key in keys:
        fact = facts[key]
        if fact.kind == "rate":
            for part in (fact.params["numerator"], fact.params["denominator"]):
                if part not in keys and part not in extra and part in facts:
                    extra.append(part)
    return {key: f"〔{chinese_number(i)}〕" for i, key in enumerate(keys + extra, start=1)}


def _runs(parts: list[Any], facts: dict[str, Any], refs: dict[str, str]) -> list[Run]:
    runs = []
    for piece in parts:
        if piece.kind == "fact" and piece.value in facts:
            fact = facts[piece.value]
            runs.append(Run(display(fact.kind, fact.value), fact, refs[piece.value]))
        elif piece.kind == "text":
            runs.append(Run(piece.value))
    return runs


def blocks(content: dict[str, Any], facts: dict[str, Any]) -> tuple[list[Block], dict[str, str]]:
    refs = numbering(content, facts)
    out: list[Block] = []
    for section in content["sections"]:
        out.append(Block("h1", [Run(section["heading"])]))
        for line in section["text"].splitlines():
            line = line.strip()
            if not line:
                continue
            if line.startswith("## "):
                out.append(Block("h2", [Run(line[3:].strip())]))
                continue
            parts = pieces(line)
            if len(parts) == 1 and parts[0].kind == "chart":
                if parts[0].value in content["charts"]:
                    out.append(Block("chart", chart=parts[0].value))
                continue
            if len(parts) == 1 and parts[0].kind == "table":
                spec = content.get("tables", {}).get(parts[0].value)
                if spec:
                    table = {
                        "title": spec["title"],
                        "headers": spec["headers"],
                        "rows": [
                            [_runs(pieces(cell), facts, refs) for cell in row]
                            for row in spec["rows"]
                        ],
                    }
                    out.append(Block("table", table=table))
                continue
            out.append(Block("p", _runs(parts, facts, refs), draft=line.startswith(DRAFT_MARK)))
    return out, refs


def source_lines(
    report: Any, facts: dict[str, Any], refs: dict[str, str]
) -> list[tuple[str, Any, str]]:
    """(ref, fact, description) per cited fact, for the 数据来源 list. No digits except the
    fact's own value: the parameters are written in words."""
    from reports.evidence import lookup

    period_of: dict[tuple[str, str], str] = {}
    lines = []
    for key, ref in refs.items():
        fact = facts[key]
        if fact.kind == "rate":
            num, den = (
                refs.get(fact.params["numerator"], ""),
                refs.get(fact.params["denominator"], ""),
            )
            lines.append((ref, fact, f"{fact.label}，由{num}除以{den}计算，四舍五入保留一位小数。"))
            continue
        p = fact.params
        span = (p["start"], p["end"])
        if span not in period_of:
            import datetime as dt

            start = dt.date.fromisoformat(p["start"])
            last = dt.date.fromisoformat(p["end"]) - dt.timedelta(days=1)
            period_of[span] = f"{chinese_date(start)}至{chinese_date(last)}"
        try:
            definition = plain(lookup(fact.code).definition)
        except KeyError:
            definition = ""
        where = "本报告范围内各单位" if len(p["units"]) > 1 else "所列单位"
        lines.append(
            (
                ref,
                fact,
                f"{fact.label}。口径：{definition}。取数：{where}，{period_of[span]}，"
                f"数据快照时间{chinese_date(timezone.localtime(fact.snapshot_at).date())}；"
                f"度量代码 {fact.code.replace('.', '·')}。",
            )
        )
    return lines
