"""Every state change of a survey, on the kernel's one path.

The office (`office` access area): `create_survey`, `update_survey`, `save_question`,
`delete_question`, `move_question`, `set_definition` (import), `set_quota`, `delete_quota`
— all on a draft only, since the questions freeze when the survey opens — then
`open_survey`, `close_survey` and `issue_tokens`.

Anyone (no login): `submit_response`. It writes NO audit event: an event carries a time and
an object id, which is exactly what anonymity forbids (a token's use and a response's key
at the same instant). What it writes is the response (random key, day, area, answers), the
token's `used` flag, quota places and tallies, all in one transaction and none naming another.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from surveys.answering import Answers, clean_answers
from surveys.models import (
    NumberStat,
    Quota,
    Response,
    Survey,
    Tally,
    TextAnswer,
    Token,
    TokenBatch,
    new_code,
)
from surveys.spec import FormSpec, Kind, QuestionSpec, SpecError
from zuofeng.access import may
from zuofeng.transitions import Conflict, record_created, transition
from zuofeng.workdays.calendar import local_date

MAX_TOKENS_PER_BATCH = 2000
TOTAL = "_total"
HISTOGRAM_MAX = 100
DETAIL_FIELDS = ["title", "description", "audience", "allow_link", "allow_tokens"]
STATUS_FIELDS = ["status", "opened_at", "closed_at"]
DRAFT_ONLY = [Survey.Status.DRAFT]
USED_TOKEN = "该答题码已经使用过，每个答题码只能提交一次答卷。如有疑问，请联系发放问卷的工作人员。"
WRONG_TOKEN = "答题码不正确，请核对答题纸上的答题码后重新输入。"


class Refused(Exception):
    """An answer sheet that cannot be taken; the message is for the respondent."""


class AnswerErrors(Exception):
    def __init__(self, errors: dict[str, str], answers: Answers) -> None:
        super().__init__("；".join(errors.values()))
        self.errors = errors
        self.answers = answers


@contextmanager
def _step(survey: Survey, *, actor: Any, **kwargs: Any) -> Iterator[Any]:
    """The kernel's transition, inside its own savepoint: an action that refuses (a
    ValidationError from inside the block) rolls back only itself, so the page that called it
    can still read the database to show the errors."""
    with (
        transaction.atomic(),
        transition(survey, actor=actor, permit=_office(actor), **kwargs) as change,
    ):
        yield change


def _office(actor: Any) -> Any:
    def permit(_survey: Any) -> None:
        if not may(actor, "office"):
            raise PermissionDenied("只有督查室可以管理调研问卷")

    return permit


def spec_of(survey: Survey) -> FormSpec:
    if not survey.definition:
        return FormSpec(title=survey.title, form_id=f"survey_{survey.pk or 'new'}")
    return FormSpec.from_json(survey.definition, check=False)


def _spec_errors(spec: FormSpec) -> None:
    problems = spec.errors()
    if problems:
        raise ValidationError({"问卷定义": problems})


# -- the office's builder ---------------------------------------------------------------------


def create_survey(
    *,
    actor: Any,
    title: str,
    description: str = "",
    audience: str = Survey.Audience.RESIDENTS,
    allow_link: bool = True,
    allow_tokens: bool = False,
    spec: FormSpec | None = None,
) -> Survey:
    _office(actor)(None)
    title = title.strip()
    if not title:
        raise ValidationError({"问卷标题": "必须填写问卷标题"})
    with transaction.atomic():
        survey = Survey.objects.create(
            title=title,
            description=description.strip(),
            audience=audience,
            allow_link=allow_link,
            allow_tokens=allow_tokens,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if spec is None:
            spec = FormSpec(title=title, form_id=f"survey_{survey.pk}", version="1")
        else:
            spec.title = title
            _spec_errors(spec)
        survey.definition = spec.to_json()
        survey.area_question = _area_question(spec)
        survey.save(update_fields=["definition", "area_question"])
        record_created(survey, actor=actor, action="surveys.create_survey", fields=DETAIL_FIELDS)
    return survey


def update_survey(survey: Survey, *, actor: Any, **details: Any) -> Survey:
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    if "title" in details and not str(details["title"]).strip():
        raise ValidationError({"问卷标题": "必须填写问卷标题"})
    with _step(
        survey,
        actor=actor,
        action="surveys.update_survey",
        fields=DETAIL_FIELDS,
        allowed=DRAFT_ONLY,
        doing="修改",
    ) as change:
        locked = change.obj
        for name, value in details.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        spec = spec_of(locked)
        spec.title = locked.title
        locked.definition = spec.to_json()
        locked.save()
    return locked


AREA_NAMES = ("area", "district_area", "所在区域")


def _area_question(spec: FormSpec) -> str:
    """The single-choice question named like an area question (the builder's 所在乡镇/街道
    question is named `area`): its answer filters the results."""
    for q in spec.questions:
        if q.name in AREA_NAMES and q.kind == Kind.SINGLE:
            return q.name
    return ""


def _edit_spec(survey: Survey, *, actor: Any, action: str, edit: Any) -> Survey:
    with _step(
        survey,
        actor=actor,
        action=action,
        fields=["definition"],
        allowed=DRAFT_ONLY,
        doing="修改题目（问卷开始收集后题目即冻结）",
    ) as change:
        locked = change.obj
        spec = spec_of(locked)
        edit(spec)
        _spec_errors(spec)
        locked.definition = spec.to_json()
        locked.area_question = _area_question(spec)
        # A quota on a question or choice that no longer exists would refuse answers forever.
        live = {(q.name, c.name) for q in spec.questions for c in q.all_choices()}
        for quota in locked.quotas.all():
            if (quota.question, quota.choice) not in live:
                quota.delete()
        locked.save(update_fields=["definition", "area_question"])
    return locked


def save_question(
    survey: Survey, question: QuestionSpec, *, actor: Any, replacing: str | None = None
) -> Survey:
    """Add a question at the end, or replace the question named `replacing` in place."""

    def edit(spec: FormSpec) -> None:
        if replacing is None:
            spec.questions.append(question)
            return
        for index, existing in enumerate(spec.questions):
            if existing.name == replacing:
                spec.questions[index] = question
                return
        raise Conflict("要修改的题目已不存在，请刷新页面。")

    return _edit_spec(survey, actor=actor, action="surveys.save_question", edit=edit)


def delete_question(survey: Survey, name: str, *, actor: Any) -> Survey:
    def edit(spec: FormSpec) -> None:
        spec.questions = [q for q in spec.questions if q.name != name]

    return _edit_spec(survey, actor=actor, action="surveys.delete_question", edit=edit)


def move_question(survey: Survey, name: str, offset: int, *, actor: Any) -> Survey:
    def edit(spec: FormSpec) -> None:
        names = [q.name for q in spec.questions]
        if name not in names:
            raise Conflict("要移动的题目已不存在，请刷新页面。")
        index = names.index(name)
        target = max(0, min(len(names) - 1, index + offset))
        question = spec.questions.pop(index)
        spec.questions.insert(target, question)

    return _edit_spec(survey, actor=actor, action="surveys.move_question", edit=edit)


def set_definition(survey: Survey, spec: FormSpec, *, actor: Any) -> Survey:
    """Replace every question (an imported XLSForm); the survey keeps its own title."""

    def edit(current: FormSpec) -> None:
        current.questions = spec.questions
        current.version = spec.version or current.version

    return _edit_spec(survey, actor=actor, action="surveys.set_definition", edit=edit)


def set_quota(
    survey: Survey, *, actor: Any, question: str, choice: str, cap: int, message: str = ""
) -> Quota:
    if cap < 1:
        raise ValidationError({"上限": "上限至少为 1"})
    with _step(
        survey,
        actor=actor,
        action="surveys.set_quota",
        fields=["definition"],
        allowed=DRAFT_ONLY,
        doing="设置配额",
        reason=f"{question}={choice} 上限 {cap}",
    ) as change:
        spec = spec_of(change.obj)
        try:
            q = spec.question(question)
        except KeyError:
            raise ValidationError({"题目": "请选择问卷中的题目"}) from None
        if q.kind not in (Kind.SINGLE, Kind.MULTIPLE, Kind.LIKERT):
            raise ValidationError({"题目": "只有单选、多选和量表题可以设置配额"})
        if choice not in {c.name for c in q.all_choices()}:
            raise ValidationError({"选项": "请选择该题的一个选项"})
        quota, _ = Quota.objects.update_or_create(
            survey=change.obj,
            question=question,
            choice=choice,
            defaults={"cap": cap, "message": message.strip()},
        )
    return quota


def delete_quota(survey: Survey, quota_id: int, *, actor: Any) -> None:
    with _step(
        survey,
        actor=actor,
        action="surveys.delete_quota",
        fields=["definition"],
        allowed=DRAFT_ONLY,
        doing="删除配额",
    ) as change:
        Quota.objects.filter(survey=change.obj, pk=quota_id).delete()


def open_survey(survey: Survey, *, actor: Any) -> Survey:
    with _step(
        survey,
        actor=actor,
        action="surveys.open_survey",
        fields=STATUS_FIELDS,
        allowed=DRAFT_ONLY,
        doing="开始收集",
    ) as change:
        locked = change.obj
        spec = spec_of(locked)
        if not any(q.is_answered for q in spec.questions):
            raise ValidationError({"问卷定义": "问卷还没有题目，不能开始收集"})
        _spec_errors(spec)
        if not (locked.allow_link or locked.allow_tokens):
            raise ValidationError({"发放方式": "请至少选择一种发放方式（公开链接或一次性答题码）"})
        locked.status = Survey.Status.OPEN
        locked.opened_at = timezone.now()
        locked.save(update_fields=STATUS_FIELDS)
    return locked


def close_survey(survey: Survey, *, actor: Any) -> Survey:
    with _step(
        survey,
        actor=actor,
        action="surveys.close_survey",
        fields=STATUS_FIELDS,
        allowed=[Survey.Status.OPEN],
        doing="结束收集",
    ) as change:
        locked = change.obj
        locked.status = Survey.Status.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=STATUS_FIELDS)
    return locked


def issue_tokens(survey: Survey, *, actor: Any, size: int, label: str = "") -> TokenBatch:
    """A batch of one-time codes to print (draft or open surveys)."""
    if not 1 <= size <= MAX_TOKENS_PER_BATCH:
        raise ValidationError({"份数": f"每批可生成 1 至 {MAX_TOKENS_PER_BATCH} 份"})
    with _step(
        survey,
        actor=actor,
        action="surveys.issue_tokens",
        fields=["allow_tokens"],
        allowed=[Survey.Status.DRAFT, Survey.Status.OPEN],
        doing="生成答题码",
        reason=f"{label.strip() or '答题码'} {size} 份",
    ) as change:
        locked = change.obj
        if not locked.allow_tokens:
            locked.allow_tokens = True
            locked.save(update_fields=["allow_tokens"])
        batch = TokenBatch.objects.create(survey=locked, label=label.strip(), size=size)
        codes: set[str] = set()
        while len(codes) < size:
            codes.add(new_code())
        taken = set(Token.objects.filter(code__in=codes).values_list("code", flat=True))
        codes -= taken
        while len(codes) < size:
            code = new_code()
            if not Token.objects.filter(code=code).exists():
                codes.add(code)
        Token.objects.bulk_create(
            [Token(batch=batch, survey=locked, code=code) for code in sorted(codes)]
        )
    return batch


# -- answering ----------------------------------------------------------------------------------


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def tally_keys(spec: FormSpec, answers: Answers) -> list[tuple[str, str, str]]:
    """The (question, part, value) tallies one answer sheet adds to (see models.Tally)."""
    keys: list[tuple[str, str, str]] = [(TOTAL, "", "")]
    for q in spec.questions:
        if q.kind == Kind.MATRIX:
            keys.extend(
                (q.name, row.name, answers[row.name]) for row in q.rows if row.name in answers
            )
            continue
        value = answers.get(q.name)
        if value in (None, "", []) or q.kind == Kind.TEXT:
            continue
        if q.kind == Kind.MULTIPLE:
            keys.append((q.name, "answered", "1"))
            keys.extend((q.name, "", v) for v in value)
        elif q.kind == Kind.RANKING:
            keys.extend((q.name, str(position), item) for position, item in enumerate(value, 1))
        elif q.kind == Kind.DATE:
            keys.append((q.name, "", str(value)[:7]))  # by month: what the results show
        elif q.kind in (Kind.INTEGER, Kind.DECIMAL):
            # Small whole numbers only (counts, ages, scores): the histogram. Any number could
            # make a row per distinct value (an amount, an id); the statistics come from the
            # count, sum, minimum and maximum (models.NumberStat, add_number_stats).
            if float(value).is_integer() and 0 <= value <= HISTOGRAM_MAX:
                keys.append((q.name, "", str(int(value))))
        else:
            keys.append((q.name, "", str(value)[:64]))
    return keys


def add_tallies(survey_id: int, counts: Counter[tuple[str, str, str, str]]) -> None:
    """Add to the tallies with one upsert, rows in key order (two concurrent answers lock the
    rows they share in the same order, so they queue instead of deadlocking)."""
    if not counts:
        return
    table = Tally._meta.db_table
    rows = sorted(counts.items())
    values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
    params: list[Any] = []
    for (question, part, value, area), count in rows:
        params.extend([survey_id, question, part, value, area, count])
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} (survey_id, question, part, value, area, "count") '
            f"VALUES {values} ON CONFLICT (survey_id, question, part, value, area) "
            f'DO UPDATE SET "count" = {table}."count" + excluded."count"',
            params,
        )


def number_values(spec: FormSpec, answers: Answers) -> list[tuple[str, float]]:
    """The number questions' answers of one sheet (for models.NumberStat)."""
    return [
        (q.name, float(answers[q.name]))
        for q in spec.questions
        if q.kind in (Kind.INTEGER, Kind.DECIMAL) and answers.get(q.name) is not None
    ]


