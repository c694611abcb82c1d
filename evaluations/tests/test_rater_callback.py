"""The rater answers the rectification through the signed link they rated with: they see the
order's progress, the unit's rectification or explanation once given, and confirm (满意、
基本满意) or dispute (不满意) it there. The answer is the order's return visit, recorded with
no user behind it (the link is the credential) and audited; the rated unit never records it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from conftest import District
from evaluations import actions
from evaluations.links import rating_link
from evaluations.models import Rectification
from evaluations.tests.test_rectification import bad_order, rectified, verified
from zuofeng.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

MEASURES = "已对窗口人员进行业务培训"  # what `rectified` records


def page(response: Any) -> str:
    return response.content.decode()


def link_of(order: Rectification) -> str:
    return rating_link(order.evaluation.case_id)


def test_the_anonymous_rater_follows_the_order_and_confirms_the_result(
    district: District,
) -> None:
    d = district
    order = bad_order(d, anonymous=True, comment="窗口态度差")
    link, rater = link_of(order), Client()

    waiting = page(rater.get(link))
    assert "差评整改结果" in waiting and "待核实" in waiting
    assert "提交确认" not in waiting

    order = rectified(d, order)
    shown = rater.get(link)
    assert shown.status_code == 200
    assert MEASURES in page(shown) and "立行立改" in page(shown)
    # What the unit found when verifying stays internal.
    assert "窗口人员答复不清" not in page(shown)
    assert "提交确认" in page(shown)

    response = rater.post(link, {"answer": "satisfied", "note": "态度好多了"})

    assert response.status_code == 302 and response["Location"] == link
    order.refresh_from_db()
    assert order.status == Rectification.Status.APPROVAL
    assert order.callback_answer == Rectification.CallbackAnswer.SATISFIED
    assert "态度好多了" in order.callback_note and order.callback_at is not None
    event = AuditEvent.objects.get(action="evaluations.record_callback")
    assert event.actor is None and "评价链接" in event.reason
    after = page(rater.get(link))
    assert "回访结果：满意" in after and "提交确认" not in after
    # The unit and its head see the rater's own answer on the order.
    assert "满意" in page(d.client_for(d.ahead).get(f"/staff/rectifications/{order.pk}/"))


def test_the_rater_disputes_and_confirms_again_after_the_head_sends_it_back(
    district: District,
) -> None:
    d = district
    order = rectified(d, bad_order(d))
    link, rater = link_of(order), Client()

    rater.post(link, {"answer": "dissatisfied", "note": "只道歉没整改"})

    order.refresh_from_db()
    assert order.callback_answer == Rectification.CallbackAnswer.DISSATISFIED
    assert "只道歉没整改" in order.callback_note
    order = actions.return_rectification(actor=d.ahead, rectification=order, reason="未整改到位")
    assert "一把手已退回重新整改" in page(rater.get(link))
    order = actions.rectify(
        actor=d.alice, rectification=order, outcome="by_deadline", measures="修订了窗口服务规范"
    )
    assert "修订了窗口服务规范" in page(rater.get(link))

    rater.post(link, {"answer": "basic"})

    order.refresh_from_db()
    assert order.status == Rectification.Status.APPROVAL
    assert order.callback_answer == Rectification.CallbackAnswer.BASIC


def test_the_link_takes_no_answer_before_the_result_nor_a_second_one(district: District) -> None:
    d = district
    order = verified(d, bad_order(d))
    link, rater = link_of(order), Client()

    early = rater.post(link, {"answer": "satisfied"})

    assert early.status_code == 302
    order.refresh_from_db()
    assert order.status == Rectification.Status.RECTIFYING and order.callback_answer == ""

    order = actions.rectify(
        actor=d.alice, rectification=order, outcome="immediate", measures=MEASURES
    )
    rater.post(link, {"answer": "satisfied"})
    second = rater.post(link, {"answer": "dissatisfied"}, follow=True)

    assert "当前不需要您确认" in page(second)
    order.refresh_from_db()
    assert order.callback_answer == Rectification.CallbackAnswer.SATISFIED
    assert AuditEvent.objects.filter(action="evaluations.record_callback").count() == 1


@pytest.mark.parametrize("answer", ["", "unreachable", "whatever"])
def test_the_rater_chooses_one_of_their_three_answers(district: District, answer: str) -> None:
    d = district
    order = rectified(d, bad_order(d))

    response = Client().post(link_of(order), {"answer": answer})

    assert response.status_code == 400
    assert "请选择" in page(response)
    order.refresh_from_db()
    assert order.status == Rectification.Status.CALLBACK


def test_a_logged_in_visitor_does_not_answer_for_the_rater(district: District) -> None:
    d = district
    order = rectified(d, bad_order(d))

    with pytest.raises(PermissionDenied):
        actions.answer_rectification(actor=d.alice, rectification=order, answer="satisfied")
    # Through the page, a member of the unit who opens the link answers as the link, not as
    # themselves: the audit names no user.
    d.client_for(d.alice).post(link_of(order), {"answer": "satisfied"})
    assert AuditEvent.objects.get(action="evaluations.record_callback").actor is None
