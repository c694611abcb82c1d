"""A unit reports a commitment made at its head's interview done, on the commitment's page."""

from __future__ import annotations

import datetime as dt

import pytest

from scorecard import actions
from scorecard.models import Commitment, Interview
from zuofeng.audit.models import AuditEvent


@pytest.fixture
def commitment(district) -> Commitment:
    interview = Interview.objects.create(
        unit=district.market,
        head=district.ahead,
        flagged_month=dt.date(2026, 9, 1),
        reason="连续两个月排名后三位",
    )
    actions.record_interview(
        actor=district.olivia,
        interview=interview,
        minutes="一把手说明了情况，承诺整改",
        commitments=[("两周内清理全部超期办件", 10)],
    )
    return Commitment.objects.get()


@pytest.mark.django_db
def test_the_unit_reports_its_commitment_done(district, commitment):
    client = district.client_for(district.alice)
    page = client.get(f"/staff/scorecard/commitments/{commitment.pk}/")
    assert "两周内清理全部超期办件" in page.content.decode()
    assert "报告完成" in page.content.decode()

    response = client.post(
        f"/staff/scorecard/commitments/{commitment.pk}/", {"note": "超期办件已全部办结"}
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.DONE
    assert commitment.clock_stopped_at is not None
    assert AuditEvent.objects.filter(action="commitment.complete").count() == 1
    # Done once: a second report is refused and changes nothing.
    assert (
        client.post(
            f"/staff/scorecard/commitments/{commitment.pk}/", {"note": "再报一次"}
        ).status_code
        == 404
    )
    assert AuditEvent.objects.filter(action="commitment.complete").count() == 1


@pytest.mark.django_db
def test_an_empty_report_is_refused(district, commitment):
    client = district.client_for(district.alice)
    response = client.post(f"/staff/scorecard/commitments/{commitment.pk}/", {"note": " "})
    assert "请填写完成情况" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.OPEN


@pytest.mark.django_db
def test_another_unit_gets_404_and_the_office_sees_it(district, commitment):
    url = f"/staff/scorecard/commitments/{commitment.pk}/"
    assert district.client_for(district.bob).get(url).status_code == 404
    assert district.client_for(district.bob).post(url, {"note": "x"}).status_code == 404
    assert district.client_for(district.olivia).get(url).status_code == 200
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.OPEN


@pytest.mark.django_db
def test_the_unit_page_links_to_the_commitment(district, commitment):
    page = district.client_for(district.ahead).get("/staff/scorecard/unit/")
    assert f"/staff/scorecard/commitments/{commitment.pk}/" in page.content.decode()


@pytest.mark.django_db
def test_an_interview_held_in_december_shows_december_not_the_month_that_triggered_it(district):
    """Issue 11, defect 11: held in December for February's ranking, the page said
    约谈月份 2026年2月."""
    interview = Interview.objects.create(
        unit=district.market,
        head=district.ahead,
        flagged_month=dt.date(2026, 2, 1),
        reason="连续两个月排名后三位",
    )
    actions.record_interview(
        actor=district.olivia,
        interview=interview,
        minutes="一把手说明了情况",
        commitments=[("月底前清理超期办件", 10)],
        held_at=dt.datetime(2026, 12, 2, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    )
    commitment = Commitment.objects.get()
    head = district.client_for(district.ahead)

    for url in ("/staff/scorecard/unit/", f"/staff/scorecard/commitments/{commitment.pk}/"):
        page = head.get(url).content.decode()
        assert "约谈月份" not in page
        assert "2026年12月2日" in page  # when the interview was held
        assert "2026年2月" in page  # the month that triggered it, labelled as such
        assert "触发月份" in page
