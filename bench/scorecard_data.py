"""Synthetic district history for the scorecard benchmark: cases, ratings (and the work
orders their bad ones open), complaints and escalations for a set of units over three years,
generated vectorised with numpy and returned as column arrays for `bench.bulk_copy`.

The history ends at `t0` (local midnight of the benchmark's day): every event before it has
happened, every later one has not (a case whose decision would fall after `t0` is still open,
a complaint whose answer would is still being handled). Units differ, as they do: volumes
follow a log-normal skew; a few units are slow (more late decisions), a few are hall windows
that only receive (明进暗不进), a few pass cases on (推诿), a few ask for materials twice
(重复补正), and ratings and complaint outcomes vary by unit.

Times are int64 microseconds since the Unix epoch (UTC); local days are datetime64[D] in
Asia/Shanghai (UTC+8 all year, no daylight saving).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from bench.bulk_copy import Text, Vocab
from complaints.classifier.seed_corpus import CATEGORIES

MINUTE = 60_000_000
HOUR = 60 * MINUTE
DAY = 24 * HOUR
TZ_OFFSET = 8 * HOUR  # Asia/Shanghai
HISTORY_DAYS = 3 * 365

CASE_STATUSES = [
    "submitted",
    "supplement",
    "accepted",
    "not_accepted",
    "approved",
    "refused",
    "closed",
]
CHANNELS = ["window", "online", "phone", "self_service"]
RATING_SOURCES = ["hall_device", "applicant_page", "sms_link", "sms_link", "default"]
COMPLAINT_STATUSES = ["triage", "routed", "handling", "answered", "dissatisfied", "closed"]
CALLBACKS = ["", "satisfied", "basic", "dissatisfied", "unreachable"]
NAMES = ["王晓明", "李春燕", "张建国", "刘芳", "陈志强", "杨丽华", "赵海涛", "黄佳怡"]
COMPLAINT_TEXTS = [
    "窗口工作人员态度冷淡，问了三次才告诉需要什么材料。",
    "同一件事在两个部门之间来回跑了四趟，谁都说不归自己管。",
    "网上说可以办，到了大厅又说窗口没有权限，只能收件转后台。",
    "路灯坏了一个多月没人修，晚上出行不安全。",
    "办事指南写的材料和窗口要求的不一致，白跑一趟。",
]


def local_midnight(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[us]").astype(np.int64) - TZ_OFFSET


def local_day(moments: np.ndarray) -> np.ndarray:
    return ((moments + TZ_OFFSET) // DAY).astype("datetime64[D]")


def end_of_day(days: np.ndarray) -> np.ndarray:
    """23:59:59.999999 local, as `zuofeng.workdays.calendar.end_of_day`."""
    return local_midnight(days) + DAY - 1


def to_us(moment: dt.datetime) -> int:
    return int(moment.timestamp()) * 1_000_000 + moment.microsecond


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal ASCII, one row of `width` bytes per value."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((values[:, None] // powers) % 10 + 48).astype(np.uint8)


def with_prefix(prefix: str, body: np.ndarray) -> np.ndarray:
    head = np.frombuffer(prefix.encode(), np.uint8)
    return np.hstack([np.broadcast_to(head, (len(body), len(head))), body])


def nullable(values: Any, present: np.ndarray) -> tuple[Any, np.ndarray]:
    return values, ~present


class Workdays:
    """The working days around the benchmark's span (from the project's calendar, with its
    statutory holidays and 调休), and vectorised `add_workdays_to_date`."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        from zuofeng.workdays.calendar import is_workday

        span = np.arange(np.datetime64(first), np.datetime64(last) + 1)
        self.flags = np.array([is_workday(d.item()) for d in span])
        self.first = np.datetime64(first)
        self.days = span[self.flags]

    def is_workday(self, days: np.ndarray) -> np.ndarray:
        return self.flags[(days - self.first).astype(np.int64)]

    def add(self, days: np.ndarray, count: np.ndarray | int) -> np.ndarray:
        count = np.broadcast_to(np.asarray(count, np.int64), days.shape)
        same_or_next = np.searchsorted(self.days, days, "left")
        after = np.searchsorted(self.days, days, "right") + count - 1
        index = np.where(count == 0, same_or_next, after)
        return self.days[np.minimum(index, len(self.days) - 1)]


