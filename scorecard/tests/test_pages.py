"""The scorecard pages: the office computes, reviews, publishes and corrects a month; the
public sees published months only; a unit sees its own page and drills down from a score to
the records behind it; another unit's score is a 404."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.urls import reverse

from complaints import actions as complaint_actions
from complaints.identity import Identity
from complaints.models import Complaint
from conftest import District
from scorecard import actions
from scorecard.models import Commitment, IndicatorScore, Interview, Scorecard, Standard
from scorecard.tests.factories import (
    CLOSED,
    NOVEMBER,
    NOW,
    Month,
    cases_of_november,
    computed,
    second_office,
)
from scorecard.tests.fixtures import at, build_november
from zuofeng.duty.sweep import sweep

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("first_standard")]


@pytest.fixture(autouse=True)
def cases_only_rank(settings: Any) -> None:
    """These months hold cases only (36 % of the default weight): rank them anyway, since
    these tests are about the pages; the 60 % rule has its own tests in test_publishing."""
    settings.ZUOFENG = {**settings.ZUOFENG, "SCORECARD_MIN_VALID_WEIGHT": 30}


@pytest.fixture
def frozen() -> Any:
    """3 December 2026: November has ended (and may be published), December is running."""
    with time_machine.travel(CLOSED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def november(district: District, frozen: Any) -> Month:
    return cases_of_november(district)


def text_of(response: Any) -> str:
    return response.content.decode()


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def score_of(scorecard: Scorecard, unit: Any, code: str) -> IndicatorScore:
    return IndicatorScore.objects.get(
        unit_score__scorecard=scorecard, unit_score__unit=unit, indicator__code=code
    )


# --- the office's month page ----------------------------------------------------------------


def test_office_computes_a_month_and_reviews_the_draft(district: District, november: Month) -> None:
    office = district.client_for(district.olivia)

    response = office.post(reverse("scorecard:compute"), {"month": "2026-11"}, follow=True)

    scorecard = Scorecard.objects.get()
    assert scorecard.status == Scorecard.Status.DRAFT
    assert response.request["PATH_INFO"] == reverse("scorecard:review", args=[scorecard.pk])
    page = text_of(response)
    assert "2026年11月考核 · 第1版" in page and "待审核" in page
    assert district.market.name in page and district.hr.name in page
    assert "超期未办结件数" in page and "按期办结率" in page
    # Whoever computed it cannot publish it: the page says so and offers no button.
    assert "须由另一名督查室人员审核发布" in page and 'data-confirm="发布后' not in page
    other = district.client_for(second_office(district))
    review = text_of(other.get(reverse("scorecard:review", args=[scorecard.pk])))
    assert 'data-confirm="发布后' in review  # a second office user may; publishing asks first


def test_computing_a_future_month_says_so_and_changes_nothing(
    district: District, november: Month
) -> None:
    office = district.client_for(district.olivia)

    response = office.post(reverse("scorecard:compute"), {"month": "2027-01"}, follow=True)

    assert any("尚未到来" in m for m in messages_of(response))
    assert not Scorecard.objects.exists()


def test_a_malformed_month_is_refused_in_chinese(district: District, november: Month) -> None:
    office = district.client_for(district.olivia)

    response = office.post(reverse("scorecard:compute"), {"month": "十一月"}, follow=True)

    assert any("请按“年-月”填写月份" in m for m in messages_of(response))
    assert not Scorecard.objects.exists()


def test_weights_that_do_not_add_up_are_refused(district: District, november: Month) -> None:
    indicator = Standard.objects.get().indicators.get(code="overdue")
    indicator.weight += 5
    indicator.save()
    office = district.client_for(district.olivia)

    response = office.post(reverse("scorecard:compute"), {"month": "2026-11"}, follow=True)

    assert any("权重之和必须等于 100" in m for m in messages_of(response))
    assert not Scorecard.objects.exists()


def test_publishing_twice_is_refused_with_a_message(district: District, november: Month) -> None:
    office = district.client_for(district.olivia)
    office.post(reverse("scorecard:compute"), {"month": "2026-11"})  # on 3 December
    scorecard = Scorecard.objects.get()
    office = district.client_for(second_office(district))
    url = reverse("scorecard:publish", args=[scorecard.pk])

    first = office.post(url, follow=True)
    again = office.post(url, follow=True)

    assert any("已发布" in m for m in messages_of(first))
    assert any("不能重复发布" in m for m in messages_of(again))
    scorecard.refresh_from_db()
    assert scorecard.status == Scorecard.Status.PUBLISHED


def test_a_correction_is_a_new_version_with_its_reason(district: District, november: Month) -> None:
    published = computed(district, publish=True)
    office = district.client_for(district.olivia)

    empty = office.post(reverse("scorecard:correct", args=[published.pk]), {"reason": " "})
    assert Scorecard.objects.count() == 1 and empty.status_code == 302

    response = office.post(
        reverse("scorecard:correct", args=[published.pk]),
        {"reason": "市场监管局两件办件的受理时间录入有误"},
        follow=True,
    )

    draft = Scorecard.objects.get(version=2)
    assert draft.status == Scorecard.Status.DRAFT
    page = text_of(response)
    assert "更正原因：市场监管局两件办件的受理时间录入有误" in page
    assert "第1版" in page and "已发布" in page  # the versions of the month
    listing = text_of(office.get(reverse("scorecard:months")))
    assert "市场监管局两件办件的受理时间录入有误" in listing


def test_unit_staff_cannot_reach_the_office_pages(district: District, november: Month) -> None:
    scorecard = computed(district, publish=True)
    interview = Interview.objects.create(
        unit=district.market, flagged_month=NOVEMBER, reason="连续两个月排名靠后"
    )
    head = district.client_for(district.ahead)

    for url in (
        reverse("scorecard:months"),
        reverse("scorecard:overview"),
        reverse("scorecard:review", args=[scorecard.pk]),
        reverse("scorecard:print", args=[scorecard.pk]),
        reverse("scorecard:export", args=[scorecard.pk]),
        reverse("scorecard:interviews"),
        reverse("scorecard:interview", args=[interview.pk]),
    ):
        assert head.get(url).status_code == 404, url
    assert head.post(reverse("scorecard:compute"), {"month": "2026-11"}).status_code == 404
    assert head.post(reverse("scorecard:publish", args=[scorecard.pk])).status_code == 404


# --- the public rankings ----------------------------------------------------------------------


def test_drafts_are_never_public(client: Any, district: District, november: Month) -> None:
    draft = computed(district)

    page = text_of(client.get(reverse("scorecard:rankings")))

    assert "尚未发布任何月份的考核结果" in page
    assert district.market.name not in page
    assert client.get(reverse("scorecard:rankings"), {"month": "2026-11"}).status_code == 404
    assert client.get(reverse("scorecard:review", args=[draft.pk])).status_code == 302  # login


def test_public_rankings_show_the_published_month_by_group_with_definitions(
    client: Any, district: District, november: Month
) -> None:
    scorecard = computed(district, publish=True)

    response = client.get(reverse("scorecard:rankings"))

    page = text_of(response)
    assert "2026年11月" in page
    assert "部门排名" in page and "乡镇（街道）排名" in page
    departments = page.split("部门排名")[1].split("乡镇（街道）排名")[0]
    assert departments.index(district.hr.name) < departments.index(district.market.name)
    assert district.town.name in page.split("乡镇（街道）排名")[1]
    assert "考核指标说明" in page and "当月受理、已过办理期限仍未办结的办件数" in page
    market = scorecard.unit_scores.get(unit=district.market)
    assert str(market.total) in page
    assert "/staff/" not in page.split("考核指标说明")[0].split("部门排名")[1]  # no staff links


def test_the_month_picker_lists_published_months_only(
    client: Any, district: District, november: Month
) -> None:
    computed(district, publish=True)

    page = text_of(client.get(reverse("scorecard:rankings"), {"month": "2026-11"}))

    assert re.findall(r'<option value="([\d-]+)"', page) == ["2026-11"]


# --- a unit's own page and the drill-down ----------------------------------------------------


def test_head_sees_own_unit_score_rank_and_costliest_indicator_first(
    district: District, november: Month
) -> None:
    scorecard = computed(district, publish=True)
    head = district.client_for(district.ahead)

    response = head.get(reverse("scorecard:my_unit"))

    assert response.status_code == 200
    page = text_of(response)
    market = scorecard.unit_scores.get(unit=district.market)
    assert str(market.total) in page
    assert f'<strong id="unit-rank">{market.rank}</strong>' in page
    losses = response.context["losses"]
    assert losses[0].cell.indicator.code == "overdue"  # three overdue cases cost the most
    assert [loss.lost for loss in losses] == sorted((loss.lost for loss in losses), reverse=True)
    overdue = score_of(scorecard, district.market, "overdue")
    assert reverse("scorecard:drill_down", args=[overdue.pk]) + "?part=numerator" in page
    assert 'id="unit-trend-data" type="application/json"' in page


def test_another_units_page_and_scores_are_404(district: District, november: Month) -> None:
    scorecard = computed(district, publish=True)
    hr_score = score_of(scorecard, district.hr, "on_time")
    head = district.client_for(district.ahead)

    assert head.get(reverse("scorecard:unit", args=[district.hr.pk])).status_code == 404
    assert head.get(reverse("scorecard:drill_down", args=[hr_score.pk])).status_code == 404
    office = district.client_for(district.olivia)
    assert office.get(reverse("scorecard:unit", args=[district.hr.pk])).status_code == 200
    assert office.get(reverse("scorecard:drill_down", args=[hr_score.pk])).status_code == 200


def test_a_unit_does_not_see_its_draft_scores(district: District, november: Month) -> None:
    scorecard = computed(district)
    market_score = score_of(scorecard, district.market, "overdue")
    head = district.client_for(district.ahead)

    page = text_of(head.get(reverse("scorecard:my_unit")))

    assert "本单位还没有已发布的考核结果" in page
    assert head.get(reverse("scorecard:drill_down", args=[market_score.pk])).status_code == 404


def test_drill_down_lists_match_the_numbers(district: District, november: Month) -> None:
    scorecard = computed(district, publish=True)
    head = district.client_for(district.ahead)

    for score in IndicatorScore.objects.filter(
        unit_score__scorecard=scorecard, unit_score__unit=district.market
    ).select_related("indicator"):
        url = reverse("scorecard:drill_down", args=[score.pk])
        numerator = head.get(url, {"part": "numerator"})
        assert numerator.context["page"].paginator.count == score.numerator, score.indicator
        if score.indicator.is_rate:
            denominator = head.get(url, {"part": "denominator"})
            assert denominator.context["page"].paginator.count == score.denominator
        else:
            assert head.get(url, {"part": "denominator"}).status_code == 404


def test_every_drill_down_of_the_hand_counted_month_matches_its_number_without_identities(
    district: District, settings: Any
) -> None:
    build_november(district, settings)
    named, _ = complaint_actions.file_complaint(
        actor=None,
        channel=Complaint.Channel.WEB,
        text="我叫李春华，窗口推诿不办",
        unit=district.market,
        identity=Identity(name="李春华", phone="13912345678", id_number="110101199001014321"),
        at=at(5, 9),
    )
    complaint_actions.triage(actor=district.olivia, complaint=named, category="service", at=at(5))
    sweep(NOW)
    scorecard = computed(district, publish=True)
    head = district.client_for(district.ahead)

    pages = []
    for score in IndicatorScore.objects.filter(
        unit_score__scorecard=scorecard, unit_score__unit=district.market
    ).select_related("indicator"):
        parts = ["numerator", "denominator"] if score.indicator.is_rate else ["numerator"]
        for part in parts:
            response = head.get(reverse("scorecard:drill_down", args=[score.pk]), {"part": part})
            expected = score.numerator if part == "numerator" else score.denominator
            assert response.context["page"].paginator.count == expected, (score.indicator, part)
            pages.append(text_of(response))

    everything = "".join(pages)
    assert named.number in everything  # the complaint is listed...
    for secret in ("李春华", "李*华", "13912345678", "110101199001014321", "窗口推诿不办"):
        assert secret not in everything  # ...but never who filed it, nor what they wrote
    assert "张三" not in everything and "13800001234" not in everything


def test_drill_down_from_overdue_lists_the_overdue_cases_with_links(
    district: District, november: Month
) -> None:
    scorecard = computed(district, publish=True)
    overdue = score_of(scorecard, district.market, "overdue")
    head = district.client_for(district.ahead)

    page = text_of(head.get(reverse("scorecard:drill_down", args=[overdue.pk])))

    assert overdue.numerator == 3
    for case in november.overdue:
        assert (
            f'<a href="{reverse("cases:staff_detail", args=[case.pk])}">{case.number}</a>' in page
        )
    for case in november.on_time:
        assert case.number not in page
    assert "张三" not in page and "13800001234" not in page  # no applicant data in the list


def test_drill_down_pages_through_long_lists(district: District, frozen: Any) -> None:
    cases_of_november(district, overdue=30, on_time=0)
    scorecard = computed(district, publish=True)
    overdue = score_of(scorecard, district.market, "overdue")
    head = district.client_for(district.ahead)
    url = reverse("scorecard:drill_down", args=[overdue.pk])

    first = head.get(url)
    second = head.get(url, {"part": "numerator", "page": 2})

    assert len(first.context["rows"]) == 25 and len(second.context["rows"]) == 5
    assert "part=numerator&amp;page=2" in text_of(first)


# --- the overview, print and interviews --------------------------------------------------------


def test_overview_passes_chart_data_without_inline_script(
    district: District, november: Month
) -> None:
    computed(district, publish=True)
    office = district.client_for(district.olivia)

    response = office.get(reverse("scorecard:overview"))

    page = text_of(response)
    heatmap = response.context["heatmap"]
    assert [g["label"] for g in heatmap] == ["部门", "乡镇（街道）"]
    assert "超期未办结件数" in heatmap[0]["indicators"]
    assert "vendor/echarts/echarts.min.js" in page and "scorecard/charts.js" in page
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "红榜" not in page  # an honour roll: the worst units are a warning list
    warned = page.split("预警名单（各组排名末位）")[1].split('id="warning-list"')[1]
    assert district.market.name in warned  # bottom of the departments


def test_print_page_has_every_group_and_the_definitions(
    district: District, november: Month
) -> None:
    scorecard = computed(district, publish=True)
    office = district.client_for(district.olivia)

    page = text_of(office.get(reverse("scorecard:print", args=[scorecard.pk])))

    assert "data-print" in page and page.count('class="print-group"') == 3
    assert "指标说明" in page
    # A4 landscape (issue 11, defect 10), and every column of the table is on the page.
    assert "scorecard/print.css" in page
    css = Path(finders.find("scorecard/print.css")).read_text()  # type: ignore[arg-type]
    assert re.search(r"@page\s*{[^}]*size:\s*A4 landscape", css)
    table = page.split('class="print-group"')[1]
    names = scorecard.standard.indicators.values_list("name", flat=True)
    headers = ["排名", "单位", "总分", *names]
    assert re.findall(r"<th[^>]*>([^<]+)</th>", table) == headers


def test_office_records_an_interview_with_commitments_on_the_clock(
    district: District, november: Month
) -> None:
    computed(district, publish=True)
    interview = Interview.objects.create(
        unit=district.market,
        head=district.ahead,
        flagged_month=NOVEMBER,
        reason="连续 2 个月在部门排名倒数 3 名以内",
    )
    office = district.client_for(district.olivia)
    listing = text_of(office.get(reverse("scorecard:interviews")))
    assert district.market.name in listing and "待约谈" in listing
    url = reverse("scorecard:interview", args=[interview.pk])
    management = {"c-TOTAL_FORMS": "3", "c-INITIAL_FORMS": "0"}

    missing = office.post(
        url, {"minutes": "约谈记录", **management, "c-0-text": "清理超期件"}, follow=True
    )
    assert "请填写完成时限（工作日）" in text_of(missing)
    assert not Commitment.objects.exists()

    response = office.post(
        url,
        {
            "minutes": "督查室约谈市场监管局一把手，指出超期未办结问题。",
            **management,
            "c-0-text": "十个工作日内清理全部超期办件",
            "c-0-limit_workdays": "10",
            "c-1-text": "建立每周督办机制",
            "c-1-limit_workdays": "20",
        },
        follow=True,
    )

    assert any("已记录" in m for m in messages_of(response))
    interview.refresh_from_db()
    assert interview.status == Interview.Status.HELD
    commitments = list(Commitment.objects.order_by("due_at"))
    assert [c.text for c in commitments] == ["十个工作日内清理全部超期办件", "建立每周督办机制"]
    assert all(c.due_at for c in commitments)
    unit_page = text_of(district.client_for(district.ahead).get(reverse("scorecard:my_unit")))
    assert "十个工作日内清理全部超期办件" in unit_page
    assert commitments[0].due_at.astimezone(NOW.tzinfo).strftime("%Y-%m-%d") in unit_page


def test_staff_home_card_points_the_office_to_the_draft_and_the_head_to_the_score(
    district: District, november: Month
) -> None:
    draft = computed(district)
    office_home = text_of(district.client_for(district.olivia).get(reverse("portal:staff_home")))
    assert (
        reverse("scorecard:review", args=[draft.pk]) in office_home and "待审核发布" in office_home
    )

    published = computed(district, publish=True)
    head_home = text_of(district.client_for(district.ahead).get(reverse("portal:staff_home")))
    market = published.unit_scores.get(unit=district.market)
    assert f"总分 <strong>{market.total}</strong>" in head_home
    assert reverse("scorecard:my_unit") in head_home


def test_the_office_card_does_not_offer_the_running_month_for_publication(
    district: District, november: Month
) -> None:
    # 3 December: a preview of December may be computed, but it cannot be published yet.
    preview = actions.compute_month(actor=district.olivia, month=dt.date(2026, 12, 1), now=CLOSED)
    office_home = text_of(district.client_for(district.olivia).get(reverse("portal:staff_home")))
    assert reverse("scorecard:review", args=[preview.pk]) not in office_home
    november_draft = computed(district)
    office_home = text_of(district.client_for(district.olivia).get(reverse("portal:staff_home")))
    assert reverse("scorecard:review", args=[november_draft.pk]) in office_home


def test_month_pages_cost_a_fixed_number_of_queries(
    client: Any,
    district: District,
    november: Month,
    django_assert_max_num_queries: Any,
) -> None:
    scorecard = computed(district, publish=True)
    office = district.client_for(district.olivia)
    office.get(reverse("scorecard:review", args=[scorecard.pk]))  # warm the session and caches

    with django_assert_max_num_queries(12):
        assert office.get(reverse("scorecard:review", args=[scorecard.pk])).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("scorecard:rankings")).status_code == 200
    with django_assert_max_num_queries(14):
        assert office.get(reverse("scorecard:overview")).status_code == 200
    head = district.client_for(district.ahead)
    head.get(reverse("scorecard:my_unit"))
    with django_assert_max_num_queries(11):  # 10, and the bar's unread inbox count
        assert head.get(reverse("scorecard:my_unit")).status_code == 200

    # A second version of the month: the month list must not cost a query per row.
    office.post(reverse("scorecard:correct", args=[scorecard.pk]), {"reason": "录入有误"})
    assert Scorecard.objects.count() == 2
    with django_assert_max_num_queries(7):
        assert office.get(reverse("scorecard:months")).status_code == 200
