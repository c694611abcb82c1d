"""Issue 11, defect 2: on 3 December, December (still running) could be published and became
the public rankings' default month, where a unit with almost every indicator 数据不足 ranked
first with 100.00.

Now: only an ended month is published (plus SCORECARD_PUBLISH_AFTER_DAYS), from a draft
computed after it ended, by a second office user; a unit whose indicators with enough data
carry less than SCORECARD_MIN_VALID_WEIGHT % of its weight is listed 数据不足, not ranked.
Time is frozen on 3 December 2026 throughout."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import District
from scorecard import actions
from scorecard.models import Scorecard
from scorecard.tests.factories import (
    CLOSED,
    NOVEMBER,
    NOW,
    cases_of_november,
    computed,
    second_office,
)
from zuofeng.audit.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("first_standard")]

DECEMBER = dt.date(2026, 12, 1)


@pytest.fixture
def december_third(district: District) -> Any:
    """3 December 2026, November's cases in place (cases only: 36 % of each department's
    weight has data)."""
    with time_machine.travel(CLOSED, tick=False) as traveller:
        cases_of_november(district)
        yield traveller


def assert_not_published(scorecard: Scorecard) -> None:
    scorecard.refresh_from_db()
    assert scorecard.status == Scorecard.Status.DRAFT and scorecard.published_by is None
    assert not AuditEvent.objects.filter(action="scorecard.publish").exists()


def test_a_running_month_is_computed_as_a_draft_but_not_published(
    district: District, december_third: Any
) -> None:
    draft = actions.compute_month(actor=district.olivia, month=DECEMBER)
    assert draft.status == Scorecard.Status.DRAFT  # a preview helps the office

    with pytest.raises(ValidationError, match=r"2026年12月尚未结束.*2027年01月01日起才能发布"):
        actions.publish_scorecard(actor=second_office(district), scorecard=draft)
    assert_not_published(draft)


def test_publishing_waits_the_configured_days_after_the_month_ended(
    district: District, december_third: Any, settings: Any
) -> None:
    settings.ZUOFENG = {**settings.ZUOFENG, "SCORECARD_PUBLISH_AFTER_DAYS": 5}
    oscar = second_office(district)
    draft = actions.compute_month(actor=district.olivia, month=NOVEMBER)

    with pytest.raises(ValidationError, match="2026年12月06日起才能发布"):
        actions.publish_scorecard(actor=oscar, scorecard=draft)
    assert_not_published(draft)

    december_third.move_to(dt.datetime(2026, 12, 6, 9, tzinfo=CLOSED.tzinfo))
    # The draft of the 3rd predates the end of the wait: recomputed before it is published.
    with pytest.raises(ValidationError, match="请重新计算后再发布"):
        actions.publish_scorecard(actor=oscar, scorecard=draft)
    draft = actions.compute_month(actor=district.olivia, month=NOVEMBER)
    assert actions.publish_scorecard(actor=oscar, scorecard=draft).status == "published"


def test_a_draft_computed_while_the_month_ran_is_not_published(
    district: District, december_third: Any
) -> None:
    draft = actions.compute_month(actor=district.olivia, month=NOVEMBER, now=NOW)  # 20 Nov

    with pytest.raises(ValidationError, match=r"该版本计算于2026年11月20日.*请重新计算后再发布"):
        actions.publish_scorecard(actor=second_office(district), scorecard=draft)
    assert_not_published(draft)


def test_nobody_publishes_the_numbers_they_computed(
    district: District, december_third: Any
) -> None:
    oscar = second_office(district)
    draft = actions.compute_month(actor=district.olivia, month=NOVEMBER)

    with pytest.raises(ValidationError, match="不能发布自己计算的考核结果"):
        actions.publish_scorecard(actor=district.olivia, scorecard=draft)
    assert_not_published(draft)

    # Whoever recomputes the draft owns its numbers: now oscar may not, olivia may.
    draft = actions.compute_month(actor=oscar, month=NOVEMBER)
    with pytest.raises(ValidationError, match="不能发布自己计算的考核结果"):
        actions.publish_scorecard(actor=oscar, scorecard=draft)
    published = actions.publish_scorecard(actor=district.olivia, scorecard=draft)

    assert (published.computed_by, published.published_by) == (oscar, district.olivia)
    event = AuditEvent.objects.get(action="scorecard.publish")
    assert event.actor == district.olivia


def test_the_system_does_not_publish_what_it_computed(
    district: District, december_third: Any
) -> None:
    draft = actions.compute_month(actor=None, month=NOVEMBER)

    with pytest.raises(ValidationError, match="不能发布自己计算的考核结果"):
        actions.publish_scorecard(actor=None, scorecard=draft)
    assert_not_published(draft)


def test_a_unit_with_too_little_weight_backed_by_data_is_not_ranked(
    district: District, december_third: Any, settings: Any
) -> None:
    # Both departments have data for 36 % of their weight (cases only).
    draft = actions.compute_month(actor=district.olivia, month=NOVEMBER)
    hr = draft.unit_scores.get(unit=district.hr)
    assert hr.total == 100 and (hr.rank, hr.group_size) == (0, 0)  # 数据不足, not first
    assert draft.unit_scores.get(unit=district.market).rank == 0

    settings.ZUOFENG = {**settings.ZUOFENG, "SCORECARD_MIN_VALID_WEIGHT": 36}
    draft = actions.compute_month(actor=district.olivia, month=NOVEMBER)
    ranks = {s.unit_id: (s.rank, s.group_size) for s in draft.unit_scores.all()}
    assert ranks[district.hr.pk] == (1, 2) and ranks[district.market.pk] == (2, 2)


# --- the pages --------------------------------------------------------------------------------


def test_public_rankings_on_3_december_show_november_not_december(
    client: Any, district: District, december_third: Any
) -> None:
    computed(district, publish=True)  # November, computed by olivia, published by oscar
    office = district.client_for(district.olivia)
    office.post(reverse("scorecard:compute"), {"month": "2026-12"})
    december = Scorecard.objects.get(month=DECEMBER)

    other = district.client_for(second_office(district))
    review = other.get(reverse("scorecard:review", args=[december.pk])).content.decode()
    assert "暂不能发布：2026年12月尚未结束" in review and 'data-confirm="发布后' not in review
    response = other.post(reverse("scorecard:publish", args=[december.pk]), follow=True)
    assert any("尚未结束" in str(m) for m in response.context["messages"])
    assert Scorecard.objects.get(pk=december.pk).status == Scorecard.Status.DRAFT

    page = client.get(reverse("scorecard:rankings")).content.decode()
    assert "2026年11月 · 依据" in page
    assert "2026年12月 · 依据" not in page and ">2026年12月</option>" not in page


def test_units_short_of_data_are_listed_as_such_after_the_ranked_ones(
    client: Any, district: District, december_third: Any
) -> None:
    computed(district, publish=True)  # default 60 %: both departments are short (36 %)

    page = client.get(reverse("scorecard:rankings")).content.decode()
    departments = page.split("部门排名")[1].split("乡镇（街道）排名")[0]
    assert departments.count('不参与排名">数据不足') == 2  # the rank cell of both rows
    assert "1/2" not in departments

    head = district.client_for(district.ahead)
    assert "数据不足，不参与排名" in head.get(reverse("scorecard:my_unit")).content.decode()
    home = head.get("/staff/").content.decode()  # the head's card on the workbench
    assert "总分 <strong>83.34</strong>，数据不足，不参与排名" in home
    trend = head.get(reverse("scorecard:my_unit")).context["trend"]
    assert trend["ranks"][-1] is None


def test_a_running_month_published_before_this_check_stays_off_the_public_page(
    client: Any, district: District, december_third: Any
) -> None:
    computed(district, publish=True)
    december = actions.compute_month(actor=district.olivia, month=DECEMBER)
    # As the old code let it happen on 3 December.
    Scorecard.objects.filter(pk=december.pk).update(status=Scorecard.Status.PUBLISHED)

    page = client.get(reverse("scorecard:rankings")).content.decode()
    assert "2026年11月 · 依据" in page and ">2026年12月</option>" not in page
    assert client.get(reverse("scorecard:rankings"), {"month": "2026-12"}).status_code == 404