def add_number_stats(
    survey_id: int, stats: dict[tuple[str, str], tuple[int, float, float, float]]
) -> None:
    """Add (n, total, low, high) per (question, area) with one upsert, rows in key order."""
    if not stats:
        return
    table = NumberStat._meta.db_table
    smaller, larger = ("LEAST", "GREATEST") if connection.vendor == "postgresql" else ("MIN", "MAX")
    rows = sorted(stats.items())
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    params: list[Any] = []
    for (question, area), (n, total, low, high) in rows:
        params.extend([survey_id, question, area, n, total, low, high])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (survey_id, question, area, n, total, low, high) "
            f"VALUES {values} ON CONFLICT (survey_id, question, area) DO UPDATE SET "
            f"n = {table}.n + excluded.n, total = {table}.total + excluded.total, "
            f"low = {smaller}({table}.low, excluded.low), "
            f"high = {larger}({table}.high, excluded.high)",
            params,
        )


def fold_numbers(
    stats: dict[tuple[str, str], tuple[int, float, float, float]],
    values: list[tuple[str, float]],
    area: str,
) -> None:
    for question, value in values:
        n, total, low, high = stats.get((question, area), (0, 0.0, value, value))
        stats[(question, area)] = (n + 1, total + value, min(low, value), max(high, value))