@dataclass
class UnitPlan:
    """Per-unit tendencies (index = position in the unit list)."""

    volume: np.ndarray  # share of the cases
    on_time: np.ndarray  # probability a case is decided by its deadline
    forwarded: np.ndarray  # share of window cases only received and forwarded
    transfer: np.ndarray  # probability of a first transfer
    supplement: np.ndarray  # probability of a supplement request
    repeat: np.ndarray  # probability of a second one
    bad: np.ndarray  # factor on the bad-rating probabilities
    complaints: np.ndarray  # share of the complaints
    respond: np.ndarray  # probability a complaint is responded to in time
    resolve: np.ndarray  # probability it is answered in time


def plan_units(rng: np.random.Generator, count: int) -> UnitPlan:
    volume = rng.lognormal(0.0, 0.9, count)
    special = rng.permutation(count)
    slow, receive_only, passers, repeaters = special[:3], special[3:6], special[6:9], special[9:11]
    on_time = np.clip(rng.normal(0.93, 0.03, count), 0.8, 0.995)
    on_time[slow] = 0.7
    forwarded = np.full(count, 0.02)
    forwarded[receive_only] = 0.45
    transfer = np.full(count, 0.05)
    transfer[passers] = 0.2
    supplement = np.clip(rng.normal(0.18, 0.04, count), 0.05, 0.4)
    repeat = np.full(count, 0.015)
    repeat[repeaters] = 0.12
    complaints = volume**0.7 * rng.lognormal(0.0, 0.3, count)
    return UnitPlan(
        volume=volume / volume.sum(),
        on_time=on_time,
        forwarded=forwarded,
        transfer=transfer,
        supplement=supplement,
        repeat=repeat,
        bad=rng.lognormal(0.0, 0.5, count),
        complaints=complaints / complaints.sum(),
        respond=np.clip(rng.normal(0.95, 0.03, count), 0.8, 1.0),
        resolve=np.clip(rng.normal(0.9, 0.05, count), 0.7, 1.0),
    )


def draw_days(
    rng: np.random.Generator, cal: Workdays, today: np.datetime64, n: int, weekend: float
) -> np.ndarray:
    """`n` local days in the history, working days heavier, volume growing over the years."""
    days = np.arange(today - HISTORY_DAYS, today)
    weight = np.where(cal.is_workday(days), 1.0, weekend) * np.linspace(0.8, 1.2, len(days))
    return np.sort(days[rng.choice(len(days), n, p=weight / weight.sum())])


@dataclass
class Table:
    """Columns for `bench.bulk_copy.load`, the row count, and arrays kept for later steps."""

    columns: dict[str, Any]
    rows: int
    keep: dict[str, np.ndarray]


