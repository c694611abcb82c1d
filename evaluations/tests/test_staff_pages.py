"""Staff pages of 好差评: the unit's work orders (red first), one order with the step its state
allows, the unit's ratings with an appeal form each, and the office's appeal queue. Another
unit's record is a 404; the office reads everything, calls the rater back (never the rated
unit) and decides appeals."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import District
from evaluations import actions
from evaluations.models import Appeal, Evaluation, Level, Rectification
from evaluations.tests.test_rectification import (
    APPLICANT_NAME,
    APPLICANT_PHONE,
    awaiting_approval,
    bad_order,
    decided_case,
    local,
    rate,
    rectified,
    verified,
)
from zuofeng.duty.models import WarningLevel

pytestmark = pytest.mark.django_db

LIST = "/staff/rectifications/"
RATINGS = "/staff/ratings/"
APPEALS = "/staff/appeals/"


def detail_url(order: Rectification) -> str:
    return reverse("evaluations:rectification", args=[order.pk])


def act_url(order: Rectification, action: str) -> str:
    return reverse("evaluations:rectification_act", args=[order.pk, action])


def html(response: Any) -> str:
    return response.content.decode()


def listed_numbers(page: str) -> list[str]:
    return re.findall(r'href="/staff/rectifications/\d+/">(ZG\d+)</a>', page)


def test_the_url_names_others_link_to() -> None:
    assert reverse("evaluations:rectifications") == LIST
    assert reverse("evaluations:rectification", args=[7]) == "/staff/rectifications/7/"
    assert (
        reverse("evaluations:rectification_act", args=[7, "verify"])
        == "/staff/rectifications/7/verify/"
    )
    assert reverse("evaluations:unit_ratings") == RATINGS
    assert reverse("evaluations:appeals") == APPEALS


# --- the work-order list -------------------------------------------------------------------


def test_the_list_shows_the_units_own_orders_red_first_then_by_deadline(
    district: District,
) -> None:
    d = district
    late = bad_order(d, at=local(2025, 6, 2, 10))
    early = bad_order(d, at=local(2025, 5, 6, 10))
    red = bad_order(d, at=local(2025, 7, 1, 10))
    Rectification.objects.filter(pk=red.pk).update(warning_level=WarningLevel.RED)
    done = actions.approve_rectification(
        actor=d.ahead, rectification=awaiting_approval(d, bad_order(d))
    )
    other = bad_order(d, unit=d.hr)

    page = html(d.client_for(d.alice).get(LIST))

    assert listed_numbers(page) == [red.number, early.number, late.number]
    assert other.number not in page and done.number not in page
    everything = html(d.client_for(d.alice).get(LIST, {"status": "all"}))
    assert listed_numbers(everything)[-1] == done.number
    reds = html(d.client_for(d.alice).get(LIST, {"level": "red"}))
    assert listed_numbers(reds) == [red.number]
    closed = html(d.client_for(d.alice).get(LIST, {"status": "closed"}))
    assert listed_numbers(closed) == [done.number]


def test_the_office_sees_every_units_orders_and_filters_by_unit(district: District) -> None:
    d = district
    market = bad_order(d)
    hr = bad_order(d, unit=d.hr)
    client = d.client_for(d.olivia)

    assert set(listed_numbers(html(client.get(LIST)))) == {market.number, hr.number}
    assert listed_numbers(html(client.get(LIST, {"unit": "HRS"}))) == [hr.number]
    assert "被评价单位" in html(client.get(LIST))


def test_a_bad_filter_is_reported_and_ignored(district: District) -> None:
    d = district
    order = bad_order(d)

    response = d.client_for(d.alice).get(LIST, {"level": "purple", "unit": "HRS"})

    assert response.status_code == 200
    assert listed_numbers(html(response)) == [order.number]
    assert "部分筛选条件无效" in html(response)


def test_the_head_sees_how_many_orders_await_approval(district: District) -> None:
    d = district
    awaiting_approval(d, bad_order(d))
    bad_order(d)

    assert "待我审核 1" in html(d.client_for(d.ahead).get(LIST))
    assert "待我审核" not in html(d.client_for(d.alice).get(LIST))


def _list_queries(d: District, count: int) -> int:
    for _ in range(count):
        bad_order(d)
    client = d.client_for(d.alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert len(listed_numbers(html(response))) == Rectification.objects.count()
    return len(queries)


def test_the_list_costs_the_same_queries_for_3_or_15_orders(district: District) -> None:
    few = _list_queries(district, 3)
    many = _list_queries(district, 12)

    assert few == many
    assert many <= 10


def test_staff_pages_are_hidden_from_applicants_and_need_a_login(district: District) -> None:
    d = district
    order = bad_order(d)

    for url in (LIST, detail_url(order), RATINGS, APPEALS):
        assert d.client_for(d.ruth).get(url).status_code == 404
    assert d.client_for(d.ruth).post(act_url(order, "verify"), {"finding": "x"}).status_code == 404
    response = Client().get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- one work order ---------------------------------------------------------------------------


def test_the_detail_shows_the_rating_the_deadlines_and_the_trail(district: District) -> None:
    d = district
    order = verified(
        d, bad_order(d, comment="窗口态度差", tags=["服务态度"], at=local(2025, 9, 29, 10))
    )

    page = html(d.client_for(d.alice).get(detail_url(order)))

    assert order.number in page
    assert reverse("cases:staff_detail", args=[order.evaluation.case_id]) in page
    assert "不满意" in page and "服务态度" in page and "窗口态度差" in page
    assert "2025-10-09" in page  # verify by
    assert "2025-10-27" in page  # finish by
    assert "派单：差评自动生成整改单" in page and "核实" in page
    assert "整改中" in page
    # The rater: named, with the phone masked.
    assert APPLICANT_NAME in page
    assert "138****1234" in page and APPLICANT_PHONE not in page
    # The next step only.
    assert act_url(order, "rectify") in page
    assert act_url(order, "verify") not in page and act_url(order, "approve") not in page


def test_an_anonymous_raters_identity_is_not_shown(district: District) -> None:
    d = district
    order = bad_order(d, anonymous=True)

    page = html(d.client_for(d.alice).get(detail_url(order)))

    assert "匿名评价" in page
    assert APPLICANT_NAME not in page
    assert "138****1234" not in page


def test_the_office_reads_an_order_masked_and_without_forms(district: District) -> None:
    d = district
    order = bad_order(d)

    response = d.client_for(d.olivia).get(detail_url(order))

    page = html(response)
    assert response.status_code == 200
    assert "本页只读" in page
    assert APPLICANT_NAME not in page and "张**" in page
    assert "/verify/" not in page


def test_another_units_order_is_a_404_to_read_and_to_act_on(district: District) -> None:
    d = district
    order = bad_order(d)
    client = d.client_for(d.bob)

    assert client.get(detail_url(order)).status_code == 404
    assert client.post(act_url(order, "verify"), {"finding": "属实"}).status_code == 404
    order.refresh_from_db()
    assert order.status == Rectification.Status.VERIFYING


def test_the_office_may_not_act_on_an_order(district: District) -> None:
    d = district
    order = bad_order(d)

    response = d.client_for(d.olivia).post(act_url(order, "verify"), {"finding": "属实"})

    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == Rectification.Status.VERIFYING


def test_the_unit_the_office_and_the_head_walk_the_order_through_every_step(
    district: District,
) -> None:
    d = district
    order = bad_order(d)
    staff, head, office = d.client_for(d.alice), d.client_for(d.ahead), d.client_for(d.olivia)

    steps = [
        (staff, "verify", {"finding": "属实"}, Rectification.Status.RECTIFYING),
        (
            staff,
            "rectify",
            {"outcome": "explained", "measures": "已向评价人说明法定程序"},
            Rectification.Status.CALLBACK,
        ),
        (
            office,
            "callback",
            {"answer": "basic", "note": "电话回访", "re_rating": "3"},
            Rectification.Status.APPROVAL,
        ),
        (head, "approve", {}, Rectification.Status.CLOSED),
    ]
    for client, action, data, status in steps:
        response = client.post(act_url(order, action), data)
        assert response.status_code == 302, (action, html(response)[:2000])
        assert response["Location"] == detail_url(order)
        order.refresh_from_db()
        assert order.status == status

    assert order.re_rating == Level.BASIC
    assert order.evaluation.level == Level.DISSATISFIED
    page = html(head.get(detail_url(order)))
    assert "已办结" in page and "按期办结" in page and "（原评价保留）" in page


@pytest.mark.parametrize("who", ["alice", "ahead"])
def test_the_rated_unit_gets_no_callback_form_and_may_not_record_one(
    district: District, who: str
) -> None:
    """The return visit is independent of the unit evaluated: its staff and head see the
    order wait for the office, with no form, and a posted callback changes nothing."""
    d = district
    order = rectified(d, bad_order(d))
    client = d.client_for(getattr(d, who))

    page = html(client.get(detail_url(order)))
    assert act_url(order, "callback") not in page
    assert "待督查室回访评价人" in page
    response = client.post(act_url(order, "callback"), {"answer": "satisfied", "re_rating": "5"})

    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == Rectification.Status.CALLBACK
    assert order.callback_answer == "" and order.re_rating is None
    with pytest.raises(PermissionDenied):
        actions.record_callback(
            actor=getattr(d, who), rectification=order, answer="satisfied", re_rating=5
        )


def test_the_office_gets_the_callback_form_with_the_number_to_dial(district: District) -> None:
    d = district
    order = rectified(d, bad_order(d))
    client = d.client_for(d.olivia)

    page = html(client.get(detail_url(order)))
    assert act_url(order, "callback") in page
    assert APPLICANT_PHONE in page
    response = client.post(act_url(order, "callback"), {"answer": "satisfied", "note": "电话回访"})

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Rectification.Status.APPROVAL
    assert order.callback_answer == "satisfied"
    # Once recorded, the office's page is read-only again: the head approves.
    assert act_url(order, "callback") not in html(client.get(detail_url(order)))


def test_only_the_head_gets_and_may_post_the_approval_forms(district: District) -> None:
    d = district
    order = awaiting_approval(d, bad_order(d))

    staff_page = html(d.client_for(d.alice).get(detail_url(order)))
    assert act_url(order, "approve") not in staff_page
    assert "待本单位一把手审核" in staff_page
    assert d.client_for(d.alice).post(act_url(order, "approve")).status_code == 403

    head_page = html(d.client_for(d.ahead).get(detail_url(order)))
    assert act_url(order, "approve") in head_page and act_url(order, "return") in head_page
    assert head_page.count("data-confirm=") >= 2

    response = d.client_for(d.ahead).post(act_url(order, "return"), {"reason": "措施不具体"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Rectification.Status.RECTIFYING
    assert order.warning_level == WarningLevel.YELLOW
    assert "措施不具体" in html(d.client_for(d.alice).get(detail_url(order)))


def test_a_stale_step_is_a_409_with_the_reason(district: District) -> None:
    d = district
    order = verified(d, bad_order(d))

    response = d.client_for(d.alice).post(act_url(order, "verify"), {"finding": "再次核实"})

    assert response.status_code == 409
    assert "当前状态为“整改中”，不能登记核实情况" in html(response)
    order.refresh_from_db()
    assert order.finding == "窗口人员答复不清，属实"


@pytest.mark.parametrize(
    ("action", "data", "error"),
    [
        ("verify", {"finding": " "}, "请填写核实情况"),
        ("rectify", {"outcome": "explained", "measures": ""}, "解释说明"),
        ("rectify", {"outcome": "someday", "measures": "x"}, "选择一个有效的选项"),
        ("callback", {"answer": "unreachable", "re_rating": "4"}, "联系不上评价人"),
    ],
)
def test_invalid_input_is_a_400_with_the_form_and_its_errors(
    district: District, action: str, data: dict[str, str], error: str
) -> None:
    d = district
    order = bad_order(d)
    if action == "rectify":
        order = verified(d, order)
    elif action == "callback":
        order = rectified(d, order)
    status = order.status
    taker = d.olivia if action == "callback" else d.alice

    response = d.client_for(taker).post(act_url(order, action), data)

    assert response.status_code == 400
    assert error in html(response)
    assert act_url(order, action) in html(response)
    order.refresh_from_db()
    assert order.status == status


def test_an_unknown_step_is_a_404_and_a_get_is_not_allowed(district: District) -> None:
    d = district
    order = bad_order(d)

    assert d.client_for(d.alice).post(act_url(order, "delete")).status_code == 404
    assert d.client_for(d.alice).get(act_url(order, "verify")).status_code == 405


# --- ratings --------------------------------------------------------------------------------


def test_staff_see_their_own_units_ratings_and_comments(district: District) -> None:
    d = district
    order = bad_order(d, comment="等了两个小时")
    rate(d, decided_case(d), Level.VERY_SATISFIED, comment="窗口很耐心")
    rate(d, decided_case(d, unit=d.hr), Level.SATISFIED, comment="人社局的评价")

    page = html(d.client_for(d.alice).get(RATINGS))

    assert "等了两个小时" in page and "窗口很耐心" in page
    assert "人社局的评价" not in page
    assert detail_url(order) in page  # the bad one links to its work order
    assert page.count(">提交申诉<") == 2
    assert "共 2 条评价，其中差评 1 条" in page


def test_the_office_sees_every_units_ratings_without_appeal_forms(district: District) -> None:
    d = district
    bad_order(d, comment="市场局的评价")
    rate(d, decided_case(d, unit=d.hr), Level.SATISFIED, comment="人社局的评价")

    page = html(d.client_for(d.olivia).get(RATINGS))
    assert "市场局的评价" in page and "人社局的评价" in page
    assert "提交申诉" not in page
    only_hr = html(d.client_for(d.olivia).get(RATINGS, {"unit": "HRS"}))
    assert "人社局的评价" in only_hr and "市场局的评价" not in only_hr


def test_ratings_filter_by_level_and_month(district: District) -> None:
    d = district
    june = local(2025, 6, 10, 10)
    july = local(2025, 7, 10, 10)
    rate(d, decided_case(d, at=june), Level.VERY_DISSATISFIED, comment="六月差评", at=june)
    rate(d, decided_case(d, at=june), Level.SATISFIED, comment="六月好评", at=june)
    rate(d, decided_case(d, at=july), Level.DISSATISFIED, comment="七月差评", at=july)
    client = d.client_for(d.alice)

    bad = html(client.get(RATINGS, {"level": "bad"}))
    assert "六月差评" in bad and "七月差评" in bad and "六月好评" not in bad
    june_page = html(client.get(RATINGS, {"month": "2025-06"}))
    assert "六月差评" in june_page and "六月好评" in june_page and "七月差评" not in june_page
    both = html(client.get(RATINGS, {"month": "2025-06", "level": "4"}))
    assert "六月好评" in both and "六月差评" not in both
    wrong = client.get(RATINGS, {"month": "2025-13"})
    assert wrong.status_code == 200 and "月份格式应为" in html(wrong)


def _ratings_queries(d: District, count: int) -> int:
    for _ in range(count):
        order = bad_order(d)
        actions.file_appeal(
            actor=d.alice, evaluation=order.evaluation, reason="误评", evidence="录像"
        )
        rate(d, decided_case(d), Level.SATISFIED)
    client = d.client_for(d.alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(RATINGS)
    assert response.status_code == 200
    return len(queries)


def test_the_ratings_page_costs_the_same_queries_for_few_or_many(district: District) -> None:
    few = _ratings_queries(district, 2)
    many = _ratings_queries(district, 8)

    assert few == many
    assert many <= 12


def test_unit_staff_appeal_a_rating_from_the_ratings_page(district: District) -> None:
    d = district
    order = bad_order(d)
    url = reverse("evaluations:appeal_file", args=[order.evaluation_id])
    client = d.client_for(d.alice)

    assert client.post(url, {"reason": "误评", "evidence": ""}).status_code == 400
    response = client.post(url, {"reason": "误评", "evidence": "叫号记录显示未到窗口"})
    assert response.status_code == 302 and response["Location"] == APPEALS
    appeal = Appeal.objects.get()
    assert (appeal.unit, appeal.filed_by, appeal.status) == (d.market, d.alice, "pending")

    again = client.post(url, {"reason": "再次申诉", "evidence": "同上"})
    assert again.status_code == 409
    assert "已有待督查室裁定的申诉" in html(again)
    assert "提交申诉" not in html(client.get(RATINGS))
    assert "待督查室裁定" in html(client.get(RATINGS))


def test_another_unit_cannot_appeal_and_the_office_is_refused(district: District) -> None:
    d = district
    order = bad_order(d)
    url = reverse("evaluations:appeal_file", args=[order.evaluation_id])
    data = {"reason": "误评", "evidence": "录像"}

    assert d.client_for(d.bob).post(url, data).status_code == 404
    assert d.client_for(d.olivia).post(url, data).status_code == 403
    assert not Appeal.objects.exists()


# --- appeals -------------------------------------------------------------------------------


def _filed(d: District, **kwargs: Any) -> Appeal:
    order = bad_order(d, **kwargs)
    return actions.file_appeal(
        actor=d.bob if order.unit == d.hr else d.alice,
        evaluation=order.evaluation,
        reason="评价人所述情况与事实不符",
        evidence="办件记录及录音",
    )


def test_the_office_upholds_from_its_queue(district: District) -> None:
    d = district
    appeal = _filed(d)
    decide = reverse("evaluations:appeal_decide", args=[appeal.pk])
    client = d.client_for(d.olivia)

    page = html(client.get(APPEALS))
    assert "评价人所述情况与事实不符" in page and "办件记录及录音" in page
    assert decide in page and "申诉成立（不计入统计）" in page and "data-confirm" in page

    assert client.post(decide, {"decision": "uphold", "note": ""}).status_code == 400
    response = client.post(decide, {"decision": "uphold", "note": "证据充分"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.UPHELD
    assert Evaluation.objects.get(pk=appeal.evaluation_id).excluded
    assert "没有待裁定的申诉" in html(client.get(APPEALS))
    assert "证据充分" in html(client.get(APPEALS, {"status": "decided"}))

    again = client.post(decide, {"decision": "reject", "note": "改判"})
    assert again.status_code == 409


def test_the_office_rejects_and_the_rating_stays_counted(district: District) -> None:
    d = district
    appeal = _filed(d)

    response = d.client_for(d.olivia).post(
        reverse("evaluations:appeal_decide", args=[appeal.pk]),
        {"decision": "reject", "note": "证据不足"},
    )

    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.REJECTED
    assert not Evaluation.objects.get(pk=appeal.evaluation_id).excluded


def test_units_see_their_own_appeals_and_outcomes_but_may_not_decide(district: District) -> None:
    d = district
    mine = _filed(d)
    theirs = _filed(d, unit=d.hr)
    actions.decide_appeal(actor=d.olivia, appeal=mine, uphold=False, note="证据不足以证明")

    page = html(d.client_for(d.alice).get(APPEALS))
    assert "申诉不成立" in page and "证据不足以证明" in page
    assert reverse("evaluations:appeal_decide", args=[theirs.pk]) not in page
    assert "/decide/" not in page

    assert (
        d.client_for(d.alice)
        .post(
            reverse("evaluations:appeal_decide", args=[theirs.pk]),
            {"decision": "uphold", "note": "x"},
        )
        .status_code
        == 404
    )
    assert (
        d.client_for(d.bob)
        .post(
            reverse("evaluations:appeal_decide", args=[theirs.pk]),
            {"decision": "uphold", "note": "x"},
        )
        .status_code
        == 403
    )
    theirs.refresh_from_db()
    assert theirs.status == Appeal.Status.PENDING


def test_discipline_inspection_has_no_rectification_list(district: District) -> None:
    # Rectifications are a serving unit's casework; the menu hides the link from discipline
    # inspection, and the page itself answers 404 rather than an empty list.
    assert district.client_for(district.dora).get(LIST).status_code == 404
    assert district.client_for(district.alice).get(LIST).status_code == 200
    assert district.client_for(district.olivia).get(LIST).status_code == 200