def _claim_quotas(survey: Survey, answers: Answers) -> None:
    for quota in survey.quotas.order_by("pk"):
        value = answers.get(quota.question)
        chosen = quota.choice in value if isinstance(value, list) else value == quota.choice
        if not chosen:
            continue
        # Conditional UPDATE: of two answers racing for the last place only one matches.
        claimed = Quota.objects.filter(pk=quota.pk, filled__lt=F("cap")).update(
            filled=F("filled") + 1
        )
        if not claimed:
            raise Refused(quota.full_message())


def _redeem(survey: Survey, code: str) -> None:
    code = normalise_code(code)
    if not survey.allow_tokens:
        raise Refused("本问卷不使用答题码，请直接作答。")
    # The conditional UPDATE is the "one token, one answer" rule: the row matches only while
    # unused, and PostgreSQL re-checks the condition after waiting for a concurrent
    # redemption's lock, so the second of two at once updates nothing.
    if Token.objects.filter(survey=survey, code=code, used=False).update(used=True):
        return
    if Token.objects.filter(survey=survey, code=code).exists():
        raise Refused(
            "该答题码已经使用过，每个答题码只能提交一次答卷。如有疑问，请联系发放问卷的工作人员。"
        )
    raise Refused(WRONG_TOKEN)


def check_token(survey: Survey, code: str) -> None:
    """Refuse a code that cannot be used before the respondent fills in the sheet."""
    code = normalise_code(code)
    token = Token.objects.filter(survey=survey, code=code).values_list("used", flat=True).first()
    if token is None:
        raise Refused(WRONG_TOKEN)
    if token:
        raise Refused(
            "该答题码已经使用过，每个答题码只能提交一次答卷。如有疑问，请联系发放问卷的工作人员。"
        )