def cases(
    rng: np.random.Generator,
    cal: Workdays,
    plan: UnitPlan,
    t0: int,
    n: int,
    unit_ids: np.ndarray,
    matters: np.ndarray,
    limits: np.ndarray,
) -> Table:
    """`matters` and `limits`: three matters per unit (the first immediate), by unit index."""
    today = local_day(np.array([t0]))[0]
    day = draw_days(rng, cal, today, n, weekend=0.08)
    unit = rng.choice(len(unit_ids), n, p=plan.volume)
    which = rng.choice(3, n, p=[0.15, 0.45, 0.40])
    limit = limits[unit, which]
    submitted = local_midnight(day) + (8.5 * HOUR + rng.random(n) * 9 * HOUR).astype(np.int64)
    channel = rng.choice(4, n, p=[0.42, 0.46, 0.05, 0.07])

    refused_entry = rng.random(n) < 0.03
    quick = (channel != 1) | (limit == 0)
    delay = np.where(quick, rng.integers(1, 30, n) * MINUTE, (rng.random(n) * 1.5 * DAY))
    accepted = submitted + delay.astype(np.int64)
    is_accepted = ~refused_entry & (accepted < t0)
    draw = rng.random(n)
    supplements = (draw < plan.supplement[unit]).astype(np.int16) + (draw < plan.repeat[unit])
    paused = supplements * rng.integers(1, 4, n)
    due = end_of_day(cal.add(local_day(accepted), limit + paused))
    on_time = rng.random(n) < plan.on_time[unit]
    stop = np.where(
        on_time,
        accepted + ((due - accepted) * rng.beta(2, 3, n)).astype(np.int64),
        due + 1 + (rng.exponential(3.0, n) * DAY).astype(np.int64),
    )
    decided = is_accepted & (stop < t0)
    entry_refused_at = submitted + (HOUR + rng.random(n) * 2 * DAY).astype(np.int64)
    refused_entry &= entry_refused_at < t0
    open_ = is_accepted & ~decided
    waiting = open_ & (supplements > 0) & (rng.random(n) < 0.3)

    status = np.full(n, CASE_STATUSES.index("submitted"), np.int8)
    status[is_accepted] = CASE_STATUSES.index("accepted")
    status[waiting] = CASE_STATUSES.index("supplement")
    status[refused_entry] = CASE_STATUSES.index("not_accepted")
    refused = rng.random(n) < 0.06
    status[decided] = np.where(refused[decided], 4 + 1, 4)
    archived = decided & (stop < t0 - 30 * DAY) & (rng.random(n) < 0.7)
    status[archived] = CASE_STATUSES.index("closed")
    closed_at = stop + ((5 + rng.random(n) * 20) * DAY).astype(np.int64)

    first, second, third = (rng.random(n) < p for p in (plan.transfer[unit], 0.015, 0.004))
    transfers = first.astype(np.int16) + (first & second) + (first & second & third)
    sent_back = (transfers == 1) & (rng.random(n) < 0.1)
    overdue = open_ & ~waiting & (due < t0)

    # Escalations of late cases: to the head at the first sweep past the deadline, to the
    # office three working days later, each only while the case was still open.
    late = is_accepted & ((decided & ~on_time) | (~decided & (due < t0)))
    until = np.where(decided, stop, t0)
    to_head = due + rng.integers(1, 15, n) * MINUTE
    to_office = end_of_day(cal.add(local_day(due), 3)) + rng.integers(1, 15, n) * MINUTE
    head = late & (to_head < until)
    office = late & (to_office < until)

    ids = np.arange(1, n + 1, dtype=np.int64)
    ymd = (
        (day.astype("datetime64[Y]").astype(np.int64) + 1970) * 10000
        + (day.astype("datetime64[M]").astype(np.int64) % 12 + 1) * 100
        + (day - day.astype("datetime64[M]")).astype(np.int64)
        + 1
    )
    number = np.hstack([digits(ymd, 8), digits(ids, 8)])
    columns = {
        "id": ids,
        "number": number,
        "query_code": digits(rng.integers(0, 10**6, n), 6),
        "matter_id": matters[unit, which],
        "unit_id": unit_ids[unit],
        "channel": Vocab(CHANNELS, channel),
        "status": Vocab(CASE_STATUSES, status),
        "status_before_supplement": Vocab(["", "accepted"], waiting.astype(np.int8)),
        "applicant_name": Vocab(NAMES, rng.integers(0, len(NAMES), n)),
        "applicant_phone": with_prefix("139", digits(rng.integers(0, 10**8, n), 8)),
        "applicant_id_number": with_prefix("9101011990", digits(rng.integers(0, 10**8, n), 8)),
        "submitted_at": submitted,
        "accepted_at": nullable(accepted, is_accepted),
        "decided_at": nullable(
            np.where(refused_entry, entry_refused_at, stop), decided | refused_entry
        ),
        "closed_at": nullable(closed_at, archived),
        "decision_reason": Vocab(["", "申请材料不符合法定形式"], refused_entry.astype(np.int8)),
        "forwarded_to_back_office": (channel == 0) & (rng.random(n) < plan.forwarded[unit]),
        "supplement_count": supplements,
        "one_time_rule_broken": supplements >= 2,
        "transfer_count": transfers,
        "buck_passing": (transfers >= 2) | sent_back,
        "limit_workdays": nullable(limit, is_accepted),
        "clock_started_at": nullable(accepted, is_accepted),
        "clock_paused_at": nullable(t0 - (rng.random(n) * 2 * DAY).astype(np.int64), waiting),
        "paused_workdays": np.where(is_accepted, paused, 0),
        "clock_stopped_at": nullable(stop, decided),
        "due_at": nullable(due, is_accepted),
        "warning_level": Vocab(["none", "red"], overdue.astype(np.int8)),
        "escalation_level": (head.astype(np.int16) + office),
    }
    keep = {
        "unit": unit,
        "submitted": submitted,
        "due": due,
        "stop": stop,
        "decided": decided,
        "channel": channel,
        "status": status,
        "head": head,
        "office": office,
        "to_head": to_head,
        "to_office": to_office,
    }
    return Table(columns, n, keep)


