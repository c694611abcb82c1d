"""A small, hand-counted month (November 2026) built through the actions, shared by the
scorecard tests. The counts below are what a person finds by reading the story.

Market regulator (区市场监督管理局, a department):
- c1 accepted Mon 2 Nov, decided 5 Nov: on time, no supplement          → rated 5
- c2 accepted 2 Nov, decided 12 Nov (due 9 Nov): late                    → rated 4
- c3 accepted 2 Nov, one supplement request (supplied the same day), decided 6 Nov: on time
                                                                         → rated 3
- c4 accepted 2 Nov, never decided: overdue from 10 Nov, escalated to the head by the sweep
- c5 即办件 accepted 2 Nov 10:00, decided the same afternoon: on time    → rated 1 (bad)
- c6 即办件 accepted 2 Nov, decided 3 Nov: late                          → rated 2 (bad)
- c7 received Mon 16 Nov, sent to the HR bureau and sent back (推诿); held by the market again
- c8 received 16 Nov, a window case of a receive-only matter (明进暗不进)
  (c7 and c8 wait for acceptance: their 5-working-day acceptance limit runs until 23 Nov)
- ratings: 5 (2 satisfied); c6's bad rating (3 Nov) opens work order r6, never worked on
  (5-working-day limit: due 10 Nov, settled late); c5's (13 Nov) opens r5, closed 16 Nov on time
- complaints: A responded/answered on time, callback satisfied; B responded and answered
  late, dissatisfied; C never responded (escalated); D routed 20 Nov, nothing due yet

HR bureau (department): five cases accepted 2 Nov and decided 4 Nov, all on time, no ratings.
Qingshi town (township): no activity at all.

`NOW` (20 Nov 2026 10:00) is when the month is computed; the sweep runs then.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import actions as cases
from cases.models import Case
from catalog.models import Matter
from catalog.tests.factories import make_matter
from complaints import actions as complaints
from complaints.models import Complaint
from conftest import District
from evaluations import actions as evaluations
from evaluations.models import Evaluation, Rectification

SH = ZoneInfo("Asia/Shanghai")
NOVEMBER = dt.date(2026, 11, 1)


def at(day: int, hour: int = 10, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=SH)


MONDAY = at(2)
LATER = at(16)  # Monday 16 November
NOW = at(20)
# 3 December: November has ended and may be published (December is still running).
CLOSED = at(3, month=12)


@dataclass
class Month:
    cases: dict[str, Case]
    complaints: dict[str, Complaint]
    orders: dict[str, Rectification]


def submit(d: District, matter: Matter, when: dt.datetime = MONDAY) -> Case:
    window = d.amy if matter.unit == d.market else d.bob
    return cases.submit_case(
        actor=window,
        matter=matter,
        channel=Case.Channel.WINDOW,
        applicant_name="张三",
        applicant_phone="13800001234",
        applicant_id_number="110101199001011234",
        at=when,
    )


def material(name: str) -> tuple[str, SimpleUploadedFile]:
    """(material name, a one-page PDF a real PDF reader opens: uploads are parsed)."""
    from pypdf import PdfWriter

    writer, content = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(content)
    return name, SimpleUploadedFile("材料.pdf", content.getvalue(), content_type="application/pdf")


def accepted(d: District, matter: Matter, staff: Any = None) -> Case:
    return cases.accept_case(actor=staff or d.alice, case=submit(d, matter), at=MONDAY)


def decide(d: District, case: Case, when: dt.datetime, staff: Any = None) -> Case:
    return cases.decide_case(actor=staff or d.alice, case=case, approve=True, at=when)


def rate(case: Case, level: int, when: dt.datetime) -> Evaluation:
    return evaluations.rate_case(
        actor=None, case=case, level=level, source=Evaluation.Source.SMS_LINK, at=when
    )


def routed(d: District, day: int) -> Complaint:
    complaint, _ = complaints.file_complaint(
        actor=None,
        channel=Complaint.Channel.WEB,
        text="窗口工作人员态度很差，办个证跑了好几趟",
        unit=d.market,
        at=at(day, 9),
    )
    return complaints.triage(
        actor=d.olivia, complaint=complaint, category="service", at=at(day, 10)
    )


def close_order(d: District, order: Rectification, when: dt.datetime) -> Rectification:
    with time_machine.travel(when, tick=False):
        order = evaluations.verify_rectification(
            actor=d.alice, rectification=order, finding="窗口人员答复不清，属实"
        )
        order = evaluations.rectify(
            actor=d.alice,
            rectification=order,
            outcome=Rectification.Outcome.IMMEDIATE,
            measures="已对窗口人员进行业务培训",
        )
        order = evaluations.record_callback(
            actor=d.olivia,  # the office calls back, never the rated unit
            rectification=order,
            answer=Rectification.CallbackAnswer.SATISFIED,
            note="电话回访，表示满意",
        )
        return evaluations.approve_rectification(actor=d.ahead, rectification=order)


def build_november(d: District, settings: Any) -> Month:
    """The month above, without the sweep (call `sweep(NOW)` to escalate and refresh)."""
    settings.ZUOFENG = {**settings.ZUOFENG, "RECTIFY_FINISH_WORKDAYS": 5}
    regular = make_matter(d.market, name="食品经营许可", promised_limit_days=5, online=True)
    immediate = make_matter(
        d.market, name="食品小作坊登记", promised_limit_days=0, statutory_limit_days=5
    )
    receive_only = make_matter(
        d.market, name="特种设备使用登记", window_authority=Matter.WindowAuthority.RECEIVE_ONLY
    )
    hr_matter = make_matter(d.hr, name="就业登记", promised_limit_days=5)

    c = {name: accepted(d, regular) for name in ("c1", "c2", "c3", "c4")}
    cases.request_supplement(actor=d.alice, case=c["c3"], materials=["营业执照"], at=MONDAY)
    # A file named after the material answers the notice (every listed item handed in).
    cases.supply_materials(actor=d.alice, case=c["c3"], files=[material("营业执照")], at=MONDAY)
    c["c5"] = accepted(d, immediate)
    c["c6"] = accepted(d, immediate)
    c["c1"] = decide(d, c["c1"], at(5))
    c["c2"] = decide(d, c["c2"], at(12))
    c["c3"] = decide(d, c["c3"], at(6))
    c["c5"] = decide(d, c["c5"], at(2, 15))
    c["c6"] = decide(d, c["c6"], at(3))
    # Received on the 16th: their acceptance limit (5 working days) still runs on the 20th,
    # so they are neither accepted nor deemed accepted when the month is computed.
    c["c7"] = submit(d, regular, when=LATER)
    cases.transfer_case(actor=d.alice, case=c["c7"], to_unit=d.hr, reason="属人社局", at=LATER)
    cases.transfer_case(actor=d.bob, case=c["c7"], to_unit=d.market, reason="不属本局", at=LATER)
    c["c8"] = submit(d, receive_only, when=LATER)
    for _ in range(5):
        decide(d, accepted(d, hr_matter, staff=d.bob), at(4), staff=d.bob)

    rate(c["c1"], 5, at(13))
    rate(c["c2"], 4, at(13))
    rate(c["c3"], 3, at(13))
    r5 = rate(c["c5"], 1, at(13)).rectification
    r6 = rate(c["c6"], 2, at(3, 16)).rectification
    r5 = close_order(d, r5, at(16))

    a = routed(d, 2)
    complaints.respond(actor=d.alice, complaint=a, note="收到", at=at(2, 15))
    complaints.answer(actor=d.alice, complaint=a, text="已处理", at=at(4))
    complaints.record_callback(actor=None, complaint=a, result="satisfied", by_complainant=True)
    b = routed(d, 2)
    complaints.respond(actor=d.alice, complaint=b, note="收到", at=at(5))
    complaints.answer(actor=d.alice, complaint=b, text="已处理", at=at(12))
    complaints.record_callback(actor=None, complaint=b, result="dissatisfied", by_complainant=True)
    cc = routed(d, 3)
    dd = routed(d, 20)
    for case in c.values():
        case.refresh_from_db()
    return Month(
        cases=c, complaints={"A": a, "B": b, "C": cc, "D": dd}, orders={"r5": r5, "r6": r6}
    )
