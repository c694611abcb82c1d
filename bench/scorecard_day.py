"""A day of district activity for the scorecard benchmark, written in bulk: new cases,
state changes on open ones (decisions, acceptances, supplement requests and returns,
transfers), ratings and the work orders of the bad ones, closed work orders, new and routed
complaints, complaint steps, and the night's escalations. Each change marks the (source,
unit, day) pairs the signals would have marked in production (before and after the change),
through `scorecard.rollups.mark_dirty`; the escalations, like the sweep's own, are left for
the refresh to find."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from typing import Any

import numpy as np


def simulate_day(
    district: dict[str, Any], cal: Any, plan: Any, t0: int, t1: int, seed: int
) -> tuple[dt.date, int, float]:
    """Writes one day of activity in bulk and marks the (source, unit, day) pairs the
    signals would have marked (before and after each change). Returns the first day marked
    (for the check), the number of changes marked, and the seconds the marking took."""
    from django.db import connection, transaction

    from bench import scorecard_data as data
    from bench.bulk_copy import Vocab, copy_rows
    from cases.measures import CASES_BY_DEADLINE
    from cases.models import Case
    from complaints.models import Complaint
    from evaluations.models import Evaluation, Rectification
    from scorecard.rollups import mark_dirty
    from zuofeng.duty.models import Escalation

    rng = np.random.default_rng(seed + 1)
    units = district["units"]
    day = data.local_day(np.array([t0]))[0]
    marks: dict[str, list[tuple[int, dt.date]]] = defaultdict(list)

    def during_day(n: int) -> np.ndarray:
        return t0 + (8.5 * data.HOUR + np.sort(rng.random(n)) * 9 * data.HOUR).astype(np.int64)

    def fetch(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params or [])
            return cursor.fetchall()

    def execute(sql: str, params: list[Any]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def moments(values: np.ndarray) -> list[dt.datetime]:
        return [dt.datetime.fromtimestamp(v / 1e6, dt.UTC) for v in values.tolist()]

    def local(moment: dt.datetime) -> dt.date:
        return data.local_day(np.array([data.to_us(moment)]))[0].item()

    def deadline_marks(ids: list[int]) -> None:
        """The deadline days the cases count for now (the deadline source of
        `cases.measures`): taken before each change and again after all of them, as a case's
        marks carry its deadline day before and after."""
        rows = fetch(
            "SELECT unit_id, due_at FROM cases_case WHERE id = ANY(%s) "
            "AND accepted_at IS NOT NULL AND due_at IS NOT NULL",
            [ids],
        )
        marks[CASES_BY_DEADLINE] += [(unit_id, local(due)) for unit_id, due in rows]

    def next_id(table: str) -> int:
        return int(fetch(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")[0][0])

    with transaction.atomic():
        # 14,000 new cases: a quarter only submitted, the immediate ones decided at once.
        n = 14_000
        first = next_id("cases_case")
        ids = np.arange(first, first + n, dtype=np.int64)
        unit = rng.choice(len(units), n, p=plan.volume)
        which = rng.choice(3, n, p=[0.15, 0.45, 0.40])
        limit = district["limits"][unit, which]
        submitted = during_day(n)
        accepted = rng.random(n) < 0.75
        immediate = accepted & (limit == 0)
        accepted_at = submitted + rng.integers(1, 30, n) * data.MINUTE
        stopped = accepted_at + rng.integers(5, 60, n) * data.MINUTE
        due = data.end_of_day(cal.add(np.full(n, day), limit))
        copy_rows(
            Case,
            {
                "id": ids,
                "number": data.with_prefix("N", data.digits(ids, 12)),
                "query_code": data.digits(rng.integers(0, 10**6, n), 6),
                "matter_id": district["matters"][unit, which],
                "unit_id": units[unit],
                "channel": Vocab(data.CHANNELS, rng.choice(4, n, p=[0.42, 0.46, 0.05, 0.07])),
                "status": Vocab(
                    ["submitted", "accepted", "approved"], accepted.astype(np.int8) + immediate
                ),
                "applicant_name": "王晓明",
                "applicant_phone": "13900000000",
                "applicant_id_number": "910101199001011234",
                "submitted_at": submitted,
                "accepted_at": data.nullable(accepted_at, accepted),
                "decided_at": data.nullable(stopped, immediate),
                "limit_workdays": data.nullable(limit, accepted),
                "clock_started_at": data.nullable(accepted_at, accepted),
                "clock_stopped_at": data.nullable(stopped, immediate),
                "due_at": data.nullable(due, accepted),
            },
            n,
        )
        marks["cases.case"] += [(int(u), day.item()) for u in np.unique(units[unit])]
        deadline_marks(ids.tolist())
        execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), %s)", [first + n])

        # 10,000 state changes on open cases: decisions, acceptances, supplement requests
        # and returns, transfers (which move a case to another unit: both are marked).
        def pick(condition: str, count: int) -> list[tuple[int, int, dt.datetime]]:
            return fetch(
                f"SELECT id, unit_id, submitted_at FROM cases_case WHERE {condition} "
                f"AND id < %s ORDER BY random() LIMIT %s",
                [first, count],
            )

        touched: list[int] = []

        def changed(rows: list[tuple[int, int, dt.datetime]]) -> list[int]:
            marks["cases.case"].extend((unit_id, local(at)) for _, unit_id, at in rows)
            ids = [row[0] for row in rows]
            deadline_marks(ids)
            touched.extend(ids)
            return ids

        decide = changed(pick("status = 'accepted'", 4_000))
        at = moments(during_day(len(decide)))
        execute(
            "UPDATE cases_case c SET status = 'approved', decided_at = v.at, "
            "clock_stopped_at = v.at, warning_level = 'none' "
            "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at) WHERE c.id = v.id",
            [decide, at],
        )
        accept = pick("status = 'submitted'", 3_000)
        changed(accept)
        when = during_day(len(accept))
        limits = np.array(
            fetch(
                "SELECT coalesce(m.promised_limit_days, 0) FROM unnest(%s::bigint[]) WITH "
                "ORDINALITY AS v(id, o) JOIN cases_case c ON c.id = v.id JOIN catalog_matter m "
                "ON m.id = c.matter_id ORDER BY v.o",
                [[row[0] for row in accept]],
            )
        ).reshape(-1)
        dues = data.end_of_day(cal.add(np.full(len(accept), day), limits))
        execute(
            "UPDATE cases_case c SET status = 'accepted', accepted_at = v.at, "
            "clock_started_at = v.at, limit_workdays = v.l, due_at = v.due "
            "FROM unnest(%s::bigint[], %s::timestamptz[], %s::int[], %s::timestamptz[]) "
            "AS v(id, at, l, due) WHERE c.id = v.id",
            [[row[0] for row in accept], moments(when), limits.tolist(), moments(dues)],
        )
        pause = changed(pick("status = 'accepted' AND clock_paused_at IS NULL", 1_500))
        execute(
            "UPDATE cases_case SET status = 'supplement', status_before_supplement = 'accepted', "
            "clock_paused_at = %s, supplement_count = supplement_count + 1, "
            "one_time_rule_broken = one_time_rule_broken OR supplement_count > 0 "
            "WHERE id = ANY(%s)",
            [moments(during_day(1))[0], pause],
        )
        resume = changed(pick("status = 'supplement'", 1_000))
        execute(
            "UPDATE cases_case SET status = 'accepted', status_before_supplement = '', "
            "clock_paused_at = NULL, paused_workdays = paused_workdays + 1, "
            "due_at = due_at + interval '1 day' WHERE id = ANY(%s)",
            [resume],
        )
        moved = pick("status = 'accepted'", 500)
        changed(moved)
        position = {int(u): i for i, u in enumerate(units)}
        current = np.array([position[row[1]] for row in moved], np.int64)
        targets = units[(current + rng.integers(1, len(units), len(moved))) % len(units)]
        execute(
            "UPDATE cases_case c SET unit_id = v.unit, transfer_count = transfer_count + 1, "
            "buck_passing = buck_passing OR transfer_count >= 1 "
            "FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, unit) WHERE c.id = v.id",
            [[row[0] for row in moved], targets.tolist()],
        )
        marks["cases.case"] += [
            (int(u), local(row[2])) for u, row in zip(targets, moved, strict=True)
        ]
        deadline_marks(touched)  # after every change: the deadline days they count for now

        # 4,000 ratings of cases decided lately and not yet rated; work orders for bad ones.
        rated = fetch(
            "SELECT c.id, c.unit_id FROM cases_case c WHERE c.decided_at >= %s "
            "AND c.clock_stopped_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
            "evaluations_evaluation e WHERE e.case_id = c.id) ORDER BY c.decided_at DESC "
            "LIMIT 4000",
            [dt.datetime.fromtimestamp((t0 - 10 * data.DAY) / 1e6, dt.UTC)],
        )
        n = len(rated)
        first_rating = next_id("evaluations_evaluation")
        rating_ids = np.arange(first_rating, first_rating + n, dtype=np.int64)
        level = rng.choice([1, 2, 3, 4, 5], n, p=[0.03, 0.04, 0.07, 0.2, 0.66]).astype(np.int16)
        created = during_day(n)
        rated_units = np.array([row[1] for row in rated], np.int64)
        copy_rows(
            Evaluation,
            {
                "id": rating_ids,
                "case_id": np.array([row[0] for row in rated], np.int64),
                "unit_id": rated_units,
                "level": level,
                "source": "sms_link",
                "created_at": created,
            },
            n,
        )
        marks["evaluations.evaluation"] += [(int(u), day.item()) for u in np.unique(rated_units)]
        bad = level <= 2
        first_order = next_id("evaluations_rectification")
        orders = data.rectifications(
            rng,
            cal,
            t0 + data.DAY,
            rating_ids[bad],
            rated_units[bad],
            created[bad],
            np.zeros(int(bad.sum()), bool),
        )
        orders.columns["id"] = orders.columns["id"] + first_order - 1
        orders.columns["number"] = data.with_prefix("ZN", data.digits(orders.columns["id"], 10))
        copy_rows(Rectification, orders.columns, orders.rows)
        marks["evaluations.rectification"] += [
            (int(u), day.item()) for u in np.unique(rated_units[bad])
        ]
        closing = fetch(
            "SELECT id, unit_id, opened_at FROM evaluations_rectification "
            "WHERE status = 'rectifying' ORDER BY random() LIMIT 300"
        )
        execute(
            "UPDATE evaluations_rectification SET status = 'closed', closed_at = %s, "
            "clock_stopped_at = %s WHERE id = ANY(%s)",
            [moments(during_day(1))[0]] * 2 + [[row[0] for row in closing]],
        )
        marks["evaluations.rectification"] += [(u, local(at)) for _, u, at in closing]

        # 1,400 new complaints (1,000 routed today), and 2,000 steps on routed ones.
        n = 1_400
        first_complaint = next_id("complaints_complaint")
        complaint_ids = np.arange(first_complaint, first_complaint + n, dtype=np.int64)
        routed = np.arange(n) < 1_000
        received = during_day(n)
        triaged = received + data.HOUR
        handling = units[rng.choice(len(units), n, p=plan.complaints)]
        copy_rows(
            Complaint,
            {
                "id": complaint_ids,
                "number": data.with_prefix("JN", data.digits(complaint_ids, 10)),
                "receipt_hash": "0" * 64,
                "token": data.with_prefix("NEW", data.digits(complaint_ids, 12)),
                "channel": "hotline",
                "text": data.COMPLAINT_TEXTS[0],
                "unit_id": data.nullable(handling, routed),
                "handling_unit_id": data.nullable(handling, routed),
                "status": Vocab(["triage", "routed"], routed.astype(np.int8)),
                "received_at": received,
                "suggested_category_id": "service",
                "confidence": 0.8,
                "category_id": data.nullable(Vocab(["service"], np.zeros(n, np.int8)), routed),
                "triaged_at": data.nullable(triaged, routed),
                "respond_due_at": data.nullable(
                    data.end_of_day(cal.add(np.full(n, day), 1)), routed
                ),
                "resolve_due_at": data.nullable(
                    data.end_of_day(cal.add(np.full(n, day), 10)), routed
                ),
                "limit_workdays": data.nullable(np.full(n, 10), routed),
                "clock_started_at": data.nullable(triaged, routed),
                "due_at": data.nullable(data.end_of_day(cal.add(np.full(n, day), 10)), routed),
            },
            n,
        )
        marks["complaints.complaint"] += [(int(u), day.item()) for u in np.unique(handling[routed])]
        for status, count, sql in [
            ("routed", 1_000, "status = 'handling', responded_at = %s"),
            (
                "handling",
                600,
                "status = 'answered', first_answered_at = %s, answered_at = %s, "
                "answer = '已答复。', clock_stopped_at = %s",
            ),
            (
                "answered",
                400,
                "status = 'closed', callback = 'satisfied', callback_at = %s, closed_at = %s",
            ),
        ]:
            rows = fetch(
                "SELECT id, handling_unit_id, triaged_at FROM complaints_complaint "
                "WHERE status = %s AND id < %s ORDER BY random() LIMIT %s",
                [status, first_complaint, count],
            )
            at = moments(during_day(1))[0]
            execute(
                f"UPDATE complaints_complaint SET {sql} WHERE id = ANY(%s)",
                [at] * sql.count("%s") + [[row[0] for row in rows]],
            )
            marks["complaints.complaint"] += [(u, local(t)) for _, u, t in rows]

        # The night's sweep: open cases whose deadline ends today go to their heads. Written
        # in bulk like the sweep's own escalations (no signal): the refresh finds them.
        end_of_today = moments(data.end_of_day(np.array([day])))[0]
        late = fetch(
            "SELECT id, unit_id, due_at FROM cases_case WHERE status = 'accepted' "
            "AND due_at > %s AND due_at <= %s AND escalation_level = 0",
            [dt.datetime.fromtimestamp(t0 / 1e6, dt.UTC), end_of_today],
        )
        if late:
            n = len(late)
            first_escalation = next_id("duty_escalation")
            copy_rows(
                Escalation,
                {
                    "id": np.arange(first_escalation, first_escalation + n, dtype=np.int64),
                    "duty_type": "cases.case",
                    "duty_id": Vocab([str(row[0]) for row in late], np.arange(n)),
                    "duty_label": "办件超期",
                    "unit_id": np.array([row[1] for row in late], np.int64),
                    "level": 1,
                    "created_at": np.full(n, t1 - data.MINUTE),
                    "due_at": np.array([data.to_us(row[2]) for row in late], np.int64),
                },
                n,
            )
            execute(
                "UPDATE cases_case SET escalation_level = 1, warning_level = 'red' "
                "WHERE id = ANY(%s)",
                [[row[0] for row in late]],
            )
        for table in (
            "evaluations_evaluation",
            "evaluations_rectification",
            "complaints_complaint",
            "duty_escalation",
        ):
            execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))",
                [],
            )

    started = time.perf_counter()
    for source, pairs in marks.items():
        mark_dirty(source, pairs)
    marking = time.perf_counter() - started
    earliest = min(day for pairs in marks.values() for _, day in pairs)
    return earliest, sum(len(pairs) for pairs in marks.values()), marking


def deadline_days(since: dt.datetime, now: dt.datetime) -> dt.date | None:
    """The first local day of a row whose deadline fell in (since, now]: the refresh
    recomputes those days, so the check must cover them."""
    from django.db.models import Min, Q

    from zuofeng.measures import SOURCES
    from zuofeng.workdays.calendar import local_date

    found = []
    for source in SOURCES.values():
        passed = Q(pk__in=[])
        for name in source.deadline_fields:
            passed |= Q(**{f"{name}__gt": since, f"{name}__lte": now})
        first = source.rows().filter(passed).aggregate(first=Min(source.time_field))["first"]
        if first is not None:
            found.append(local_date(first))
    return min(found, default=None)


def rollup_rows(start: dt.date, end: dt.date) -> dict[tuple[int, dt.date, str], int]:
    from scorecard.models import DailyRollup

    rows = DailyRollup.objects.filter(day__gte=start, day__lte=end)
    return {
        (r.unit_id, r.day, r.measure): r.value
        for r in rows.only("unit_id", "day", "measure", "value")
    }