def escalations(case: Table, unit_ids: np.ndarray) -> Table:
    k = case.keep
    ids_head, ids_office = np.flatnonzero(k["head"]), np.flatnonzero(k["office"])
    index = np.concatenate([ids_head, ids_office])
    level = np.concatenate([np.ones(len(ids_head), np.int16), np.full(len(ids_office), 2)])
    created = np.concatenate([k["to_head"][ids_head], k["to_office"][ids_office]])
    case_ids = index + 1
    width = int(np.log10(max(case_ids.max(), 1))) + 1
    text = digits(case_ids, width)
    # str(pk), as the sweep writes it: strip the padding by shifting each row left.
    lengths = (np.log10(case_ids) + 1).astype(np.int64)
    shift = width - lengths
    rows = np.arange(width)[None, :] + shift[:, None]
    text = np.take_along_axis(text, np.minimum(rows, width - 1), 1)  # bytes past the length unused
    n = len(index)
    columns = {
        "id": np.arange(1, n + 1, dtype=np.int64),
        "duty_type": "cases.case",
        "duty_id": Text(text, lengths),
        "duty_label": "办件超期",
        "unit_id": unit_ids[k["unit"][index]],
        "level": level,
        "created_at": created,
        "due_at": k["due"][index],
    }
    return Table(columns, n, {})


def ratings(
    rng: np.random.Generator,
    cal: Workdays,
    plan: UnitPlan,
    case: Table,
    t0: int,
    n: int,
    unit_ids: np.ndarray,
) -> tuple[Table, Table]:
    """`n` ratings of decided cases, and the rectification work orders of the bad ones."""
    k = case.keep
    candidates = np.flatnonzero(k["decided"] & (k["stop"] < t0 - 3 * DAY))
    picked = np.sort(rng.choice(candidates, n, replace=False))
    unit = k["unit"][picked]
    created = k["stop"][picked] + (rng.random(n) * 3 * DAY).astype(np.int64)
    base = np.array([0.03, 0.04, 0.07, 0.20, 0.66])  # levels 1..5
    probabilities = base[None, :] * np.ones((len(unit_ids), 1))
    probabilities[:, :2] *= plan.bad[:, None]
    probabilities /= probabilities.sum(1, keepdims=True)
    cumulative = np.cumsum(probabilities, 1)
    level = (rng.random(n)[:, None] > cumulative[unit]).sum(1).astype(np.int16) + 1
    by_channel = np.array([0, 1, 2, 0])[k["channel"][picked]]
    default = rng.random(n) < 0.08
    level[default] = 5
    source = np.where(default, 4, by_channel)
    bad = level <= 2
    excluded = bad & (rng.random(n) < 0.05)
    ids = np.arange(1, n + 1, dtype=np.int64)
    rating = Table(
        {
            "id": ids,
            "case_id": picked + 1,
            "unit_id": unit_ids[unit],
            "level": level,
            "source": Vocab(RATING_SOURCES, source),
            "is_default": default,
            "created_at": created,
            "excluded": excluded,
            "excluded_reason": Vocab(["", "申诉成立：恶意评价"], excluded.astype(np.int8)),
        },
        n,
        {},
    )
    return rating, rectifications(
        rng, cal, t0, ids[bad], unit_ids[unit[bad]], created[bad], excluded[bad]
    )


def rectifications(
    rng: np.random.Generator,
    cal: Workdays,
    t0: int,
    evaluation_ids: np.ndarray,
    units: np.ndarray,
    opened: np.ndarray,
    withdrawn: np.ndarray,
) -> Table:
    n = len(evaluation_ids)
    day = local_day(opened)
    due = end_of_day(cal.add(day, 15))
    in_time = rng.random(n) < 0.85
    closed = np.where(
        in_time,
        opened + ((due - opened) * rng.uniform(0.2, 0.95, n)).astype(np.int64),
        due + 1 + (rng.exponential(4.0, n) * DAY).astype(np.int64),
    )
    done = ~withdrawn & (closed < t0)
    stopped = np.where(withdrawn, opened + 3 * DAY, closed)
    ids = np.arange(1, n + 1, dtype=np.int64)
    status = np.where(withdrawn, 5, np.where(done, 4, 1))
    return Table(
        {
            "id": ids,
            "number": with_prefix("ZG", digits(ids, 10)),
            "evaluation_id": evaluation_ids,
            "unit_id": units,
            "status": Vocab(
                ["verifying", "rectifying", "callback", "approval", "closed", "withdrawn"], status
            ),
            "opened_at": opened,
            "verify_due_at": end_of_day(cal.add(day, 2)),
            "verified_at": nullable(opened + DAY, opened + DAY < t0),
            "outcome": Vocab(["", "immediate"], done.astype(np.int8)),
            "closed_at": nullable(closed, done),
            "limit_workdays": 15,
            "clock_started_at": opened,
            "clock_stopped_at": nullable(stopped, withdrawn | done),
            "due_at": due,
        },
        n,
        {},
    )


