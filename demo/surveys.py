"""Demo step for 调研问卷: two surveys with a few thousand anonymous answers.

- 政务服务大厅群众满意度调查 (residents, open link and QR poster): ~2,400 answers over the
  60 days before the anchor, with skip logic (only those who went to the hall rate it), a
  matrix, a ranking, "other" texts and free-text advice the complaint classifier sorts into
  the work-style categories. Two townships fare worse, so the area filter shows a difference.
- 营商环境企业问卷 (enterprises, one-time token sheets only): three printed batches for
  enterprise forums, about 70 % of the codes used, a quota on large enterprises.

The surveys, questions, quota, opening and token batches go through `surveys.actions` (so the
audit chain explains them); the answers are bulk-loaded like the other histories (demo/bulk.py:
rows in memory, one audit event per batch), with the tallies the results page reads counted
from the same rows. Answers carry a day only and random keys, as the answering path writes
them; the used tokens are a random sample marked used, with nothing linking them to answers.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter
from typing import Any

from django.contrib.auth.models import User
from django.db import connection

from complaints.classifier import classify_many
from demo import data
from demo.bulk import Row, write_batch
from org.models import Unit
from org.roles import Role
from surveys import actions
from surveys.models import Quota, Response, Survey, TextAnswer, Token
from surveys.spec import ChoiceSpec, FormSpec, QuestionSpec

HALL_ANSWERS = 2400
ENTERPRISE_TOKENS = (
    ("青石镇企业座谈会", 400),
    ("城关街道个体户座谈会", 400),
    ("工业园区入企走访", 400),
)
ENTERPRISE_USED_SHARE = 0.7
LARGE_ENTERPRISE_CAP = 150
DAYS = 60

SCALE = [
    ChoiceSpec(str(n), label)
    for n, label in enumerate(["很不满意", "不满意", "一般", "满意", "很满意"], 1)
]
ADVICE = {
    "service": [
        "窗口工作人员态度冷淡，问两句就不耐烦",
        "排队等了一个多小时，窗口只开了两个",
        "材料反复让补，多跑了好几趟才办成",
        "希望午休时间也能有窗口办理",
    ],
    "mindset": [
        "几个部门互相推诿，谁都说不归自己管",
        "遇到政策没写清楚的情况就让等上级文件",
    ],
    "bureaucratism": ["办一个证要盖好多章，层层审批太繁琐", "领导不在就没人签字，只能改天再来"],
    "formalism": ["大厅墙上制度很多，实际没人照着做", "满意度评价让我们当场点满意"],
    "integrity": ["有人暗示找关系可以快点办"],
    "other": ["停车位太少，找车位比办事还难", "自助终端经常坏", "大厅指示牌不清楚"],
}
GOOD_ADVICE = ["整体不错，工作人员很耐心", "网上办很方便，不用跑腿了", "比以前快多了，点赞"]
OTHER_CHANNELS = ["听朋友说的", "社区网格员通知", "看到宣传单"]
ENTERPRISE_ADVICE = [
    "同一件事几个部门轮流来检查，影响正常生产",
    "惠企政策申报材料太多，兑现周期太长",
    "审批提速明显，希望继续保持",
    "融资难，希望多组织银企对接",
    "招投标中存在地方保护，外地企业难进入",
    "部门办事人员态度好，解答清楚",
]


def _areas() -> list[ChoiceSpec]:
    units = Unit.objects.active().filter(kind__in=[Unit.Kind.TOWNSHIP, Unit.Kind.STREET])
    return [ChoiceSpec(u.code, u.short_name or u.name) for u in units.order_by("code")]


def _office() -> User | None:
    return (
        User.objects.filter(staff__unit__code=data.SUPERVISION.code, groups__name=Role.SUPERVISOR)
        .order_by("pk")
        .first()
    )


def hall_spec(areas: list[ChoiceSpec]) -> FormSpec:
    went = "${visited} = 'yes'"
    return FormSpec(
        title="政务服务大厅群众满意度调查",
        form_id="hall_satisfaction",
        version="1",
        questions=[
            QuestionSpec(
                "area",
                "single",
                "您所在的乡镇（街道）",
                required=True,
                choices=areas,
                appearance="minimal",
            ),
            QuestionSpec(
                "visited",
                "single",
                "近一年您是否到区政务服务大厅办过事？",
                required=True,
                choices=[ChoiceSpec("yes", "是"), ChoiceSpec("no", "否")],
            ),
            QuestionSpec(
                "matter",
                "single",
                "您主要办理的是哪类事项？",
                relevant=went,
                choices=[
                    ChoiceSpec("social", "社保医保"),
                    ChoiceSpec("household", "户籍证照"),
                    ChoiceSpec("business", "企业开办"),
                    ChoiceSpec("property", "不动产登记"),
                ],
                other=True,
            ),
            QuestionSpec(
                "satisfaction",
                "likert",
                "您对大厅服务的总体满意度",
                required=True,
                relevant=went,
                choices=SCALE,
            ),
            QuestionSpec(
                "aspects",
                "matrix",
                "请对以下方面打分",
                relevant=went,
                choices=SCALE,
                rows=[
                    ChoiceSpec("aspect_wait", "等候时间"),
                    ChoiceSpec("aspect_attitude", "工作人员态度"),
                    ChoiceSpec("aspect_once", "一次办成"),
                    ChoiceSpec("aspect_guide", "办事指南清楚"),
                ],
            ),
            QuestionSpec(
                "trips",
                "integer",
                "为办成这件事，您一共跑了几次？",
                relevant=went,
                constraint=". >= 1 and . <= 20",
                constraint_message="请填写 1 到 20 之间的次数",
            ),
            QuestionSpec(
                "channels",
                "multiple",
                "您通过哪些渠道办理或了解政务服务？",
                choices=[
                    ChoiceSpec("hall", "大厅窗口"),
                    ChoiceSpec("web", "网上办"),
                    ChoiceSpec("app", "掌上办"),
                    ChoiceSpec("kiosk", "自助终端"),
                ],
                other=True,
            ),
            QuestionSpec(
                "problems",
                "multiple",
                "您遇到过以下哪些情况？",
                choices=[
                    ChoiceSpec("buck", "推诿扯皮"),
                    ChoiceSpec("cold", "态度冷漠"),
                    ChoiceSpec("trips", "多头跑、反复跑"),
                    ChoiceSpec("favour", "吃拿卡要"),
                    ChoiceSpec("none", "都没有遇到"),
                ],
            ),
            QuestionSpec(
                "priorities",
                "ranking",
                "您最希望改进的方面（请排序）",
                choices=[
                    ChoiceSpec("fewer_trips", "减少跑腿"),
                    ChoiceSpec("shorter_wait", "缩短等候"),
                    ChoiceSpec("attitude", "改善态度"),
                    ChoiceSpec("online", "更多事项网上可办"),
                ],
            ),
            QuestionSpec("advice", "text", "您对改进机关作风和政务服务有什么意见建议？"),
            QuestionSpec(
                "age",
                "single",
                "您的年龄段",
                choices=[
                    ChoiceSpec("young", "18至35岁"),
                    ChoiceSpec("middle", "36至59岁"),
                    ChoiceSpec("senior", "60岁及以上"),
                ],
            ),
        ],
    )


def enterprise_spec(areas: list[ChoiceSpec]) -> FormSpec:
    return FormSpec(
        title="营商环境企业问卷",
        form_id="business_environment",
        version="1",
        questions=[
            QuestionSpec(
                "area",
                "single",
                "企业所在乡镇（街道）",
                required=True,
                choices=areas,
                appearance="minimal",
            ),
            QuestionSpec(
                "kind",
                "single",
                "企业类型",
                required=True,
                choices=[
                    ChoiceSpec("individual", "个体工商户"),
                    ChoiceSpec("small", "小微企业"),
                    ChoiceSpec("large", "规模以上企业"),
                ],
            ),
            QuestionSpec(
                "overall", "likert", "您对本区营商环境的总体评价", required=True, choices=SCALE
            ),
            QuestionSpec(
                "environment",
                "matrix",
                "请评价以下方面",
                choices=SCALE,
                rows=[
                    ChoiceSpec("env_approval", "审批效率"),
                    ChoiceSpec("env_policy", "惠企政策兑现"),
                    ChoiceSpec("env_inspection", "涉企检查规范"),
                    ChoiceSpec("env_finance", "融资支持"),
                    ChoiceSpec("env_fair", "公平竞争"),
                ],
            ),
            QuestionSpec(
                "inspections",
                "integer",
                "今年以来企业接受各类检查的次数",
                constraint=". >= 0 and . <= 200",
                constraint_message="请填写 0 到 200 之间的次数",
            ),
            QuestionSpec(
                "burdens",
                "multiple",
                "企业遇到的主要负担",
                choices=[
                    ChoiceSpec("repeat", "重复检查"),
                    ChoiceSpec("fees", "不合理收费"),
                    ChoiceSpec("policy", "政策难兑现"),
                    ChoiceSpec("slow", "审批慢"),
                ],
                other=True,
            ),
            QuestionSpec("last_visit", "date", "最近一次到政府部门办事的日期"),
            QuestionSpec("suggestion", "text", "对优化营商环境的意见建议"),
        ],
    )


def _scale(rng: random.Random, mood: float) -> str:
    """A 1-5 answer around `mood` (1 = bad, 5 = good)."""
    return str(max(1, min(5, round(rng.gauss(mood, 0.9)))))


def _hall_answers(rng: random.Random, areas: list[str], poor: set[str]) -> dict[str, Any]:
    area = rng.choice(areas)
    mood = 2.8 if area in poor else 3.9
    answers: dict[str, Any] = {"area": area, "visited": "yes" if rng.random() < 0.78 else "no"}
    if answers["visited"] == "yes":
        answers["matter"] = rng.choices(
            ["social", "household", "business", "property", "other"], [5, 4, 2, 3, 1]
        )[0]
        if answers["matter"] == "other":
            answers["matter_other"] = rng.choice(["公积金提取", "残疾人证办理", "老年卡"])
        answers["satisfaction"] = _scale(rng, mood)
        for row, shift in (
            ("aspect_wait", -0.6),
            ("aspect_attitude", 0.1),
            ("aspect_once", -0.3),
            ("aspect_guide", 0.2),
        ):
            if rng.random() < 0.95:
                answers[row] = _scale(rng, mood + shift)
        answers["trips"] = max(
            1, min(20, round(rng.expovariate(1 / (2.6 if area in poor else 1.5))))
        )
    channels = [c for c in ("hall", "web", "app", "kiosk") if rng.random() < 0.4]
    if rng.random() < 0.06:
        channels.append("other")
        answers["channels_other"] = rng.choice(OTHER_CHANNELS)
    if channels:
        answers["channels"] = channels
    bad = [
        p
        for p, share in (("buck", 0.12), ("cold", 0.18), ("trips", 0.25), ("favour", 0.02))
        if rng.random() < share * (1.6 if area in poor else 1)
    ]
    answers["problems"] = bad or ["none"]
    order = ["fewer_trips", "shorter_wait", "attitude", "online"]
    rng.shuffle(order)
    if rng.random() < 0.4:  # many put fewer trips first
        order.remove("fewer_trips")
        order.insert(0, "fewer_trips")
    answers["priorities"] = order
    if rng.random() < 0.4:
        if float(answers.get("satisfaction", "3")) >= 4 and rng.random() < 0.5:
            answers["advice"] = rng.choice(GOOD_ADVICE)
        else:
            category = rng.choices(list(ADVICE), [6, 2, 2, 1, 0.3, 3])[0]
            answers["advice"] = rng.choice(ADVICE[category])
    if rng.random() < 0.9:
        answers["age"] = rng.choices(["young", "middle", "senior"], [3, 4, 2])[0]
    return answers


def _enterprise_answers(
    rng: random.Random, areas: list[str], large_left: list[int], anchor: dt.date
) -> dict[str, Any]:
    area = rng.choice(areas)
    kind = rng.choices(["individual", "small", "large"], [5, 4, 1.5])[0]
    if kind == "large":
        if large_left[0] <= 0:
            kind = "small"
        else:
            large_left[0] -= 1
    mood = 3.5 if kind != "large" else 3.8
    answers: dict[str, Any] = {"area": area, "kind": kind, "overall": _scale(rng, mood)}
    for row, shift in (
        ("env_approval", 0.3),
        ("env_policy", -0.7),
        ("env_inspection", -0.4),
        ("env_finance", -0.8),
        ("env_fair", -0.1),
    ):
        answers[row] = _scale(rng, mood + shift)
    answers["inspections"] = min(200, round(rng.expovariate(1 / (6 if kind == "large" else 2.5))))
    burdens = [
        b
        for b, share in (("repeat", 0.3), ("fees", 0.1), ("policy", 0.35), ("slow", 0.2))
        if rng.random() < share
    ]
    if rng.random() < 0.05:
        burdens.append("other")
        answers["burdens_other"] = rng.choice(["用工难", "用地指标紧张"])
    if burdens:
        answers["burdens"] = burdens
    if rng.random() < 0.8:
        answers["last_visit"] = (anchor - dt.timedelta(days=rng.randint(1, 200))).isoformat()
    if rng.random() < 0.45:
        answers["suggestion"] = rng.choice(ENTERPRISE_ADVICE)
    return answers


def _load(
    rng: random.Random, survey: Survey, spec: FormSpec, sheets: list[tuple[dt.date, dict[str, Any]]]
) -> dict[str, int]:
    """Insert the answers, their classified texts and their tallies (one audit event)."""
    sqlite = connection.vendor == "sqlite"
    text_names = [q.name for q in spec.questions if q.kind == "text"]
    texts = [
        (day, answers, name) for day, answers in sheets for name in text_names if answers.get(name)
    ]
    predictions = classify_many([answers[name] for _day, answers, name in texts])
    counts: Counter[tuple[str, str, str, str]] = Counter()
    numbers: dict[tuple[str, str], tuple[int, float, float, float]] = {}
    responses = []
    for day, answers in sheets:
        area = str(answers.get(survey.area_question, ""))
        key = uuid.UUID(int=rng.getrandbits(128), version=4)
        responses.append(
            Row(
                id=key.hex if sqlite else key,
                survey_id=survey.pk,
                day=day,
                area=area,
                answers=answers,
            )
        )
        for question, part, value in actions.tally_keys(spec, answers):
            counts[(question, part, value, area)] += 1
        actions.fold_numbers(numbers, actions.number_values(spec, answers), area)
    text_rows = []
    for (day, answers, name), p in zip(texts, predictions, strict=True):
        area = str(answers.get(survey.area_question, ""))
        key = uuid.UUID(int=rng.getrandbits(128), version=4)
        text_rows.append(
            Row(
                id=key.hex if sqlite else key,
                survey_id=survey.pk,
                question=name,
                text=answers[name],
                day=day,
                area=area,
                category=p.category,
                confidence=p.confidence,
                words=list(p.words)[:8],
            )
        )
        counts[(name, "category", p.category, area)] += 1
    written = write_batch(
        {"responses": (Response, responses), "text_answers": (TextAnswer, text_rows)},
        action="demo.load_survey_answers",
        object_type="surveys.survey",
        object_id=str(survey.pk),
        object_label=survey.title,
        reason="演示数据：匿名答卷批量载入",
    )
    actions.add_tallies(survey.pk, counts)
    actions.add_number_stats(survey.pk, numbers)
    return written


def _open_since(survey: Survey, actor: User, opened: dt.datetime) -> Survey:
    survey = actions.open_survey(survey, actor=actor)
    # The demo's history: the survey opened before the answers it holds.
    Survey.objects.filter(pk=survey.pk).update(opened_at=opened)
    survey.refresh_from_db()
    return survey


def build_surveys(seed: int, anchor: dt.date, *, now: dt.datetime) -> dict[str, int]:
    rng = random.Random(f"zuofeng-demo:{seed}:surveys")
    office = _office()
    areas = _areas()
    if office is None or len(areas) < 2:
        return {"surveys": 0}
    codes = [a.name for a in areas]
    poor = set(rng.sample(codes, 2))
    first_day = anchor - dt.timedelta(days=DAYS)
    opened = now - dt.timedelta(days=DAYS + 1)

    hall = actions.create_survey(
        actor=office,
        title="政务服务大厅群众满意度调查",
        description="为改进机关作风、提升政务服务水平，请您花3分钟如实填写。问卷匿名，不收集个人信息。",
        audience=Survey.Audience.RESIDENTS,
        allow_link=True,
        spec=hall_spec(areas),
    )
    hall = _open_since(hall, office, opened)
    sheets = [
        (first_day + dt.timedelta(days=rng.randrange(DAYS)), _hall_answers(rng, codes, poor))
        for _ in range(HALL_ANSWERS)
    ]
    counts = {f"hall_{k}": v for k, v in _load(rng, hall, actions.spec_of(hall), sheets).items()}

    firms = actions.create_survey(
        actor=office,
        title="营商环境企业问卷",
        description="请企业负责人或经办人凭答题纸上的答题码填写。问卷匿名，答题码与答案不作关联。",
        audience=Survey.Audience.ENTERPRISES,
        allow_link=False,
        allow_tokens=True,
        spec=enterprise_spec(areas),
    )
    actions.set_quota(
        firms,
        actor=office,
        question="kind",
        choice="large",
        cap=LARGE_ENTERPRISE_CAP,
        message="规模以上企业的样本已收满，感谢您的支持。",
    )
    firms = _open_since(firms, office, opened)
    all_codes: list[str] = []
    for label, size in ENTERPRISE_TOKENS:
        batch = actions.issue_tokens(firms, actor=office, size=size, label=label)
        all_codes.extend(batch.tokens.order_by("code").values_list("code", flat=True))
    used = rng.sample(sorted(all_codes), round(len(all_codes) * ENTERPRISE_USED_SHARE))
    Token.objects.filter(code__in=used).update(used=True)
    large_left = [LARGE_ENTERPRISE_CAP]
    firm_sheets = [
        (
            first_day + dt.timedelta(days=rng.randrange(DAYS)),
            _enterprise_answers(rng, codes, large_left, anchor),
        )
        for _ in used
    ]
    Quota.objects.filter(survey=firms, question="kind", choice="large").update(
        filled=LARGE_ENTERPRISE_CAP - large_left[0]
    )
    counts |= {
        f"firms_{k}": v for k, v in _load(rng, firms, actions.spec_of(firms), firm_sheets).items()
    }
    counts["surveys"] = 2
    counts["survey_tokens"] = len(all_codes)
    return counts
