"""The problem pages as their users meet them: the office's list and filters, a unit's own
list, the detail page's steps, 404 for another unit's problem, and the raiser's contact never
on any page of the owner unit."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from complaints.identity import Identity
from conftest import PASSWORD
from problems import actions
from problems.models import Problem

PHONE = "13912345678"


def login(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def open_one(district: Any, unit: Any = None, *, raised_by: Any = "default", **kw: Any) -> Problem:
    if raised_by == "default":
        raised_by = Identity(name="测试居民", phone=PHONE)
    problem, _ = actions.open_problem(
        actor=district.olivia,
        source=district.town,
        unit=unit or district.market,
        title=kw.get("title", "农贸市场门口占道经营"),
        description=kw.get("description", "早上七点到九点商贩占道，车辆无法通行，反映多次无人管"),
        raised_by=raised_by,
    )
    return problem


@pytest.fixture
def problems(district: Any) -> dict[str, Problem]:
    return {
        "market": open_one(district),
        "hr": open_one(district, district.hr, title="社保窗口排长队"),
    }


@pytest.mark.django_db
class TestLists:
    def test_the_office_sees_every_units_problems(self, district: Any, problems: Any) -> None:
        page = login(district.olivia).get(reverse("problems:list")).content.decode()
        assert "农贸市场门口占道经营" in page and "社保窗口排长队" in page

    def test_the_office_filters_by_unit_and_status(self, district: Any, problems: Any) -> None:
        client = login(district.olivia)
        page = client.get(reverse("problems:list"), {"unit": district.hr.pk}).content.decode()
        assert "社保窗口排长队" in page and "农贸市场门口占道经营" not in page
        page = client.get(reverse("problems:list"), {"status": "closed"}).content.decode()
        assert "没有符合条件的问题" in page

    def test_the_office_filters_by_category_and_source(self, district: Any, problems: Any) -> None:
        client = login(district.olivia)
        code = problems["hr"].category_id
        page = client.get(reverse("problems:list"), {"category": code}).content.decode()
        assert "社保窗口排长队" in page
        page = client.get(reverse("problems:list"), {"source": "forums"}).content.decode()
        assert "社保窗口排长队" not in page

    def test_a_unit_sees_only_its_own(self, district: Any, problems: Any) -> None:
        page = login(district.alice).get(reverse("problems:list")).content.decode()
        assert "农贸市场门口占道经营" in page and "社保窗口排长队" not in page

    def test_an_empty_list_says_so(self, district: Any) -> None:
        page = login(district.bob).get(reverse("problems:list")).content.decode()
        assert "暂无交本单位办理的调研发现问题" in page

    def test_the_list_is_paginated(self, district: Any) -> None:
        for i in range(27):
            open_one(district, title=f"问题第{i}号", raised_by=None)
        client = login(district.olivia)
        first = client.get(reverse("problems:list")).content.decode()
        assert "第 1 / 2 页" in first
        second = client.get(reverse("problems:list"), {"page": 2}).content.decode()
        assert second.count('class="box problem-row"') == 2

    def test_residents_and_applicants_get_404(self, district: Any, problems: Any) -> None:
        assert login(district.ruth).get(reverse("problems:list")).status_code == 404


@pytest.mark.django_db
class TestScoping:
    def test_another_units_problem_is_404(self, district: Any, problems: Any) -> None:
        client = login(district.bob)
        assert (
            client.get(reverse("problems:detail", args=[problems["market"].pk])).status_code == 404
        )
        response = client.post(
            reverse("problems:act", args=[problems["market"].pk, "report"]), {"report": "已处理"}
        )
        assert response.status_code == 404

    def test_the_raisers_phone_never_reaches_the_unit(self, district: Any, problems: Any) -> None:
        problem = problems["market"]
        client = login(district.alice)
        pages = [
            client.get(reverse("problems:list")),
            client.get(reverse("problems:detail", args=[problem.pk])),
            client.post(reverse("problems:act", args=[problem.pk, "report"]), {"report": "已清理"}),
            client.get(reverse("problems:detail", args=[problem.pk])),
        ]
        for response in pages:
            body = response.content.decode()
            assert PHONE not in body and "测试居民" not in body
        # ...and the unit cannot ask for it.
        reveal = client.post(reverse("problems:act", args=[problem.pk, "reveal"]))
        assert reveal.status_code == 404 and PHONE not in reveal.content.decode()

    def test_the_office_reveals_the_contact_for_the_callback_audited(
        self, district: Any, problems: Any
    ) -> None:
        from zuofeng.audit.models import AuditEvent

        problem = problems["market"]
        actions.report_problem(problem, actor=district.alice, report="已清理")
        client = login(district.olivia)
        page = client.get(reverse("problems:detail", args=[problem.pk])).content.decode()
        assert PHONE not in page and "查看反映人联系方式" in page
        shown = client.post(reverse("problems:act", args=[problem.pk, "reveal"]))
        assert PHONE in shown.content.decode()
        assert AuditEvent.objects.filter(action="problems.reveal_raiser").count() == 1


@pytest.mark.django_db
class TestSteps:
    def test_the_unit_reports_and_the_office_calls_back(self, district: Any, problems: Any) -> None:
        problem = problems["market"]
        unit = login(district.alice)
        page = unit.get(reverse("problems:detail", args=[problem.pk])).content.decode()
        assert "报告办理情况" in page and "记录回访结果" not in page
        assert "催办督办" in page  # the duty panel
        empty = unit.post(reverse("problems:act", args=[problem.pk, "report"]), {"report": " "})
        assert empty.status_code == 400 and "请填写办理情况" in empty.content.decode()
        done = unit.post(reverse("problems:act", args=[problem.pk, "report"]), {"report": "已清理"})
        assert done.status_code == 302
        office = login(district.olivia)
        missing = office.post(
            reverse("problems:act", args=[problem.pk, "callback"]), {"result": "dissatisfied"}
        )
        assert missing.status_code == 400
        assert "请写明还有什么没有解决" in missing.content.decode()
        office.post(reverse("problems:act", args=[problem.pk, "callback"]), {"result": "satisfied"})
        problem.refresh_from_db()
        assert problem.status == Problem.Status.CLOSED

    def test_a_stale_page_gets_a_clear_conflict(self, district: Any, problems: Any) -> None:
        problem = problems["market"]
        client = login(district.olivia)
        response = client.post(
            reverse("problems:act", args=[problem.pk, "callback"]), {"result": "satisfied"}
        )
        assert response.status_code == 409
        assert "不能回访" in response.content.decode()

    def test_the_office_corrects_the_category_on_the_page(
        self, district: Any, problems: Any
    ) -> None:
        problem = problems["market"]
        target = "integrity" if problem.category_id != "integrity" else "service"
        login(district.olivia).post(
            reverse("problems:act", args=[problem.pk, "reclassify"]), {"category": target}
        )
        problem.refresh_from_db()
        assert problem.category_id == target and problem.category_corrected

    def test_anonymous_problem_offers_only_verification(self, district: Any) -> None:
        problem = open_one(district, raised_by=None)
        actions.report_problem(problem, actor=district.alice, report="已修复")
        page = login(district.olivia).get(reverse("problems:detail", args=[problem.pk]))
        body = page.content.decode()
        assert "记录核实结果" in body and "记录回访结果" not in body


@pytest.mark.django_db
def test_the_list_shows_the_outcome_rates_of_what_it_lists(district: Any) -> None:
    solved = open_one(district)
    open_one(district, title="另一个问题")
    actions.report_problem(solved, actor=district.alice, report="已处理")
    actions.record_callback(solved, actor=district.olivia, result="basic")
    page = login(district.olivia).get(reverse("problems:list")).content.decode()
    assert "回访满意率" in page and "100%" in page and "（50%）" in page


@pytest.mark.django_db
def test_the_office_is_told_when_a_unit_reports(district: Any) -> None:
    from zuofeng.duty.models import Notification

    problem = open_one(district)
    actions.report_problem(problem, actor=district.alice, report="已处理")
    inbox = Notification.objects.unread_for(district.olivia)
    assert inbox.filter(title__startswith="调研发现问题待回访").exists()
    assert not Notification.objects.unread_for(district.bob).exists()


@pytest.mark.django_db
def test_the_list_costs_the_same_few_queries_for_many_problems(
    district: Any, django_assert_max_num_queries: Any
) -> None:
    client = login(district.olivia)
    open_one(district, raised_by=None)
    client.get(reverse("problems:list"))  # warm the session and caches
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("problems:list"))
    for i in range(20):
        open_one(district, title=f"问题{i}", raised_by=None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("problems:list"))
