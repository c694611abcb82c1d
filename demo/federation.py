"""Demo step for 上下级联动 (`build_demo --city`): a city of three districts on one demo
database.

SQLite has no logical replication, so the demo shows the level above's pages on the demo
district's own database, filled as the city's would be, and says so on the page:

- the demo district (ZUOFENG_DISTRICT_CODE, default 990101 示范区) publishes its real rows
  through the same refresh the sweep runs (`federation.refresh`);
- two fictional neighbours (990102 演示·东湖区, 990103 演示·西山区) get contract rows as
  replication would bring them: the demo district's units, synthetic rollups for the last
  `months` months (`federation.synthetic`, each unit its own quality), a contract row;
- the city (990100 演示·示范市) issues one directive to all three: the demo district takes it
  in through the same intake as the sweep (a real 督查督办 task at the city's deadline), the
  neighbours report synthetic progress.

On PostgreSQL the same pages read real subscriptions (docs/scale.md, `manage.py federation`).
Deterministic for a seed; call after the scorecards (it publishes their months).
"""

from __future__ import annotations

import datetime as dt
import random

from federation import conf, intake, refresh
from federation.models import (
    District,
    FedComplaintDay,
    FedContract,
    FedDirective,
    FedRollup,
    FedTaskProgress,
    FedUnit,
    global_key,
)
from federation.synthetic import measures_of, rollup_rows
from org.models import Unit
from scorecard.compute import standard_for
from zuofeng.periods import last_months
from zuofeng.workdays.calendar import LOCAL_TZ

CITY = ("990100", "演示·示范市")
NEIGHBOURS = [("990102", "演示·东湖区", 0.93), ("990103", "演示·西山区", 0.82)]
BATCH = 2000  # rows per INSERT (SQLite's limit on a statement's variables)
CATEGORIES = ["service", "bureaucratism", "formalism", "mindset", "disconnect", "other"]


def _neighbour(
    code: str, name: str, quality: float, days: list[dt.date], rng: random.Random, now: dt.datetime
) -> int:
    units = list(Unit.objects.filter(archived=False).order_by("sort_order", "code"))
    FedUnit.objects.bulk_create(
        [
            FedUnit(
                id=global_key("unit", code, u.code), district=code, code=u.code, name=u.name,
                kind=u.kind, sort_order=u.sort_order, archived=False,
            )
            for u in units
        ],
    )  # fmt: skip
    indicators = measures_of(standard_for(days[-1]))
    qualities = {u.code: min(0.995, max(0.5, rng.gauss(quality, 0.05))) for u in units}
    rows = [
        FedRollup(
            id=global_key("rollup", code, unit, day, measure), district=code, unit_code=unit,
            day=day, measure=measure, value=value,
        )
        for unit, day, measure, value in rollup_rows(
            indicators, [u.code for u in units], days, rng, qualities, volume=3
        )
    ]  # fmt: skip
    FedRollup.objects.bulk_create(rows, batch_size=BATCH)
    complaints = []
    for day in days:
        for unit in rng.sample(units, k=min(3, len(units))):
            category = rng.choice(CATEGORIES)
            received = rng.randint(1, 3)
            complaints.append(
                FedComplaintDay(
                    id=global_key("complaints", code, unit.code, day, category), district=code,
                    unit_code=unit.code, day=day, category=category, received=received,
                    closed=rng.randint(0, received),
                )
            )  # fmt: skip
    FedComplaintDay.objects.bulk_create(complaints, batch_size=BATCH)
    FedContract.objects.create(
        id=global_key("contract", code), district=code, name=name, version=1, refreshed_at=now
    )
    return len(rows)


def build_city(seed: int, anchor: dt.date, *, now: dt.datetime, months: int = 2) -> dict[str, int]:
    rng = random.Random(seed * 17 + 3)
    # The sweep's window (ZUOFENG_FEDERATION_WINDOW_DAYS), not the whole year: a city shows
    # recent months, and a full refresh of the demo's year would double the build's time.
    refresh.refresh(now)
    first = min(last_months(anchor, months))
    days = [first + dt.timedelta(days=n) for n in range((anchor - first).days + 1)]
    rows = sum(_neighbour(code, name, q, days, rng, now) for code, name, q in NEIGHBOURS)
    own = (conf.district_code(), conf.district_name())
    for code, name in [own, *[(c, n) for c, n, _ in NEIGHBOURS]]:
        District.objects.create(code=code, name=name, added_at=now)
    directive = FedDirective.objects.create(
        id=global_key("demo-directive", seed),
        issuer=CITY[0],
        issuer_name=CITY[1],
        title="全市优化营商环境“一件事一次办”攻坚",
        source="演示·示范市人民政府第8次常务会议",
        summary="各区年底前实现企业开办、不动产登记等高频事项“一件事一次办”，按月报送进展。",
        deadline=anchor + dt.timedelta(days=75),
        districts=[],
        status=FedDirective.Status.ISSUED,
        issued_at=dt.datetime.combine(anchor - dt.timedelta(days=20), dt.time(9), tzinfo=LOCAL_TZ),
    )
    intake.sweep_intake(now)
    for code, _, quality in NEIGHBOURS:
        progress = round(100 * quality * rng.uniform(0.3, 0.6))
        FedTaskProgress.objects.create(
            id=global_key("progress", code, directive.pk), district=code, directive=directive.pk,
            task_number=f"督-{rng.randint(10, 99)}-{rng.randint(100, 999)}", status="active",
            deadline=directive.deadline, reported_progress=min(100, progress + 15),
            verified_progress=progress, card="yellow" if quality < 0.85 else "none",
            lagging=quality < 0.85, closed_at=None, updated_at=now,
        )  # fmt: skip
    refresh.refresh(now)
    return {"city_districts": 1 + len(NEIGHBOURS), "city_rollups": rows}
