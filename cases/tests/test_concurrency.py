"""Two people acting on one case at the same moment (PostgreSQL: SQLite serialises writers).

Each action locks the case row (`SELECT ... FOR UPDATE`) and re-reads its status, so the
second person waits for the first and is then told the case has moved on.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from cases import actions
from cases.models import Case, CaseEvent, SupplementRequest
from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import District
from tests.concurrency import at_once
from zuofeng.audit.chain import verify_chain
from zuofeng.audit.models import AuditEvent
from zuofeng.transitions import Conflict

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("true concurrency needs PostgreSQL; SQLite serialises writers")


@pytest.fixture
def matter(district: District) -> Matter:
    return make_matter(district.market, promised_limit_days=5)


def submitted(d: District, matter: Matter) -> Case:
    return actions.submit_case(
        actor=d.amy,
        matter=matter,
        channel=Case.Channel.WINDOW,
        applicant_name="赵六",
        applicant_phone="13600003333",
        applicant_id_number="110101196001013333",
        applicant_user=d.ruth,
    )


def test_two_staff_accepting_the_same_case_at_once_exactly_one_succeeds(
    district: District, matter: Matter
) -> None:
    case = submitted(district, matter)
    results, errors = at_once(
        lambda: actions.accept_case(actor=district.amy, case=case),
        lambda: actions.accept_case(actor=district.alice, case=case),
    )
    assert len(results) == 1
    assert [type(e) for e in errors] == [Conflict]
    assert "已受理" in str(errors[0])
    winner = results[0]
    case.refresh_from_db()
    assert case.status == Case.Status.ACCEPTED
    assert case.handler == winner.handler
    assert case.due_at == winner.due_at
    assert case.events.filter(kind=CaseEvent.Kind.ACCEPTED).count() == 1
    assert AuditEvent.objects.for_object(case).filter(action="cases.accept_case").count() == 1
    assert verify_chain() is None


def test_two_supplement_notices_at_once_one_is_sent_and_the_other_is_a_conflict(
    district: District, matter: Matter
) -> None:
    # Two clerks reading the same application do not make a second round of notices: the
    # applicant gets one notice, and the unit is not charged with breaking the one-time rule.
    case = submitted(district, matter)
    results, errors = at_once(
        lambda: actions.request_supplement(actor=district.amy, case=case, materials=["营业执照"]),
        lambda: actions.request_supplement(actor=district.alice, case=case, materials=["健康证明"]),
    )
    assert len(results) == 1
    assert [type(e) for e in errors] == [Conflict]
    assert "待补正材料" in str(errors[0])
    case.refresh_from_db()
    assert case.status == Case.Status.SUPPLEMENT
    assert (case.supplement_count, case.one_time_rule_broken) == (1, False)
    notice = SupplementRequest.objects.get(case=case)
    assert notice.materials == results[0].materials
    assert not notice.is_repeat
    assert case.events.filter(kind=CaseEvent.Kind.SUPPLEMENT_REQUESTED).count() == 1
    assert (
        AuditEvent.objects.for_object(case).filter(action="cases.request_supplement").count() == 1
    )
    assert verify_chain() is None


def test_an_edit_holding_the_matter_does_not_block_accepting_its_cases(
    district: District, matter: Matter
) -> None:
    # Only the case row is locked. Locking the joined matter and unit rows too would make
    # every action on any case of one matter queue behind a catalogue edit (archive_matter
    # locks the matter) and behind each other.
    case = submitted(district, matter)
    holding, release = threading.Event(), threading.Event()

    def hold_the_matter() -> None:
        try:
            with transaction.atomic():
                Matter.objects.select_for_update().get(pk=matter.pk)
                holding.set()
                release.wait(timeout=20)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_matter)
    holder.start()
    try:
        assert holding.wait(timeout=10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '3s'")
            case = actions.accept_case(actor=district.amy, case=case)
    finally:
        release.set()
        holder.join(timeout=30)
    assert case.status == Case.Status.ACCEPTED
    assert verify_chain() is None
