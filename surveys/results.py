"""The results of a survey from its tallies (models.Tally), per question, for the results page
and its charts. A few hundred tally rows stand for any number of responses, so the page costs
the same at 100 answers and at 10,000; `recompute_tallies` rebuilds them from the responses
(the tests check the running counts against it)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Min, Sum

from complaints.defaults import CATEGORIES
from surveys.models import NumberStat, Survey, Tally, TextAnswer
from surveys.spec import FormSpec, Kind, QuestionSpec

TOTAL = "_total"
CATEGORY_NAMES = {code: name for code, name, _description, _days in CATEGORIES}
TEXTS_SHOWN = 8


@dataclass
class Row:
    label: str
    count: int
    share: float  # 0..100

    @property
    def width(self) -> int:
        return round(self.share)


@dataclass
class QuestionResult:
    question: QuestionSpec
    number: int
    answered: int = 0
    rows: list[Row] = field(default_factory=list)
    mean: float | None = None
    mean_note: str = ""
    # matrix: (row label, [counts per column], mean); ranking: (item, average position, n)
    matrix: list[tuple[str, list[int], float | None]] = field(default_factory=list)
    ranking: list[tuple[str, float, int]] = field(default_factory=list)
    stats: dict[str, float] = field(default_factory=dict)
    texts: list[TextAnswer] = field(default_factory=list)
    chart: dict[str, Any] | None = None

    @property
    def chart_id(self) -> str:
        return f"chart-{self.number}"


def _counts(survey: Survey, area: str) -> dict[str, dict[str, dict[str, int]]]:
    """question → part → value → count, summed over areas unless one is asked for."""
    rows = Tally.objects.filter(survey=survey)
    if area:
        rows = rows.filter(area=area)
    out: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for question, part, value, count in (
        rows.values_list("question", "part", "value").annotate(n=Sum("count")).order_by()
    ):
        out[question][part][value] = count
    return out


def _share(count: int, base: int) -> float:
    return round(100 * count / base, 1) if base else 0.0


def _choice_rows(q: QuestionSpec, counts: dict[str, int], base: int) -> list[Row]:
    return [
        Row(c.label, counts.get(c.name, 0), _share(counts.get(c.name, 0), base))
        for c in q.all_choices()
    ]


def _scale_mean(q: QuestionSpec, counts: dict[str, int]) -> float | None:
    """Mean position on the scale, 1 = first choice (a Likert scale's choices run low to high)."""
    index = {c.name: i for i, c in enumerate(q.choices, 1)}
    n = sum(counts.get(name, 0) for name in index)
    if not n:
        return None
    return round(sum(i * counts.get(name, 0) for name, i in index.items()) / n, 2)


def _bar(labels: list[str], values: list[int | float], name: str = "答卷数") -> dict[str, Any]:
    return {"type": "bar", "labels": labels, "series": [{"name": name, "data": values}]}


def question_results(
    survey: Survey, spec: FormSpec, *, area: str = "", texts: bool = True
) -> tuple[int, list[QuestionResult]]:
    """(number of responses, one result per answered question)."""
    counts = _counts(survey, area)
    numbers = (
        number_stats(survey, area)
        if any(q.kind in (Kind.INTEGER, Kind.DECIMAL) for q in spec.questions)
        else {}
    )
    total = counts.get(TOTAL, {}).get("", {}).get("", 0)
    results: list[QuestionResult] = []
    number = 0
    text_questions: list[QuestionResult] = []
    for q in spec.questions:
        if not q.is_answered:
            continue
        number += 1
        result = QuestionResult(q, number)
        parts = counts.get(q.name, {})
        plain = parts.get("", {})
        if q.kind in (Kind.SINGLE, Kind.LIKERT):
            result.answered = sum(plain.values())
            result.rows = _choice_rows(q, plain, result.answered)
            if q.kind == Kind.LIKERT:
                result.mean = _scale_mean(q, plain)
                result.mean_note = (
                    f"1 = {q.choices[0].label}，{len(q.choices)} = {q.choices[-1].label}"
                )
            result.chart = _bar([r.label for r in result.rows], [r.count for r in result.rows])
        elif q.kind == Kind.MULTIPLE:
            result.answered = parts.get("answered", {}).get("1", 0)
            result.rows = _choice_rows(q, plain, result.answered)
            result.chart = _bar([r.label for r in result.rows], [r.count for r in result.rows])
        elif q.kind == Kind.MATRIX:
            for row in q.rows:
                row_counts = parts.get(row.name, {})
                result.matrix.append(
                    (
                        row.label,
                        [row_counts.get(c.name, 0) for c in q.choices],
                        _scale_mean(q, row_counts),
                    )
                )
            result.answered = max((sum(cells) for _l, cells, _m in result.matrix), default=0)
            result.chart = {
                "type": "stack",
                "labels": [label for label, _c, _m in result.matrix],
                "series": [
                    {"name": c.label, "data": [cells[i] for _l, cells, _m in result.matrix]}
                    for i, c in enumerate(q.choices)
                ],
            }
        elif q.kind == Kind.RANKING:
            sums: Counter[str] = Counter()
            ns: Counter[str] = Counter()
            for part, values in parts.items():
                if not part.isdigit():
                    continue
                for item, count in values.items():
                    sums[item] += int(part) * count
                    ns[item] += count
            result.answered = sum(parts.get("1", {}).values())
            result.ranking = sorted(
                (
                    (
                        c.label,
                        round(sums[c.name] / ns[c.name], 2) if ns[c.name] else 0.0,
                        ns[c.name],
                    )
                    for c in q.choices
                ),
                key=lambda item: (item[2] == 0, item[1]),
            )
            result.chart = _bar(
                [label for label, _a, _n in result.ranking],
                [average for _l, average, _n in result.ranking],
                "平均名次",
            )
        elif q.kind in (Kind.INTEGER, Kind.DECIMAL):
            stats = dict(numbers.get(q.name, {"n": 0}))
            result.answered = int(stats.pop("n"))
            if result.answered:
                result.stats = stats
                histogram = sorted((int(v), c) for v, c in plain.items())
                # Only when every answer is in the histogram's range and the bars are few.
                if sum(c for _v, c in histogram) == result.answered and len(histogram) <= 30:
                    result.chart = _bar([str(v) for v, _c in histogram], [c for _v, c in histogram])
        elif q.kind == Kind.DATE:
            months: Counter[str] = Counter()
            for value, count in plain.items():
                months[value[:7]] += count
            result.answered = sum(months.values())
            result.rows = [Row(m, c, _share(c, result.answered)) for m, c in sorted(months.items())]
            result.chart = _bar([r.label for r in result.rows], [r.count for r in result.rows])
        elif q.kind == Kind.TEXT:
            by_category = parts.get("category", {})
            result.answered = sum(by_category.values())
            result.rows = [
                Row(
                    CATEGORY_NAMES.get(code, code),
                    by_category.get(code, 0),
                    _share(by_category.get(code, 0), result.answered),
                )
                for code in CATEGORY_NAMES
                if by_category.get(code)
            ]
            result.chart = _bar([r.label for r in result.rows], [r.count for r in result.rows])
            text_questions.append(result)
        results.append(result)
    if texts:
        for result in text_questions:
            rows = TextAnswer.objects.filter(survey=survey, question=result.question.name)
            if area:
                rows = rows.filter(area=area)
            result.texts = list(rows.order_by("-day", "id")[:TEXTS_SHOWN])
    return total, results


def number_stats(survey: Survey, area: str = "") -> dict[str, dict[str, float]]:
    """Count, mean, min and max of every number question, from models.NumberStat."""
    rows = NumberStat.objects.filter(survey=survey)
    if area:
        rows = rows.filter(area=area)
    out: dict[str, dict[str, float]] = {}
    for question, n, total, low, high in (
        rows.values_list("question")
        .annotate(Sum("n"), Sum("total"), Min("low"), Max("high"))
        .order_by()
    ):
        if n:
            out[question] = {
                "n": n,
                "平均": round(total / n, 2),
                "最小": round(low, 2),
                "最大": round(high, 2),
            }
    return out


def recompute_number_stats(
    survey: Survey, spec: FormSpec
) -> dict[tuple[str, str], tuple[int, float, float, float]]:
    from surveys.actions import fold_numbers, number_values

    stats: dict[tuple[str, str], tuple[int, float, float, float]] = {}
    for response in survey.responses.all().iterator():
        fold_numbers(stats, number_values(spec, response.answers), response.area)
    return stats


def stored_number_stats(survey: Survey) -> dict[tuple[str, str], tuple[int, float, float, float]]:
    return {
        (s.question, s.area): (s.n, s.total, s.low, s.high)
        for s in NumberStat.objects.filter(survey=survey)
    }


def charts_json(results: list[QuestionResult]) -> dict[str, Any]:
    return {r.chart_id: r.chart for r in results if r.chart}


def recompute_tallies(survey: Survey, spec: FormSpec) -> Counter[tuple[str, str, str, str]]:
    """The tallies counted afresh from the stored responses and text answers (for checks)."""
    from surveys.actions import tally_keys

    counts: Counter[tuple[str, str, str, str]] = Counter()
    for response in survey.responses.all().iterator():
        for question, part, value in tally_keys(spec, response.answers):
            counts[(question, part, value, response.area)] += 1
    for text in survey.text_answers.all().iterator():
        counts[(text.question, "category", text.category, text.area)] += 1
    return counts


def stored_tallies(survey: Survey) -> Counter[tuple[str, str, str, str]]:
    return Counter(
        {
            (t.question, t.part, t.value, t.area): t.count
            for t in Tally.objects.filter(survey=survey)
            if t.count
        }
    )
