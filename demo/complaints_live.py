"""Demo complaints made through the actions (complaints.actions), so that right now
there is one in every state.

About thirty complaints go through `complaints.actions` with `at=` in the recent past, so
that right now there are complaints in every state (待甄别分办, 待响应 (one overdue), 办理中,
已答复待回访, 不满意, 已办结, reopened) in the demo accounts' unit (MKT: `staff`, `head`),
the slow unit, with discipline inspection (`discipline`) and with the office (`office`),
plus a fresh hot spot of near-duplicates.

They go through the real actions (each audited) because they are few and are the ones
people click on; the year before them is bulk-loaded (demo.complaints_history).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User

from complaints import actions
from complaints.identity import Identity
from demo import data_complaints as phrases
from demo.cases import LiveClock, cases_rng
from demo.complaints_text import STAFF_CHANNELS, District, UnitInfo, Writer
from org.models import Unit


@dataclass(frozen=True)
class LiveComplaint:
    """One live complaint: filed at (working days before today, minute past midnight), then
    its steps, each (step, working days before today, minute)."""

    name: str
    unit: str
    category: str
    channel: str
    filed: tuple[int, int]
    steps: tuple[tuple[str, int, int], ...] = ()
    cadre: bool = False
    head: bool = False
    anonymous: bool = False
    unit_unknown: bool = False


def _answered(days: int) -> tuple[tuple[str, int, int], ...]:
    """Triage, response and answer, ending `days` working days ago."""
    return (
        ("triage", -days - 4, 9 * 60 + 20),
        ("respond", -days - 4, 14 * 60),
        ("answer", -days, 15 * 60 + 30),
    )


LIVE_COMPLAINTS: tuple[LiveComplaint, ...] = (
    LiveComplaint("web, to triage", "MKT", "service", "web", (0, 7 * 60 + 40)),
    LiveComplaint(
        "open311, unit unknown", "URB", "other", "open311", (-1, 22 * 60), unit_unknown=True
    ),
    LiveComplaint("hotline, to triage", "MKT", "mindset", "hotline", (0, 8 * 60 + 45), cadre=True),
    LiveComplaint(
        "letter, to triage", "HOU", "bureaucratism", "letter", (0, 9 * 60), anonymous=True
    ),
    LiveComplaint("routed", "MKT", "service", "web", (-1, 20 * 60), (("triage", 0, 8 * 60 + 50),)),
    LiveComplaint(
        "routed, overdue", "MKT", "service", "hotline", (-5, 10 * 60), (("triage", -4, 9 * 60),)
    ),
    LiveComplaint(
        "slow unit, overdue", "HOU", "service", "hotline", (-8, 16 * 60), (("triage", -7, 9 * 60),)
    ),
    LiveComplaint(
        "handling",
        "MKT",
        "service",
        "visit",
        (-3, 10 * 60),
        (("triage", -3, 11 * 60), ("respond", -2, 9 * 60 + 30)),
        cadre=True,
    ),
    LiveComplaint(
        "handling, late answer",
        "HOU",
        "mindset",
        "web",
        (-14, 21 * 60),
        (("triage", -13, 9 * 60), ("respond", -11, 16 * 60)),
    ),
    LiveComplaint(
        "integrity, routed",
        "URB",
        "integrity",
        "web",
        (-1, 23 * 60),
        (("triage", 0, 9 * 60 + 10),),
        cadre=True,
        anonymous=True,
    ),
    LiveComplaint(
        "integrity, handling",
        "MKT",
        "integrity",
        "letter",
        (-6, 9 * 60),
        (("triage", -6, 10 * 60), ("respond", -5, 10 * 60)),
        cadre=True,
    ),
    LiveComplaint(
        "about the head",
        "MKT",
        "bureaucratism",
        "hotline",
        (-4, 15 * 60),
        (("triage", -3, 9 * 60), ("respond", -3, 15 * 60)),
        head=True,
    ),
    LiveComplaint("answered", "MKT", "service", "web", (-7, 19 * 60), _answered(1)),
    LiveComplaint("answered, survey", "QSZ", "formalism", "survey", (-8, 10 * 60), _answered(2)),
    LiveComplaint(
        "dissatisfied",
        "MKT",
        "service",
        "hotline",
        (-10, 11 * 60),
        (*_answered(4), ("callback:dissatisfied", -2, 10 * 60)),
    ),
    LiveComplaint(
        "closed, satisfied",
        "MKT",
        "service",
        "web",
        (-12, 8 * 60),
        (*_answered(6), ("callback:satisfied", -4, 10 * 60)),
    ),
    LiveComplaint(
        "closed, basic, forum",
        "LXZ",
        "disconnect",
        "forum",
        (-12, 14 * 60),
        (*_answered(6), ("callback:basic", -3, 15 * 60)),
    ),
    LiveComplaint(
        "closed, unreachable",
        "WAT",
        "other",
        "hotline",
        (-11, 9 * 60),
        (*_answered(5), ("callback:unreachable", -2, 16 * 60)),
    ),
    LiveComplaint(
        "closed by the office",
        "TRA",
        "service",
        "open311",
        (-20, 18 * 60),
        (*_answered(12), ("callback:dissatisfied", -10, 10 * 60), ("close", -1, 11 * 60)),
    ),
    LiveComplaint(
        "reopened, handling",
        "MKT",
        "service",
        "web",
        (-16, 20 * 60),
        (*_answered(9), ("callback:dissatisfied", -7, 10 * 60), ("reopen", -5, 21 * 60)),
    ),
    LiveComplaint(
        "reopened, closed",
        "HRS",
        "service",
        "hotline",
        (-22, 10 * 60),
        (
            *_answered(15),
            ("callback:dissatisfied", -13, 10 * 60),
            ("reopen", -12, 20 * 60),
            ("answer", -6, 11 * 60),
            ("callback:basic", -4, 15 * 60),
        ),
    ),
)
# A fresh hot spot: the same problem from several people in the last days (still in triage).
LIVE_HOTSPOT = (
    "MKT",
    "service",
    "市场监管局窗口这周办食品经营许可证要排三个小时队，叫号机坏了也没人管，工作人员说等系统恢复",
    5,
)


class _LiveComplaints(LiveClock):
    def __init__(self, seed: int, district: District, now: dt.datetime) -> None:
        super().__init__(now)
        self.rng = cases_rng(seed, "live-complaints")
        self.writer = Writer(cases_rng(seed, "live-complaint-texts"))
        self.writer.phones = 9_000  # a different run of fake numbers from the history's start
        self.district = district
        ids = {pk for unit in district.units.values() for pk in unit.staff}
        self.users = User.objects.in_bulk(ids)
        self.units = Unit.objects.in_bulk([u.pk for u in district.units.values()])
        self.made = 0

    def moment(self, at: tuple[int, int]) -> dt.datetime:
        offset, minute = at
        return self.when(self.workday(offset), minute)

    def _user(self, unit: UnitInfo, fixed: str) -> User:
        users = [self.users[pk] for pk in unit.staff]
        return next((u for u in users if u.username == fixed), users[0])

    def build(self) -> int:
        office = self._user(self.district.office, "office")
        for plan in LIVE_COMPLAINTS:
            if plan.unit in self.district.units:
                self._one(plan, office)
        code, _category, core, size = LIVE_HOTSPOT
        unit = self.district.units.get(code)
        if unit is not None:
            for n in range(size):
                identity = self.writer.identity(False) if n % 2 else Identity()
                actions.file_complaint(
                    actor=None,
                    channel="web",
                    text=self.writer.hotspot_text(core),
                    unit=self.units[unit.pk],
                    identity=identity,
                    at=self.moment((-(n % 3), 8 * 60 + 37 * n)),
                )
                self.made += 1
        return self.made

    def _one(self, plan: LiveComplaint, office: User) -> None:
        unit = self.district.units[plan.unit]
        said, subject = self.writer.cadre(unit, plan.head) if plan.cadre or plan.head else ("", "")
        identity = Identity() if plan.anonymous else self.writer.identity(False)
        staff_channel = plan.channel in STAFF_CHANNELS
        complaint, _code = actions.file_complaint(
            actor=office if staff_channel else None,
            channel=plan.channel,
            text=self.writer.text(plan.category, unit, said),
            unit=None if plan.unit_unknown else self.units[unit.pk],
            subject_name=subject,
            identity=identity,
            at=self.moment(plan.filed),
        )
        self.made += 1
        handler: User | None = None
        for step, offset, minute in plan.steps:
            at = self.moment((offset, minute))
            if step == "triage":
                complaint = actions.triage(
                    actor=office,
                    complaint=complaint,
                    category=plan.category,
                    unit=self.units[unit.pk],
                    at=at,
                )
                handling = next(
                    u for u in self.district.units.values() if u.pk == complaint.handling_unit_id
                )
                handler = self._user(
                    handling,
                    {"MKT": "staff", "DCS": "office", "JJW": "discipline"}.get(handling.code, ""),
                )
            elif step == "respond":
                assert handler is not None
                complaint = actions.respond(
                    actor=handler,
                    complaint=complaint,
                    note=self.rng.choice(phrases.RESPONSE_NOTES),
                    at=at,
                )
            elif step == "answer":
                assert handler is not None
                complaint = actions.answer(
                    actor=handler,
                    complaint=complaint,
                    text=self.rng.choice(phrases.ANSWERS[plan.category]),
                    at=at,
                )
            elif step.startswith("callback:"):
                result = step.removeprefix("callback:")
                complaint = actions.record_callback(
                    actor=office,
                    complaint=complaint,
                    result=result,
                    note=phrases.CALLBACK_NOTES[result],
                    at=at,
                )
            elif step == "reopen":
                complaint = actions.reopen(
                    complaint=complaint, reason=self.rng.choice(phrases.REOPEN_REASONS), at=at
                )
            elif step == "close":
                complaint = actions.close(
                    actor=office,
                    complaint=complaint,
                    reason=self.rng.choice(phrases.CLOSE_REASONS),
                    at=at,
                )
            else:
                raise ValueError(f"unknown live complaint step {step!r}")


def build_live(seed: int, district: District, now: dt.datetime) -> int:
    """File the live complaints and take their steps through the actions; returns how many."""
    return _LiveComplaints(seed, district, now).build()
