"""The office records a forum (who came, in kinds and numbers; the minutes), raises its
problems, each a duty of its unit with a receipt for the raiser, and prints the minutes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from forums import actions
from forums.models import Forum
from problems.models import Problem
from problems.reads import problems_of

MINUTES = "一、镇政府通报营商环境工作情况。\n二、企业代表发言，反映办事难点。"


def login(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def record(district: Any, **kw: Any) -> Forum:
    values = {
        "title": "青石镇企业座谈会",
        "held_on": dt.date(2026, 11, 20),
        "place": "青石镇政府三楼会议室",
        "unit": district.town,
        "attendance": {"企业代表": 8, "群众代表": 4, "部门工作人员": None},
        "minutes": MINUTES,
    }
    values.update(kw)
    return actions.record_forum(actor=district.olivia, **values)


def form_data(**kw: Any) -> dict[str, Any]:
    data = {
        "title": "石桥社区群众座谈会",
        "held_on": "2026-11-18",
        "place": "石桥社区党群服务中心",
        "host": "",
        "minutes": MINUTES,
        "count_0": "12",
        "count_1": "",
        "count_2": "",
        "count_3": "2",
        "count_4": "",
        "other_kind": "",
        "other_count": "",
    }
    data.update(kw)
    return data


@pytest.mark.django_db
class TestRecording:
    def test_attendance_is_kinds_and_numbers(self, district: Any) -> None:
        forum = record(district)
        assert {a.kind: a.count for a in forum.attendance.all()} == {"企业代表": 8, "群众代表": 4}
        assert forum.attendee_total == 12

    def test_a_forum_needs_someone_and_minutes(self, district: Any) -> None:
        with pytest.raises(ValidationError) as err:
            record(district, attendance={"群众代表": 0}, minutes="")
        assert "参会人员" in err.value.message_dict and "会议纪要" in err.value.message_dict

    def test_a_forum_cannot_be_recorded_before_it_is_held(self, district: Any) -> None:
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        with pytest.raises(ValidationError) as err:
            record(district, held_on=tomorrow)
        assert "不能晚于今天" in str(err.value)

    def test_only_the_office_records_forums(self, district: Any) -> None:
        with pytest.raises(PermissionDenied):
            actions.record_forum(
                actor=district.alice,
                title="x",
                held_on=dt.date(2026, 11, 1),
                place="y",
                unit=district.market,
                attendance={"群众代表": 3},
                minutes="z",
            )

    def test_problems_raised_are_duties_of_their_units(self, district: Any) -> None:
        forum = record(district)
        problem, code = actions.raise_problem(
            forum,
            actor=district.olivia,
            unit=district.market,
            title="企业开办登记要跑三次",
            description="企业代表反映营业执照变更需要往返窗口三次，材料要求前后不一",
        )
        assert problem.source_type == "forums.forum" and problem.clock_running
        assert list(problems_of(forum)) == [problem] and code


@pytest.mark.django_db
class TestPages:
    def test_the_office_records_a_forum_on_the_form(self, district: Any) -> None:
        client = login(district.olivia)
        response = client.post(
            reverse("forums:new"),
            form_data(unit=district.town.pk, other_kind="退休老干部", other_count="3"),
        )
        forum = Forum.objects.get()
        assert response.status_code == 302
        assert {a.kind: a.count for a in forum.attendance.all()} == {
            "群众代表": 12,
            "村（社区）干部": 2,
            "退休老干部": 3,
        }

    def test_the_form_explains_what_is_missing_in_chinese(self, district: Any) -> None:
        client = login(district.olivia)
        data = form_data(
            unit=district.town.pk, title="", held_on="20261118", count_0="", count_3=""
        )
        body = client.post(reverse("forums:new"), data).content.decode()
        assert "请填写座谈会主题" in body
        assert "日期格式应为 年-月-日" in body
        assert "请至少填写一类参会人员的人数" in body
        other = client.post(
            reverse("forums:new"), form_data(unit=district.town.pk, other_count="2")
        )
        assert "请写明其他参会人员的类别" in other.content.decode()
        assert not Forum.objects.exists()

    def test_raising_a_problem_shows_the_receipt_once(self, district: Any) -> None:
        forum = record(district)
        client = login(district.olivia)
        response = client.post(
            reverse("forums:raise_problem", args=[forum.pk]),
            {
                "title": "社区路灯不亮",
                "description": "石桥社区三号楼前路灯坏了两个月，晚上老人出行不便",
                "unit": district.town.pk,
                "raiser_name": "测试居民",
                "raiser_phone": "13700000000",
            },
            follow=True,
        )
        body = response.content.decode()
        problem = Problem.objects.get()
        assert "问题办理回执" in body and problem.number in body
        assert problem.has_raiser and "13700000000" not in body
        again = client.get(reverse("problems:receipt"), follow=True).content.decode()
        assert "查询码只显示一次" in again

    def test_a_bad_problem_stays_on_the_forum_page_with_messages(self, district: Any) -> None:
        forum = record(district)
        response = login(district.olivia).post(
            reverse("forums:raise_problem", args=[forum.pk]),
            {"title": "", "description": "", "unit": "", "raiser_phone": "123"},
        )
        body = response.content.decode()
        assert response.status_code == 400
        assert "请填写问题概要" in body and "请选择责任单位" in body
        assert "联系电话格式不正确" in body

    def test_list_detail_and_printable_minutes(self, district: Any) -> None:
        client = login(district.olivia)
        empty = client.get(reverse("forums:list")).content.decode()
        assert "还没有登记座谈会" in empty
        forum = record(district)
        actions.raise_problem(
            forum, actor=district.olivia, unit=district.market, title="办照难", description="跑三次"
        )
        listing = client.get(reverse("forums:list")).content.decode()
        assert "青石镇企业座谈会" in listing and "反映问题 1 个，已解决 0 个" in listing
        printed = client.get(reverse("forums:print", args=[forum.pk])).content.decode()
        assert (
            "青石镇企业座谈会纪要" in printed and "办照难" in printed and "企业代表 8 人" in printed
        )

    def test_forum_pages_are_the_offices(self, district: Any) -> None:
        forum = record(district)
        client = login(district.alice)
        assert client.get(reverse("forums:list")).status_code == 404
        assert client.get(reverse("forums:detail", args=[forum.pk])).status_code == 404
