"""The month's scorecard as Excel: one sheet per ranking group with the same numbers as the
page, and a sheet documenting every indicator's formula, weight and target."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import District
from scorecard.models import Scorecard
from scorecard.tests.factories import cases_of_november, computed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("first_standard")]


@pytest.fixture
def scorecard(district: District, settings: Any) -> Scorecard:
    # Cases only (36 % of the default weight): ranked with a lower bar, so the departments'
    # sheet has ranks; the town (13 %) stays 数据不足.
    settings.ZUOFENG = {**settings.ZUOFENG, "SCORECARD_MIN_VALID_WEIGHT": 30}
    cases_of_november(district)
    return computed(district, publish=True)


def download(district: District, scorecard: Scorecard) -> Any:
    response = district.client_for(district.olivia).get(
        reverse("scorecard:export", args=[scorecard.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "scorecard-2026-11-v1.xlsx" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def test_one_sheet_per_group_and_one_for_the_formulas(
    district: District, scorecard: Scorecard
) -> None:
    workbook = download(district, scorecard)

    assert workbook.sheetnames == ["部门", "乡镇（街道）", "指标说明"]


def test_group_sheets_hold_the_ranked_totals_and_indicator_values(
    district: District, scorecard: Scorecard
) -> None:
    sheet = download(district, scorecard)["部门"]
    rows = list(sheet.iter_rows(values_only=True))

    header = rows[0]
    assert header[:3] == ("排名", "单位", "总分")
    assert "按期办结率（指标值）" in header and "超期未办结件数（得分）" in header
    by_unit = {row[1]: row for row in rows[1:3]}
    for unit in (district.market, district.hr):
        unit_score = scorecard.unit_scores.get(unit=unit)
        row = by_unit[unit.name]
        assert row[0] == unit_score.rank > 0
        assert row[2] == pytest.approx(float(unit_score.total))
        overdue = unit_score.indicators.get(indicator__code="overdue")
        column = header.index("超期未办结件数（指标值）")
        assert row[column] == pytest.approx(float(overdue.value))
        assert row[column + 1] == pytest.approx(float(overdue.points))
    assert by_unit[district.market.name][header.index("超期未办结件数（指标值）")] == 3
    rate_column = header.index("按期办结率（指标值）") + 1  # 1-based for openpyxl
    assert sheet.cell(row=2, column=rate_column).number_format == "0.0%"


def test_insufficient_data_is_written_as_such(district: District, scorecard: Scorecard) -> None:
    sheet = download(district, scorecard)["部门"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    satisfaction = header.index("好差评满意率（得分）")

    assert all(row[satisfaction] == "数据不足" for row in rows[1:3])  # nobody rated


def test_formula_sheet_documents_every_indicator(district: District, scorecard: Scorecard) -> None:
    notes = download(district, scorecard)["指标说明"]
    rows = list(notes.iter_rows(values_only=True))

    assert rows[0][:7] == ("代码", "指标", "分子", "分母", "方向", "权重", "目标值")
    documented = {row[0]: row for row in rows[1:] if row and row[0] and row[1]}
    indicators = list(scorecard.standard.indicators.all())
    assert {i.code for i in indicators} <= set(documented)
    assert sum(documented[i.code][5] for i in indicators) == pytest.approx(100)
    on_time = documented["on_time"]
    assert on_time[1] == "按期办结率" and on_time[4] == "越高越好"
    assert on_time[6] == pytest.approx(0.95)
    assert "得分" in on_time[8] and "数据不足" in on_time[8]
    assert documented["overdue"][4] == "越低越好"


def test_a_unit_with_too_little_weight_backed_by_data_is_listed_as_such_not_ranked(
    district: District, scorecard: Scorecard
) -> None:
    rows = list(download(district, scorecard)["乡镇（街道）"].iter_rows(values_only=True))

    town = next(row for row in rows[1:] if row[1] == district.town.name)
    assert town[0] == "数据不足"
