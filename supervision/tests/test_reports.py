"""Reports: the unit reports with evidence, the office accepts or returns; verified progress
moves only on acceptance; copied reports become review items."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from complaints.intake.actions import file_complaint
from complaints.models import Complaint
from supervision import actions
from supervision.actions.reports import prefill
from supervision.models import FormalismFlag, Report, ReportLink, Task
from supervision.tests.factories import directive, task

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def issued(district: Any) -> dict[str, Any]:
    with time_machine.travel(NOW - dt.timedelta(days=30), tick=False):
        d = directive(district.olivia)
        parent = task(d, district.olivia, district.market, title="市场整治", weight=100)
        q = task(
            d,
            district.olivia,
            district.market,
            parent=parent,
            title="整治门店",
            weight=60,
            kind=Task.Kind.QUANTITATIVE,
            target=200,
            measure_unit="家",
        )
        s = task(d, district.olivia, district.market, parent=parent, title="长效机制", weight=40)
        actions.issue_directive(d, actor=district.olivia)
    return {"directive": d, "parent": parent, "q": q, "s": s}


def refreshed(obj: Any) -> Any:
    obj.refresh_from_db()
    return obj


@time_machine.travel(NOW, tick=False)
def test_only_an_accepted_report_moves_verified_progress(
    district: Any, issued: dict[str, Any]
) -> None:
    report = actions.submit_report(
        issued["q"],
        actor=district.alice,
        text="本月整治门店80家，其中青石路沿线32家。",
        amount=80,
        field_values={"本月完成户数": "80"},
    )
    q = refreshed(issued["q"])
    assert (q.reported_progress, q.verified_progress) == (40.0, 0.0)
    assert refreshed(issued["parent"]).reported_progress == pytest.approx(24.0)
    assert refreshed(issued["parent"]).verified_progress == 0.0
    actions.accept_report(report, actor=district.olivia)
    q = refreshed(issued["q"])
    assert q.verified_progress == 40.0
    assert refreshed(issued["parent"]).verified_progress == pytest.approx(24.0)


@time_machine.travel(NOW, tick=False)
def test_a_returned_report_keeps_verified_progress_and_can_be_reported_again(
    district: Any, issued: dict[str, Any]
) -> None:
    report = actions.submit_report(
        issued["s"], actor=district.alice, text="已完成。", state=Task.State.DONE
    )
    with pytest.raises(ValidationError):
        actions.return_report(report, actor=district.olivia, reason="")
    actions.return_report(report, actor=district.olivia, reason="未附制度文件，请补充")
    s = refreshed(issued["s"])
    assert s.verified_progress == 0.0 and s.reported_progress == 100.0
    assert s.returned_for_quality
    again = actions.submit_report(
        issued["s"],
        actor=district.alice,
        text="制定长效管理办法，见附件。",
        state=Task.State.UNDERWAY,
    )
    actions.accept_report(again, actor=district.olivia)
    assert refreshed(issued["s"]).verified_progress == 50.0
    assert not refreshed(issued["s"]).returned_for_quality


@time_machine.travel(NOW, tick=False)
def test_one_live_report_per_period(district: Any, issued: dict[str, Any]) -> None:
    actions.submit_report(
        issued["s"], actor=district.alice, text="推进中。", state=Task.State.UNDERWAY
    )
    from zuofeng.transitions import Conflict

    with pytest.raises(Conflict, match="本期（2026-12）已报送"):
        actions.submit_report(
            issued["s"], actor=district.alice, text="再报。", state=Task.State.UNDERWAY
        )


@time_machine.travel(NOW, tick=False)
def test_another_unit_cannot_report_and_the_office_alone_reviews(
    district: Any, issued: dict[str, Any]
) -> None:
    with pytest.raises(PermissionDenied):
        actions.submit_report(issued["s"], actor=district.bob, text="代报。", state=Task.State.DONE)
    report = actions.submit_report(
        issued["s"], actor=district.alice, text="推进中。", state=Task.State.UNDERWAY
    )
    with pytest.raises(PermissionDenied):
        actions.accept_report(report, actor=district.alice)
    assert refreshed(report).status == Report.Status.SUBMITTED


@time_machine.travel(NOW, tick=False)
def test_linked_records_must_exist_and_belong_to_the_unit(
    district: Any, issued: dict[str, Any]
) -> None:
    own, _ = file_complaint(
        actor=None, channel="web", text="青石路门店占道经营", unit=district.market
    )
    other, _ = file_complaint(actor=None, channel="web", text="社保窗口排队", unit=district.hr)
    Complaint.objects.filter(pk=own.pk).update(handling_unit=district.market)
    Complaint.objects.filter(pk=other.pk).update(handling_unit=district.hr)
    with pytest.raises(ValidationError, match="不存在或不属于本单位"):
        actions.submit_report(
            issued["s"],
            actor=district.alice,
            text="办结举报。",
            state=Task.State.UNDERWAY,
            links=[("complaint", other.number)],
        )
    with pytest.raises(ValidationError, match="不存在或不属于本单位"):
        actions.submit_report(
            issued["s"],
            actor=district.alice,
            text="办结举报。",
            state=Task.State.UNDERWAY,
            links=[("case", "NO-SUCH")],
        )
    assert not Report.objects.exists()
    report = actions.submit_report(
        issued["s"],
        actor=district.alice,
        text="办结举报。",
        state=Task.State.UNDERWAY,
        links=[("complaint", own.number)],
    )
    assert list(ReportLink.objects.filter(report=report).values_list("record_id", flat=True)) == [
        own.pk
    ]
    assert report.evidence_count == 1


@time_machine.travel(NOW, tick=False)
def test_the_form_is_prefilled_from_verified_values(district: Any, issued: dict[str, Any]) -> None:
    report = actions.submit_report(
        issued["q"],
        actor=district.alice,
        text="整治门店50家。",
        amount=50,
        field_values={"本月完成户数": "50"},
    )
    actions.accept_report(report, actor=district.olivia)
    data = prefill(refreshed(issued["q"]))
    assert data["verified_amount"] == 50
    assert data["field_values"] == {"本月完成户数": "50"}


@time_machine.travel(NOW, tick=False)
def test_a_report_copying_the_directive_is_flagged_for_review(
    district: Any, issued: dict[str, Any]
) -> None:
    d = issued["directive"]
    report = actions.submit_report(
        issued["s"], actor=district.alice, text=d.summary + d.title, state=Task.State.UNDERWAY
    )
    kinds = set(FormalismFlag.objects.filter(report=report).values_list("kind", flat=True))
    assert FormalismFlag.Kind.COPY_DIRECTIVE in kinds
    flag = FormalismFlag.objects.get(report=report, kind=FormalismFlag.Kind.COPY_DIRECTIVE)
    actions.dismiss_flag(flag, actor=district.olivia, reason="摘要即为工作要求，属正常引用")
    flag.refresh_from_db()
    assert flag.status == FormalismFlag.Status.DISMISSED and flag.reviewer == district.olivia


@time_machine.travel(NOW, tick=False)
def test_a_large_gap_between_reported_and_verified_is_listed_for_the_office(
    district: Any, issued: dict[str, Any]
) -> None:
    from zuofeng.duty.models import Notification

    report = actions.submit_report(issued["s"], actor=district.alice, text="已完成。", state="done")
    actions.return_report(report, actor=district.olivia, reason="无佐证")
    assert Notification.objects.filter(unit=district.market, title__contains="被退回").exists()
    page = district.client_for(district.olivia).get("/staff/supervision/review/").content.decode()
    assert "报喜不报忧" in page and "上报 100%，核实 0%" in page


@time_machine.travel(NOW, tick=False)
def test_the_form_suggests_records_the_unit_finished(district: Any, issued: dict[str, Any]) -> None:
    done, _ = file_complaint(
        actor=None, channel="web", text="青石路门店占道经营", unit=district.market
    )
    Complaint.objects.filter(pk=done.pk).update(handling_unit=district.market, closed_at=NOW)
    assert prefill(refreshed(issued["q"]))["suggested_links"] == [done.number]
    page = district.client_for(district.alice).get(
        f"/staff/supervision/tasks/{issued['q'].pk}/report/"
    )
    assert done.number in page.content.decode()
