"""A year the calendar library does not know: the statutory holidays the law fixes, marked
"predicted" until an admin enters the State Council's notice (its swapped working days)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from conftest import District
from zuofeng.workdays import calendar
from zuofeng.workdays.actions import save_day_override
from zuofeng.workdays.checks import holiday_data_check
from zuofeng.workdays.models import DayOverride
from zuofeng.workdays.statutory import statutory_holidays

SH = ZoneInfo("Asia/Shanghai")
D = dt.date

pytestmark = pytest.mark.django_db

# Before the State Council's notice for 2027 (published each year around November).
BEFORE_THE_2027_NOTICE = dt.datetime(2026, 11, 26, 10, tzinfo=SH)
PREDICTED_BANNER = "2027 年的放假安排是系统预测的"


def enter(day: D, *, working: bool, name: str = "") -> None:
    save_day_override(actor=None, override=DayOverride(date=day, is_workday=working, name=name))


def test_ten_working_days_after_2026_12_28_end_on_2027_01_12_with_no_admin_entry() -> None:
    # Dec 29, 30, 31; 1 Jan is 元旦; Jan 4–8; Jan 11, 12.
    due = calendar.add_workdays(dt.datetime(2026, 12, 28, 10, tzinfo=SH), 10)
    assert due.date() == D(2027, 1, 12)
    assert DayOverride.objects.count() == 0


def test_2027_predicted_holidays_are_the_days_the_law_fixes() -> None:
    assert statutory_holidays(2027) == {
        D(2027, 1, 1): "元旦",
        # 除夕 is 腊月廿九 (the twelfth month has 29 days); 初一 is Saturday 6 February.
        D(2027, 2, 5): "春节",
        D(2027, 2, 6): "春节",
        D(2027, 2, 7): "春节",
        D(2027, 2, 8): "春节",
        D(2027, 4, 5): "清明节",
        D(2027, 5, 1): "劳动节",
        D(2027, 5, 2): "劳动节",
        D(2027, 6, 9): "端午节",
        D(2027, 9, 15): "中秋节",
        D(2027, 10, 1): "国庆节",
        D(2027, 10, 2): "国庆节",
        D(2027, 10, 3): "国庆节",
    }
    for day in statutory_holidays(2027):
        assert not calendar.is_workday(day)


def test_new_years_eve_is_the_day_before_the_lunar_new_year_after_a_30_day_twelfth_month() -> None:
    # Lunar 2029's twelfth month has 30 days: 除夕 is 腊月三十, Saturday 2 February 2030.
    spring = [day for day, name in statutory_holidays(2030).items() if name == "春节"]
    assert spring == [D(2030, 2, 2), D(2030, 2, 3), D(2030, 2, 4), D(2030, 2, 5)]


def test_mid_autumn_inside_national_day_is_one_day_with_both_names() -> None:
    assert statutory_holidays(2020)[D(2020, 10, 1)] == "国庆节、中秋节"


@pytest.mark.parametrize("year", [2025, 2026])
def test_predicted_days_of_a_year_under_the_2024_rules_are_all_library_holidays(year: int) -> None:
    predicted = set(statutory_holidays(year))
    library = {day for day in predicted if chinese_calendar.is_holiday(day)}
    assert predicted == library
    assert len(predicted) == 13


def test_lunar_and_solar_term_holidays_agree_with_the_library_from_2008_to_2026() -> None:
    # 清明, 端午 and 中秋 have been holidays since 2008, and 初一 to 初三 throughout; 除夕 and
    # 2 May only since the 2024 revision. This checks the lunar conversion and the solar term.
    always = {"春节", "清明节", "端午节", "中秋节"}
    for year in range(2008, 2027):
        days = statutory_holidays(year)
        eve = min(day for day, name in days.items() if name == "春节")
        for day, name in days.items():
            if always & set(name.split("、")) and day != eve:
                assert chinese_calendar.is_holiday(day), (year, day, name)


def test_a_statutory_day_on_a_weekend_is_not_moved_to_monday() -> None:
    # 1–2 May 2027 are Saturday and Sunday; only the State Council's notice could move them.
    assert not calendar.is_workday(D(2027, 5, 2))
    assert calendar.is_workday(D(2027, 5, 3))
    assert calendar.is_workday(D(2027, 2, 9))  # Tuesday after 初三 (Monday 8 Feb)


def test_year_status_is_library_then_predicted_then_announced() -> None:
    assert calendar.year_status(2026) == "library"
    assert calendar.year_status(2027) == "predicted"
    enter(D(2027, 2, 20), working=True, name="春节调休上班")
    assert calendar.year_status(2027) == "announced"
    assert calendar.year_status(2026) == "library"


def test_announced_swapped_days_apply_on_top_of_the_statutory_days() -> None:
    enter(D(2027, 2, 20), working=True, name="春节调休上班")  # a Saturday
    enter(D(2027, 2, 9), working=False, name="春节")  # an extra rest day
    enter(D(2027, 1, 1), working=True, name="测试：法定假日改为上班")
    assert calendar.is_workday(D(2027, 2, 20))
    assert not calendar.is_workday(D(2027, 2, 9))
    assert calendar.is_workday(D(2027, 1, 1))
    # The days not in the notice keep the statutory rule.
    assert not calendar.is_workday(D(2027, 2, 8))
    assert not calendar.is_workday(D(2027, 10, 1))
    # From 除夕 (Fri 5 Feb), with Tue 9 now a rest day: 10, 11, 12, 15, 16.
    assert calendar.add_workdays(dt.datetime(2027, 2, 5, 10, tzinfo=SH), 5).date() == D(2027, 2, 16)
    # From Thu 18 Feb: Fri 19, then the swapped Saturday 20.
    assert calendar.add_workdays(dt.datetime(2027, 2, 18, 10, tzinfo=SH), 2).date() == D(
        2027, 2, 20
    )


@time_machine.travel(BEFORE_THE_2027_NOTICE, tick=False)
def test_deploy_check_warns_that_2027_is_predicted_until_an_admin_enters_it() -> None:
    out, err = StringIO(), StringIO()
    call_command("check", deploy=True, fail_level="CRITICAL", stdout=out, stderr=err)
    output = out.getvalue() + err.getvalue()
    assert "workdays.W001" in output
    assert "2027 年的放假安排是系统预测的" in output
    assert "调休上班日" in output

    enter(D(2027, 2, 20), working=True, name="春节调休上班")
    assert holiday_data_check() == []


@time_machine.travel(BEFORE_THE_2027_NOTICE, tick=False)
def test_office_workbench_says_2027_is_predicted_and_swapped_days_are_awaited(
    district: District,
) -> None:
    office = district.client_for(district.olivia)
    page = office.get(reverse("portal:staff_home")).content.decode()
    assert PREDICTED_BANNER in page
    assert "调休上班日要等国务院办公厅发布放假通知" in page

    enter(D(2027, 2, 20), working=True, name="春节调休上班")
    assert PREDICTED_BANNER not in office.get(reverse("portal:staff_home")).content.decode()


@time_machine.travel(BEFORE_THE_2027_NOTICE, tick=False)
def test_admin_entering_the_notice_sees_the_predicted_holidays_of_2027(district: District) -> None:
    admin = district.client_for(district.root)
    page = admin.get("/admin/workdays/dayoverride/").content.decode()
    assert "2027 年的放假通知尚未录入" in page
    assert "春节 2月5日至2月8日；清明节 4月5日" in page
    assert "法定节假日本身无需录入" in page
