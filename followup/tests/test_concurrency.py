"""Two supervisors at the same moment (PostgreSQL: SQLite serialises writers)."""

from __future__ import annotations

import pytest
from django.db import connection

from conftest import District
from followup import actions
from followup.models import FollowUp
from followup.tests.conftest import accepted_case, at
from tests.concurrency import at_once
from zuofeng.transitions import Conflict

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("true concurrency needs PostgreSQL; SQLite serialises writers")


def issue(d: District, case_pk: int) -> FollowUp:
    return actions.issue_notice(
        actor=d.olivia, object_type="cases.case", object_id=case_pk, text="请办结", limit_workdays=3
    )


def test_notices_issued_at_once_get_distinct_numbers(district: District) -> None:
    cases = [accepted_case(district, at(2026, 11, 2)) for _ in range(4)]
    results, errors = at_once(*(lambda pk=case.pk: issue(district, pk) for case in cases))
    assert errors == []
    seqs = sorted(FollowUp.objects.values_list("seq", flat=True))
    assert seqs == [1, 2, 3, 4]
    assert len({f.number for f in results}) == 4


def test_two_notices_on_one_duty_at_once_exactly_one_is_sent(district: District) -> None:
    case = accepted_case(district, at(2026, 11, 2))
    results, errors = at_once(lambda: issue(district, case.pk), lambda: issue(district, case.pk))
    assert len(results) == 1
    assert [type(e) for e in errors] == [Conflict]
    assert "已有未办结的督办通知" in str(errors[0])
    assert FollowUp.objects.count() == 1
