"""Why each point was lost, on the head's page and workbench card (issue 11, defect 6): per
indicator the points lost, the formula with the unit's own numbers and a link to exactly the
records behind the loss, the biggest loss first."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from conftest import District
from scorecard.models import IndicatorScore
from scorecard.tests.factories import cases_of_november, computed

pytestmark = pytest.mark.django_db


def text_of(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


@pytest.fixture
def published(district: District) -> IndicatorScore:
    """November under the current default: the market has 11 cases due, 8 decided on time
    and 3 still open past their deadline; published on 3 December. Returns the market's
    按期办结率 score."""
    cases_of_november(district, overdue=3, on_time=8)
    scorecard = computed(district, publish=True)
    return scorecard.unit_scores.get(unit=district.market).indicators.get(indicator__code="on_time")


def test_the_unit_page_explains_each_loss_with_the_units_numbers(
    district: District, published: IndicatorScore
) -> None:
    head = district.client_for(district.ahead)
    response = head.get(reverse("scorecard:my_unit"))
    page = text_of(response)

    losses = response.context["losses"]
    assert losses[0].cell == published  # 8 of 11 on time costs the most
    assert [loss.lost for loss in losses] == sorted((loss.lost for loss in losses), reverse=True)
    assert "按期办结率 = 8 ÷ 11 = 72.7%；得分 = 100 × 72.7% ÷ 95.0% = 76.56" in page
    assert f"失 {losses[0].lost} 分" in page
    missed = reverse("scorecard:drill_down", args=[published.pk]) + "?part=missed"
    assert missed in page
    # The biggest loss is the first row of the table.
    first_row = page.split('id="costliest"')[1].split("<tbody>")[1].split("</tr>")[0]
    assert "按期办结率" in first_row


def test_the_loss_links_to_exactly_the_records_behind_it(
    district: District, published: IndicatorScore
) -> None:
    head = district.client_for(district.ahead)
    url = reverse("scorecard:drill_down", args=[published.pk])

    page = text_of(head.get(url + "?part=missed"))

    assert re.search(r'id="record-count">3<', page)  # the three cases not decided on time
    assert "未达标" in page
    assert text_of(head.get(url + "?part=denominator")).count("<tr>") > page.count("<tr>")


def test_the_heads_workbench_card_shows_the_biggest_losses(
    district: District, published: IndicatorScore
) -> None:
    head = district.client_for(district.ahead)

    card = text_of(head.get("/staff/")).split('id="card-losses"')[1].split("</ol>")[0]

    items = card.split("<li>")[1:]
    assert "按期办结率" in items[0] and "8 ÷ 11 = 72.7%" in items[0]
    assert reverse("scorecard:drill_down", args=[published.pk]) + "?part=missed" in items[0]
    assert 1 <= len(items) <= 3
