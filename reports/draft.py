"""The generator: from the snapshot's facts to the draft's text, section by section.

Content is JSON: {"sections": [{"heading", "text", "draft"}], "charts": {key: spec},
"tables": {key: spec}, "ranking": [problem codes]}. A section's text is lines: `## ` starts
a subheading, `[[chart:key]]` / `[[table:key]]` a figure, anything else a paragraph in
which every number is a fact token `[[key]]`. Everything else the generator writes uses
Chinese numerals (`reports.text`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from org.models import Unit
from reports.evidence import (
    CATEGORIES,
    CHANNELS,
    MODULES,
    Evidence,
    Problem,
    is_query,
    lookup,
    module_measures,
    problems,
)
from reports.facts import Counts, FactSpec, Ledger, records
from reports.models import LibraryEntry
from reports.text import chinese_date, heading_number, plain, sub_number

SECTIONS = ("基本情况", "存在问题", "原因分析", "对策建议")
TOP_UNITS = 3
TOP_PROBLEMS = 3  # problems the causes and measures are chosen for
EXAMPLES = 2
# A share of fewer records than this does not rank a problem (sixteen overdue tasks of
# sixteen is a finding to report, not proof that it is the district's worst problem).
MIN_BASE = 30


@dataclass(frozen=True)
class Scope:
    label: str
    units: list[int]


def t(fact: FactSpec) -> str:
    return f"[[{fact.key}]]"


class Drafter:
    def __init__(self, scope: Scope, start: dt.date, end: dt.date, now: dt.datetime) -> None:
        self.scope = scope
        self.start, self.end = start, end  # [start, end)
        length = end - start
        self.prev = (start - length, start)
        self.now = now
        self.ledger = Ledger(Counts(scope.units, now))
        self.names = {
            u.pk: plain(u.short_name or u.name)
            for u in Unit.objects.filter(pk__in=scope.units).only("pk", "name", "short_name")
        }
        self.charts: dict[str, dict[str, Any]] = {}
        self.tables: dict[str, dict[str, Any]] = {}

    # --- facts -------------------------------------------------------------------------------

    def count(self, code: str, *, prev: bool = False, unit: int | None = None) -> FactSpec:
        measure = lookup(code)
        start, end = self.prev if prev else (self.start, self.end)
        units = [unit] if unit is not None else self.scope.units
        key = code + ("@prev" if prev else "") + (f"@u{unit}" if unit is not None else "")
        label = plain(measure.label)
        if unit is not None:
            label = f"{self.names.get(unit, '')}：{label}"
        if prev:
            label = f"上期{label}"
        return self.ledger.count(key, label, code, start, end, units)

    def rate(self, label: str, numerator: FactSpec, denominator: FactSpec) -> FactSpec:
        return self.ledger.rate(
            f"rate.{numerator.key}--{denominator.key}", label, numerator, denominator
        )

    def has(self, code: str) -> bool:
        try:
            lookup(code)
        except KeyError:
            return False
        return True

    # --- sections ----------------------------------------------------------------------------

    def basics(self) -> list[str]:
        last_day = self.end - dt.timedelta(days=1)
        lines = [
            f"本次调研范围为{plain(self.scope.label)}，时段为{chinese_date(self.start)}至{chinese_date(last_day)}。"
            f"调研以平台记录的办件、办事评价、监督举报和督查督办等业务数据为基础，全部数据于{chinese_date(self.now.date())}从业务记录中提取并固定，"
            "每一项数据均标注来源，可追溯到具体记录。"
        ]
        received, decided = self.count("case_received"), self.count("case_decided")
        due, on_time = self.count("case_due"), self.count("case_due_on_time")
        lines.append(
            f"办件办理方面，期间共收件{t(received)}件，办结{t(decided)}件；办理期限届满的办件{t(due)}件，"
            f"其中按期办结{t(on_time)}件，按期办结率{t(self.rate('按期办结率', on_time, due))}。"
        )
        if self.has("rating_count"):
            rated, satisfied, bad = (
                self.count("rating_count"),
                self.count("rating_satisfied"),
                self.count("rating_bad"),
            )
            lines.append(
                f"办事评价方面，办事人共作出评价{t(rated)}条，其中满意评价{t(satisfied)}条，"
                f"满意率{t(self.rate('评价满意率', satisfied, rated))}；差评{t(bad)}条。"
            )
        if self.has("complaint_routed"):
            routed = self.count("complaint_routed")
            channels = []
            chart = {
                "title": "监督举报按渠道分布",
                "type": "bar",
                "categories": [],
                "facts": [],
                "unit": "件",
            }
            for key, name in CHANNELS.values():
                fact = self.count(f"q.complaint_channel.{key}")
                if fact.value:
                    channels.append(f"{name}{t(fact)}件")
                    chart["categories"].append(name)
                    chart["facts"].append(fact.key)
            text = f"监督举报方面，期间分办诉求{t(routed)}件"
            if channels:
                text += "，其中" + "、".join(channels)
            responded, response_due = (
                self.count("complaint_responded_on_time"),
                self.count("complaint_response_due"),
            )
            answered, resolution_due = (
                self.count("complaint_answered_on_time"),
                self.count("complaint_resolution_due"),
            )
            satisfied, called = (
                self.count("complaint_satisfied"),
                self.count("complaint_callback_answered"),
            )
            text += (
                f"。按时响应率{t(self.rate('诉求按时响应率', responded, response_due))}"
                f"（应响应{t(response_due)}件，按时响应{t(responded)}件），"
                f"按时办结率{t(self.rate('诉求按时办结率', answered, resolution_due))}"
                f"（应办结{t(resolution_due)}件，按时办结{t(answered)}件），"
                f"回访满意率{t(self.rate('诉求回访满意率', satisfied, called))}"
                f"（回访有结果{t(called)}件，满意{t(satisfied)}件）。"
            )
            lines.append(text)
            if chart["facts"]:
                self.charts["channels"] = chart
                lines.append("[[chart:channels]]")
        if self.has("supervision_tasks_due"):
            due_t, closed = (
                self.count("supervision_tasks_due"),
                self.count("supervision_tasks_on_time"),
            )
            overdue, lagging = (
                self.count("supervision_tasks_overdue"),
                self.count("supervision_tasks_lagging"),
            )
            reports, returned = (
                self.count("supervision_reports"),
                self.count("supervision_reports_returned"),
            )
            lines.append(
                f"督查督办方面，完成时限在期内的督办任务{t(due_t)}项，按期销号{t(closed)}项，"
                f"超期未销号{t(overdue)}项，进度滞后{t(lagging)}项；各单位报送进展{t(reports)}份，被督查室退回{t(returned)}份。"
            )
        if self.has("followup_notice_due"):
            notices, late = self.count("followup_notice_due"), self.count("followup_notice_overdue")
            lines.append(
                f"督查室发出、办复期限在期内的督办通知{t(notices)}份，其中超期办复或未办复{t(late)}份。"
            )
        for prefix, title in MODULES.items():
            measures = module_measures(prefix)
            if measures:
                parts = [f"{plain(m.label)}为{t(self.count(m.code))}" for m in measures]
                lines.append(f"{title}方面，" + "，".join(parts) + "。")
        return lines

    def evidence_share(self, e: Evidence) -> int:
        """Per-mille share of the evidence in its base (0 without a base): the ranking key."""
        if not e.base:
            return 0
        fact = self.count(e.code)
        base = self.count(e.base)
        if (base.value or 0) < MIN_BASE:
            return 0
        return self.rate(f"{plain(lookup(e.code).label)}占比", fact, base).value or 0

    def ranked(self) -> list[tuple[Problem, tuple[int, int]]]:
        """The problems by evidence: first the share of the platform's own records showing
        them (late and forwarded cases, buck-passing, flagged reports: the strongest two
        signals, so one clear pattern stands out and a second breaks ties), then the share of
        complaints alleging them (what residents say, weighed after what the records show)."""
        scored = []
        for problem in problems():
            records_shares = sorted(
                (
                    self.evidence_share(e)
                    for e in problem.evidence
                    if not is_query(e.code) or e.code == "q.report_formalism"
                ),
                reverse=True,
            )
            said = sum(
                self.evidence_share(e)
                for e in problem.evidence
                if e.code.startswith("q.complaint_category.")
            )
            scored.append((problem, (sum(records_shares[:2]), said)))
        order = [p.code for p in problems()]
        return sorted(
            scored, key=lambda pair: (-pair[1][0], -pair[1][1], order.index(pair[0].code))
        )

    def has_previous(self) -> bool:
        """Whether the platform held records in the previous period at all (cases, ratings,
        complaints): without them a trend would compare against nothing."""
        if not hasattr(self, "_previous"):
            codes = [
                c for c in ("case_received", "rating_count", "complaint_routed") if self.has(c)
            ]
            self._previous = any(
                self.ledger.counts.total(c, *self.prev, self.scope.units) for c in codes
            )
        return self._previous

    def concentration(self, e: Evidence) -> list[tuple[int, FactSpec, FactSpec | None]]:
        """The units where the evidence concentrates: by the share of the unit's own
        business (a big unit has more late cases without being slower), among units with
        at least MIN_BASE records of it; by count when there is no base. (unit, count, share)."""
        per_unit = self.ledger.counts.per_unit(e.code, self.start, self.end)
        bases = self.ledger.counts.per_unit(e.base, self.start, self.end) if e.base else {}

        def key(unit: int) -> tuple[float, int, str]:
            value = per_unit[unit]
            if not e.base:
                return (0.0, -value, self.names[unit])
            base = bases.get(unit, 0)
            share = value / base if base >= MIN_BASE else 0.0
            return (-share, -value, self.names[unit])

        units = [u for u, v in per_unit.items() if v and u in self.names]
        top = sorted(units, key=key)[:TOP_UNITS]
        found = []
        for unit in top:
            fact = self.count(e.code, unit=unit)
            share = None
            if e.base and bases.get(unit, 0) >= MIN_BASE:
                base = self.count(e.base, unit=unit)
                share = self.rate(
                    f"{self.names[unit]}：{plain(lookup(e.code).label)}占比", fact, base
                )
            found.append((unit, fact, share))
        return found

    def problem_lines(self, problem: Problem, index: int) -> list[str]:
        lines = [f"## {sub_number(index)}{problem.title}"]
        shown = False
        for e in problem.evidence:
            fact = self.count(e.code)
            if not fact.value:
                continue
            shown = True
            text = f"{plain(e.noun)}{t(fact)}{e.unit_word}"
            if e.base:
                base = self.count(e.base)
                share = self.rate(plain(lookup(e.code).label) + "占比", fact, base)
                text += f"，占{plain(lookup(e.base).label)}{t(base)}的{t(share)}"
            prev = self.count(e.code, prev=True)
            if self.has_previous():
                text += f"；上一同期为{t(prev)}{e.unit_word}"
                text += (
                    "，有所上升"
                    if fact.value > (prev.value or 0)
                    else ("，有所下降" if fact.value < (prev.value or 0) else "，基本持平")
                )
            else:
                text += "；上一同期平台尚无业务记录，无法比较"
            units = self.concentration(e)
            if len(self.scope.units) > 1 and units:
                text += "。主要集中在" + "、".join(
                    f"{self.names[u]}（{t(f)}{e.unit_word}"
                    + (f"，占该单位的{t(share)}" if share is not None else "")
                    + "）"
                    for u, f, share in units
                )
            lines.append(text + "。")
        if not shown:
            lines.append("本期数据中未发现这方面的问题记录。")
        examples = self.examples(problem)
        if examples:
            lines.append("典型事例（已隐去个人信息）：" + "；".join(examples) + "。")
        return lines

    def examples(self, problem: Problem) -> list[str]:
        found: list[str] = []
        for e in problem.evidence:
            if len(found) >= EXAMPLES:
                break
            units = self.concentration(e)
            if not units:
                continue
            unit = units[0][0]
            # The unit's first such record in time: a range of the (unit, time) index.
            time_field = lookup(e.code).source.time_field
            rows = records(e.code, [unit], self.start, self.end, self.now).order_by(
                time_field, "pk"
            )[:1]
            for row in rows:
                text = describe(row, self.names.get(unit, ""))
                if text:
                    found.append(plain(text))
        return found

    def causes_and_remedies(self, ranked: list[tuple[Problem, int]]) -> tuple[list[str], list[str]]:
        chosen = [p.code for p, score in ranked[:TOP_PROBLEMS]]
        titles = {p.code: p.title for p, _ in ranked}
        entries = list(LibraryEntry.objects.filter(active=True, problem__in=chosen))
        mark = "【草稿】以下内容由系统按问题严重程度从原因与对策库中选取，请结合调研实际修改完善。"
        causes, remedies = [mark], [mark]
        c = r = 0
        for code in chosen:
            for entry in sorted(entries, key=lambda x: (x.sort_order, x.pk)):
                if entry.problem != code:
                    continue
                if entry.kind == LibraryEntry.Kind.CAUSE:
                    c += 1
                    causes.append(f"## {sub_number(c)}{plain(entry.heading)}")
                    causes.append(f"（针对“{titles[code]}”）{plain(entry.text)}")
                else:
                    r += 1
                    remedies.append(f"## {sub_number(r)}{plain(entry.heading)}")
                    remedies.append(plain(entry.text))
        return causes, remedies

    def late_units_chart(self) -> None:
        if not self.has("case_due_late") or len(self.scope.units) < 2:
            return
        per_unit = self.ledger.counts.per_unit("case_due_late", self.start, self.end)
        top = sorted(
            ((v, u) for u, v in per_unit.items() if v and u in self.names),
            key=lambda p: (-p[0], self.names[p[1]]),
        )[:8]
        if top:
            facts = [self.count("case_due_late", unit=u) for _, u in top]
            self.charts["late_units"] = {
                "title": "超期办件较多的单位",
                "type": "bar",
                "categories": [self.names[u] for _, u in top],
                "facts": [f.key for f in facts],
                "unit": "件",
            }

    def problems_table(self, ranked: list[tuple[Problem, tuple[int, int]]]) -> bool:
        """One row per problem, in rank order: its strongest evidence, the count and share."""
        rows = []
        for index, (problem, _) in enumerate(ranked, start=1):
            shown = [e for e in problem.evidence if self.count(e.code).value]
            if not shown:
                rows.append([f"{sub_number(index)}{problem.title}", "未发现相关记录", "—", "—"])
                continue
            # The records' own evidence before what complaints allege, as in the ranking.
            e = max(
                shown,
                key=lambda e: (
                    not e.code.startswith("q.complaint_category."),
                    self.evidence_share(e),
                    self.count(e.code).value or 0,
                ),
            )
            fact = self.count(e.code)
            share = "—"
            if e.base and (self.count(e.base).value or 0) >= MIN_BASE:
                share = t(self.rate(f"{plain(lookup(e.code).label)}占比", fact, self.count(e.base)))
            rows.append(
                [
                    f"{sub_number(index)}{problem.title}",
                    plain(e.noun),
                    f"{t(fact)}{e.unit_word}",
                    share,
                ]
            )
        if not rows:
            return False
        self.tables["problems"] = {
            "title": "各方面问题的主要数据",
            "headers": ["问题", "主要表现", "本期", "占同类业务量"],
            "rows": rows,
        }
        return True

    def build(self) -> dict[str, Any]:
        basics = self.basics()
        ranked = self.ranked()
        issues = [
            "从平台数据看，作风方面的问题按严重程度排列如下：先看业务记录中问题发生的比例（超期、推诿、转后台、照抄照搬等记录占同类业务量的比例），再参考群众举报反映的比例；同类业务量不足三十件的比例不参与排序。"
        ]
        self.late_units_chart()
        if self.problems_table(ranked):
            issues.append("[[table:problems]]")
        for index, (problem, _) in enumerate(ranked, start=1):
            issues += self.problem_lines(problem, index)
            if problem.code == "service" and "late_units" in self.charts:
                issues.append("[[chart:late_units]]")
        causes, remedies = self.causes_and_remedies(ranked)
        texts = [basics, issues, causes, remedies]
        return {
            "sections": [
                {"heading": heading_number(i + 1) + name, "text": "\n".join(lines), "draft": i >= 2}
                for i, (name, lines) in enumerate(zip(SECTIONS, texts, strict=True))
            ],
            "charts": self.charts,
            "tables": self.tables,
            "ranking": [p.code for p, _ in ranked],
        }


def describe(row: Any, unit_name: str) -> str:
    """An anonymised example from one record: what happened and where, never who (no
    numbers, names of people, contact details or complaint text)."""
    label = row._meta.label_lower
    if label == "cases.case":
        matter = row.matter.name
        if row.buck_passing:
            chain = [unit_name]
            for transfer in row.transfers.order_by("pk").select_related("to_unit"):
                chain.append(transfer.to_unit.short_name or transfer.to_unit.name)
            return f"某申请人办理“{matter}”，办件先后在{'、'.join(dict.fromkeys(chain))}之间转办"
        if row.forwarded_to_back_office:
            return f"{unit_name}进驻政务服务大厅，但“{matter}”窗口只收件，办件转后台审批"
        return f"{unit_name}办理的“{matter}”办件未在承诺时限内办结"
    if label == "cases.transfer":
        return f"{unit_name}将“{row.case.matter.name}”办件再次转出或退回"
    if label == "complaints.complaint":
        category = row.category.name if row.category_id else "作风"
        return f"群众反映{unit_name}“{category}”问题的一件诉求，目前{row.get_status_display()}"
    if label == "supervision.report":
        flags = [f.get_kind_display().split("：")[0] for f in row.flags.exclude(status="dismissed")]
        kinds = "、".join(dict.fromkeys(flags)) or "被退回"
        return f"{unit_name}报送的“{row.task.title}”进展被识别为{kinds}"
    if label == "supervision.task":
        return f"{unit_name}牵头的“{row.title}”督办任务超过完成时限仍未销号"
    return ""


def scope_units(scope: str, value: str) -> Scope:
    units = Unit.objects.filter(archived=False).order_by("sort_order", "pk")
    if scope == "kind":
        units = units.filter(kind=value)
        label = f"全区{dict(Unit.Kind.choices).get(value, value)}"
    elif scope == "unit":
        units = units.filter(pk=int(value))
        label = units[0].name if units else ""
    else:
        label = "全区各单位"
    return Scope(label, list(units.values_list("pk", flat=True)))


def draft(
    scope: Scope, start: dt.date, end: dt.date, now: dt.datetime
) -> tuple[dict[str, Any], list[FactSpec]]:
    """(content, facts) of a new draft: `end` exclusive."""
    drafter = Drafter(scope, start, end, now)
    content = drafter.build()
    return content, list(drafter.ledger.facts.values())


__all__ = ["CATEGORIES", "SECTIONS", "Scope", "draft", "scope_units"]
