"""Each role's /staff/ leads with its own work (issue 11, friction: role workbenches)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine

from cases.models import Case
from catalog.tests.factories import make_matter
from conftest import District
from evaluations import actions as evaluations
from evaluations.models import Rectification
from scorecard.tests.fixtures import CLOSED, accepted, at, decide, rate
from zuofeng.duty.models import EscalationLevel

pytestmark = pytest.mark.django_db

# Queries per workbench (session, user, roles, unit, inbox count, the role's counts and the
# cards'); independent of how many cases, orders and complaints there are.
QUERY_BUDGET = {"olivia": 15, "ahead": 16, "alice": 11, "dora": 6}


def page_text(client: Any, url: str = "/staff/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    main = html[html.index("<main") :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def order_awaiting_head(d: District) -> Rectification:
    matter = make_matter(d.market, promised_limit_days=5)
    case = decide(d, accepted(d, matter), at(4))
    order = Rectification.objects.get(evaluation=rate(case, 1, at(5)))
    with time_machine.travel(at(6), tick=False):
        order = evaluations.verify_rectification(
            actor=d.alice, rectification=order, finding="窗口人员答复不清，属实"
        )
        order = evaluations.rectify(
            actor=d.alice,
            rectification=order,
            outcome=Rectification.Outcome.IMMEDIATE,
            measures="已对窗口人员进行业务培训",
        )
        return evaluations.record_callback(
            actor=d.olivia,
            rectification=order,
            answer=Rectification.CallbackAnswer.SATISFIED,
            note="电话回访，表示满意",
        )


def escalated_case(d: District, level: int = EscalationLevel.HEAD) -> Case:
    case = accepted(d, make_matter(d.market, promised_limit_days=5))
    Case.objects.filter(pk=case.pk).update(escalation_level=level)
    return case


def test_the_head_sees_what_waits_for_the_head_first(district: District) -> None:
    order = order_awaiting_head(district)
    case = escalated_case(district)
    text = page_text(district.client_for(district.ahead))
    assert "超期升级到我" in text and "差评整改待我审核" in text
    assert "1 件办件" in text
    html = district.client_for(district.ahead).get("/staff/").content.decode()
    assert f"/staff/rectifications/{order.pk}/" in html
    assert f"/staff/cases/{case.pk}/" in html
    # The head's page leads with the head's work, and the unit's scorecard card, not the
    # clerk's matter list.
    assert "本单位事项（" not in text
    assert "本单位还没有已发布的考核结果" in text


def test_a_clerk_sees_the_units_queue_not_the_heads_approvals(district: District) -> None:
    order_awaiting_head(district)
    escalated_case(district)
    text = page_text(district.client_for(district.alice))
    assert "本单位在办" in text and "待受理" in text
    assert "差评整改待我审核" not in text and "超期升级到我" not in text


def test_another_units_head_work_is_not_counted(district: District) -> None:
    order_awaiting_head(district)
    text = page_text(district.client_for(district.bob))
    assert "差评整改待我审核" not in text
    # bob's unit (hr) has no open case and no order
    assert "本单位在办 0" in text


def test_the_office_leads_with_triage_overdue_and_months_to_publish(
    district: District,
) -> None:
    escalated_case(district, EscalationLevel.OFFICE)
    with time_machine.travel(CLOSED, tick=False):
        text = page_text(district.client_for(district.olivia))
    assert "待甄别分办的举报" in text
    assert "超期升级至督查室 1 件" in text
    assert "待发布的月度考核" in text and "2026年11月尚未计算" in text
    assert "本单位事项" not in text
    html = district.client_for(district.olivia).get("/staff/").content.decode()
    assert "/staff/complaints/triage/" in html and "/staff/complaints/hotline/" in html


def test_discipline_inspection_sees_its_complaints_not_a_matter_list(district: District) -> None:
    text = page_text(district.client_for(district.dora))
    assert "纪检监察：廉政类举报在此办理" in text and "举报列表" in text
    assert "本单位事项" not in text and "本单位暂无公开事项" not in text


@pytest.mark.parametrize("who", ["olivia", "ahead", "alice", "dora"])
def test_a_workbench_costs_a_fixed_number_of_queries(
    district: District, who: str, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        order_awaiting_head(district)
        escalated_case(district, EscalationLevel.OFFICE)
    client = district.client_for(getattr(district, who))
    client.get("/staff/")
    with django_assert_max_num_queries(QUERY_BUDGET[who]):
        assert client.get("/staff/").status_code == 200
