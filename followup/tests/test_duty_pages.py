"""An escalation leads somewhere: a duty's own staff page carries its follow-ups, with the
office's 催办/督办/批示 buttons and the unit's view of what the office asked."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.urls import reverse

from conftest import District
from followup import actions
from followup.tests.conftest import at

pytestmark = pytest.mark.django_db


def test_the_office_can_follow_up_an_overdue_case_from_its_page(
    district: District, overdue_case: Any
) -> None:
    page = reverse("cases:staff_detail", args=[overdue_case.pk])
    with time_machine.travel(at(2026, 12, 7), tick=False):
        office = district.client_for(district.olivia).get(page).content.decode()
        assert "催办督办" in office
        assert f"kind=urge&amp;object_type=cases.case&amp;object_id={overdue_case.pk}" in office

        notice = actions.issue_notice(
            actor=district.olivia,
            object_type="cases.case",
            object_id=overdue_case.pk,
            text="请于两个工作日内办结并说明超期原因",
            limit_workdays=2,
            at=at(2026, 12, 7),
        )
        unit = district.client_for(district.alice).get(page).content.decode()
    assert notice.number in unit and "请于两个工作日内办结" in unit
    assert "kind=urge" not in unit  # the unit answers; it does not urge itself
