"""The visit pages: the phone form, the lists, the detail with its history, scoping (404)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import District
from problems.models import Problem
from visits.models import Visit, VisitFlag
from visits.tests.factories import CounterpartInput, ProblemInput, day_at, log, photo

pytestmark = pytest.mark.django_db

SECRET_NAME = "柳秘密"
SECRET_PHONE = "13912345678"


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "site_kind": "village",
        "site_name": "柳塘村",
        "kind": "research",
        "day": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "start": "09:00",
        "end": "11:30",
        "learned": "和村民座谈，了解到东头六户夏季经常停水，村民要去邻村挑水。",
        "cp1_kind": "resident",
        "cp1_count": "5",
        "cp1_name": SECRET_NAME,
        "cp1_phone": SECRET_PHONE,
        "pb1_title": "柳塘村东头夏季经常停水",
        "pb1_description": "六户人家用水高峰停水，需改造管网",
        "pb1_raiser": "1",
    }
    data.update(overrides)
    return data


def test_a_cadre_logs_a_visit_and_its_problem_is_assigned(district: District) -> None:
    client = district.client_for(district.alice)
    form = client.get("/staff/visits/new/")
    assert form.status_code == 200 and "登记走访" in form.content.decode()
    data = _form(pb1_unit=str(district.town.pk))
    response = client.post("/staff/visits/new/", data, follow=True)
    page = response.content.decode()
    assert response.status_code == 200, page
    assert response.redirect_chain == [("/staff/visits/logged/", 302)]
    visit = Visit.objects.get()
    problem = Problem.objects.get(source_type="visits.visit", source_id=str(visit.pk))
    assert problem.unit == district.town and problem.has_raiser
    assert problem.number in page and "回执码" in page
    # Shown once: reloading shows no code and logs nothing again.
    again = client.get("/staff/visits/logged/", follow=True).content.decode()
    assert "只显示一次" in again and problem.number not in again
    assert Visit.objects.count() == 1


def test_the_form_says_what_is_missing_in_chinese(district: District) -> None:
    client = district.client_for(district.alice)
    data = _form(cp1_kind="", cp1_count="", cp1_name="", cp1_phone="", pb1_title="",
                 pb1_description="", pb1_raiser="")  # fmt: skip
    response = client.post("/staff/visits/new/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "请至少登记一类交谈对象" in page
    assert not Visit.objects.exists()
    data = _form(pb1_title="", pb1_description="", pb1_raiser="")
    page = client.post("/staff/visits/new/", data).content.decode()
    assert "如果没有发现问题，请说明原因" in page


def test_another_units_visit_is_404_and_the_office_sees_all(district: District) -> None:
    visit = log(district.alice).visit
    assert district.client_for(district.alice).get(f"/staff/visits/{visit.pk}/").status_code == 200
    assert district.client_for(district.bob).get(f"/staff/visits/{visit.pk}/").status_code == 404
    assert district.client_for(district.olivia).get(f"/staff/visits/{visit.pk}/").status_code == 200
    assert district.client_for(district.ruth).get(f"/staff/visits/{visit.pk}/").status_code == 404
    # The office's pages are 404 for a unit's staff.
    for path in ("/staff/visits/all/", "/staff/visits/flags/", "/staff/visits/plans/"):
        assert district.client_for(district.alice).get(path).status_code == 404, path
        assert district.client_for(district.olivia).get(path).status_code == 200, path


def test_a_photo_is_served_only_to_those_who_may_read_the_visit(district: District) -> None:
    visit = log(district.alice, photos=[photo(7)]).visit
    token = visit.photos.get().token
    path = f"/staff/visits/photos/{token}/"
    assert district.client_for(district.ahead).get(path).status_code == 200
    assert district.client_for(district.bob).get(path).status_code == 404


def test_a_sealed_contact_is_never_on_a_page(district: District) -> None:
    client = district.client_for(district.alice)
    client.post("/staff/visits/new/", _form(pb1_unit=str(district.market.pk)))
    visit = Visit.objects.get()
    problem = Problem.objects.get()
    for user in (district.alice, district.ahead, district.amy, district.olivia):
        c = district.client_for(user)
        for path in (
            f"/staff/visits/{visit.pk}/",
            "/staff/visits/mine/",
            "/staff/visits/unit/",
            "/staff/visits/unit/?print=1",
            "/staff/visits/plan/",
            f"/staff/problems/{problem.pk}/",
        ):
            page = c.get(path).content.decode()
            assert SECRET_PHONE not in page and SECRET_NAME not in page, (user, path)


def test_lists_have_empty_states_and_pages(district: District) -> None:
    client = district.client_for(district.alice)
    assert "还没有走访记录" in client.get("/staff/visits/mine/").content.decode()
    assert "还没有走访记录" in client.get("/staff/visits/unit/").content.decode()
    office = district.client_for(district.olivia)
    assert "没有待复核的疑点" in office.get("/staff/visits/flags/").content.decode()
    start = timezone.localtime() - dt.timedelta(days=30)
    for n in range(21):
        log(district.alice, started_at=start + dt.timedelta(days=n), site_name=f"第{n}村")
    page = client.get("/staff/visits/mine/").content.decode()
    assert "第 1 / 2 页" in page
    assert "第 2 / 2 页" in client.get("/staff/visits/mine/?page=2").content.decode()
    listed = office.get(f"/staff/visits/all/?unit={district.market.pk}").content.decode()
    assert "共 21 条" in listed
    assert "共 0 条" in office.get(f"/staff/visits/all/?unit={district.hr.pk}").content.decode()


def test_the_detail_shows_revisions_flags_and_problems(district: District) -> None:
    visit = log(
        district.alice,
        counterparts=[CounterpartInput("resident", 3)],
        no_problem_reason="",
        problems=[ProblemInput("村口路灯不亮", "村口三盏路灯坏了半年", district.town)],
    ).visit
    client = district.client_for(district.alice)
    response = client.post(
        f"/staff/visits/{visit.pk}/revise/",
        {
            "kind": "research",
            "day": timezone.localtime(visit.started_at).date().isoformat(),
            "start": timezone.localtime(visit.started_at).strftime("%H:%M"),
            "end": timezone.localtime(visit.ended_at).strftime("%H:%M"),
            "learned": "补充：路灯问题已告知镇里。" + visit.learned,
            "reason": "补记路灯情况",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/staff/visits/{visit.pk}/").content.decode()
    assert "第 2 版" in page and "补记路灯情况" in page and "村口路灯不亮" in page
    # Only the cadre who logged it may revise it.
    revise = f"/staff/visits/{visit.pk}/revise/"
    assert district.client_for(district.ahead).get(revise).status_code == 404
    assert not VisitFlag.objects.exists()


def test_flags_are_shown_to_the_office_not_to_the_unit(district: District) -> None:
    log(district.alice, started_at=day_at(30))
    copied = log(district.alice, site_name="桃源村", started_at=day_at(10)).visit
    assert VisitFlag.objects.filter(visit=copied).exists()
    for path in (f"/staff/visits/{copied.pk}/", "/staff/visits/mine/", "/staff/visits/unit/"):
        assert "走访情况雷同" not in district.client_for(district.alice).get(path).content.decode()
        assert "待复核" not in district.client_for(district.ahead).get(path).content.decode()
    office = district.client_for(district.olivia).get(f"/staff/visits/{copied.pk}/")
    assert "走访情况雷同" in office.content.decode()


def test_list_pages_cost_the_same_queries_for_more_visits(district: District) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts() -> list[int]:
        found = []
        for user, path in (
            (district.alice, "/staff/visits/mine/"),
            (district.alice, "/staff/visits/unit/?print=1"),
            (district.olivia, "/staff/visits/all/"),
            (district.olivia, "/staff/visits/flags/?status=open"),
        ):
            client = district.client_for(user)
            client.get(path)  # warm the session and the user's caches
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            found.append(len(queries))
        return found

    log(district.alice, started_at=day_at(40), companions=[district.ahead])
    few = counts()
    for n in range(6):
        log(
            district.alice, started_at=day_at(30 - n), site_name=f"第{n}村",
            companions=[district.ahead], photos=[photo(f"q{n}")], learned=f"第{n}次：" + "x" * 5,
        )  # fmt: skip
    assert counts() == few