def complaints(
    rng: np.random.Generator,
    cal: Workdays,
    plan: UnitPlan,
    t0: int,
    n: int,
    unit_ids: np.ndarray,
    office_id: int,
    discipline_id: int,
) -> Table:
    today = local_day(np.array([t0]))[0]
    day = draw_days(rng, cal, today, n, weekend=0.5)
    received = local_midnight(day) + (7 * HOUR + rng.random(n) * 15 * HOUR).astype(np.int64)
    unit = rng.choice(len(unit_ids), n, p=plan.complaints)
    category = rng.choice(len(CATEGORIES), n, p=[0.2, 0.35, 0.12, 0.1, 0.08, 0.03, 0.12])
    handling = unit_ids[unit].copy()
    handling[category == CATEGORIES.index("integrity")] = discipline_id
    to_office = rng.random(n) < 0.03
    handling[to_office] = office_id
    triaged = received + (HOUR / 2 + rng.random(n) * 30 * HOUR).astype(np.int64)
    routed = triaged < t0
    triage_day = local_day(triaged)
    respond_due = end_of_day(cal.add(triage_day, 1))
    resolve_due = end_of_day(cal.add(triage_day, 10))
    in_time = rng.random(n) < plan.respond[unit]
    responded = np.where(
        in_time,
        triaged + ((respond_due - triaged) * rng.uniform(0.05, 0.9, n)).astype(np.int64),
        respond_due + 1 + (rng.exponential(1.0, n) * DAY).astype(np.int64),
    )
    in_time = rng.random(n) < plan.resolve[unit]
    answered = np.where(
        in_time,
        responded
        + ((resolve_due - responded).clip(HOUR) * rng.uniform(0.1, 0.95, n)).astype(np.int64),
        np.maximum(resolve_due, responded) + 1 + (rng.exponential(3.0, n) * DAY).astype(np.int64),
    )
    callback_at = answered + ((1 + rng.random(n) * 2) * DAY).astype(np.int64)
    has_response = routed & (responded < t0)
    has_answer = has_response & (answered < t0)
    has_callback = has_answer & (callback_at < t0)
    callback = np.where(has_callback, rng.choice([1, 2, 3, 4], n, p=[0.62, 0.2, 0.07, 0.11]), 0)
    status = np.select(
        [
            ~routed,
            ~has_response,
            ~has_answer,
            ~has_callback,
            (callback == 3) & (callback_at > t0 - 7 * DAY),
        ],
        [0, 1, 2, 3, 4],
        5,
    )
    ids = np.arange(1, n + 1, dtype=np.int64)
    return Table(
        {
            "id": ids,
            "number": with_prefix("JB", digits(ids, 10)),
            "receipt_hash": "0" * 64,
            "token": with_prefix("BENCH", digits(ids, 12)),
            "channel": Vocab(
                ["web", "hotline", "letter", "visit"], rng.choice(4, n, p=[0.35, 0.5, 0.1, 0.05])
            ),
            "text": Vocab(COMPLAINT_TEXTS, rng.integers(0, len(COMPLAINT_TEXTS), n)),
            "unit_id": nullable(unit_ids[unit], routed),
            "handling_unit_id": nullable(handling, routed),
            "status": Vocab(COMPLAINT_STATUSES, status),
            "received_at": received,
            "suggested_category_id": Vocab(CATEGORIES, category),
            "confidence": rng.uniform(0.4, 0.99, n),
            "category_id": nullable(Vocab(CATEGORIES, category), routed),
            "triaged_at": nullable(triaged, routed),
            "respond_due_at": nullable(respond_due, routed),
            "responded_at": nullable(responded, has_response),
            "resolve_due_at": nullable(resolve_due, routed),
            "first_answered_at": nullable(answered, has_answer),
            "answered_at": nullable(answered, has_answer),
            "answer": Vocab(["", "已核实并整改，已向举报人答复。"], has_answer.astype(np.int8)),
            "callback": Vocab(CALLBACKS, callback),
            "callback_at": nullable(callback_at, has_callback),
            "closed_at": nullable(callback_at, status == 5),
            "limit_workdays": nullable(np.full(n, 10), routed),
            "clock_started_at": nullable(triaged, routed),
            "clock_stopped_at": nullable(answered, has_answer),
            "due_at": nullable(resolve_due, routed),
        },
        n,
        {},
    )