def submit_response(
    survey: Survey,
    data: Any,
    *,
    token: str = "",
    today: dt.date | None = None,
    spec: FormSpec | None = None,
) -> Response:
    """Take one answer sheet: validate it (AnswerErrors), then in one transaction redeem the
    token, claim quota places, store the response and add to the tallies (Refused if the survey
    is not open, the token is unusable or a quota is full; nothing is kept then)."""
    if survey.status != Survey.Status.OPEN:
        raise Refused("本问卷不在收集期内，感谢您的关注。")
    if not token and not survey.allow_link:
        raise Refused("本问卷凭答题码作答，请输入答题纸上的答题码。")
    spec = spec or spec_of(survey)
    answers, errors = clean_answers(spec, data)
    if errors:
        raise AnswerErrors(errors, answers)
    day = today or local_date(timezone.now())
    area = str(answers.get(survey.area_question, "")) if survey.area_question else ""
    texts = [
        (q.name, answers[q.name])
        for q in spec.questions
        if q.kind == Kind.TEXT and answers.get(q.name)
    ]
    predictions = []
    if texts:
        from complaints.classifier import classify_many

        predictions = classify_many([text for _name, text in texts])
    counts: Counter[tuple[str, str, str, str]] = Counter(
        (question, part, value, area) for question, part, value in tally_keys(spec, answers)
    )
    for (name, _text), prediction in zip(texts, predictions, strict=True):
        counts[(name, "category", prediction.category, area)] += 1
    with transaction.atomic():
        if token:
            _redeem(survey, token)
        if survey.quotas.exists():
            _claim_quotas(survey, answers)
        response = Response.objects.create(survey=survey, day=day, area=area, answers=answers)
        if texts:
            TextAnswer.objects.bulk_create(
                [
                    TextAnswer(
                        survey=survey,
                        question=name,
                        text=text,
                        day=day,
                        area=area,
                        category=p.category,
                        confidence=p.confidence,
                        words=list(p.words)[:8],
                    )
                    for (name, text), p in zip(texts, predictions, strict=True)
                ]
            )
        add_tallies(survey.pk, counts)
        numbers: dict[tuple[str, str], tuple[int, float, float, float]] = {}
        fold_numbers(numbers, number_values(spec, answers), area)
        add_number_stats(survey.pk, numbers)
    return response


__all__ = [
    "AnswerErrors",
    "Refused",
    "SpecError",
    "check_token",
    "close_survey",
    "create_survey",
    "delete_question",
    "delete_quota",
    "issue_tokens",
    "move_question",
    "open_survey",
    "save_question",
    "set_definition",
    "set_quota",
    "submit_response",
    "update_survey",
]
