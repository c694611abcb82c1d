"""The pages: office, unit and public; another unit's task is 404; no reports in public."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from supervision import actions
from supervision.models import Directive, Report, Task
from supervision.tests.factories import BLANK_PDF, directive, task

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def tree(district: Any) -> dict[str, Any]:
    with time_machine.travel(NOW - dt.timedelta(days=20), tick=False):
        d = directive(district.olivia, public=True)
        parent = task(d, district.olivia, district.market, title="市场整治", weight=100)
        leaf = task(
            d,
            district.olivia,
            district.market,
            parent=parent,
            title="整治门店",
            weight=100,
            kind=Task.Kind.QUANTITATIVE,
            target=100,
            measure_unit="家",
        )
        actions.issue_directive(d, actor=district.olivia)
    return {"directive": d, "parent": parent, "leaf": leaf}


def test_office_pages_show_the_tree_with_its_formula(district: Any, tree: dict[str, Any]) -> None:
    client = district.client_for(district.olivia)
    assert client.get(reverse("supervision:directives")).status_code == 200
    page = client.get(
        reverse("supervision:directive", args=[tree["directive"].pk])
    ).content.decode()
    assert "整治门店" in page and "Σ 权重 × 核实进度 ÷ Σ 权重" in page
    assert client.get(reverse("supervision:review")).status_code == 200


def test_office_creates_a_directive_from_the_form(district: Any) -> None:
    client = district.client_for(district.olivia)
    response = client.post(
        reverse("supervision:directive_create"),
        {
            "title": "优化营商环境",
            "source": "区政府第13次常务会议",
            "issued_on": "2026-12-01",
            "leader": "李区长",
            "summary": "压缩开办时间。",
            "cadence": "monthly",
            "report_fields": "开办时长",
        },
    )
    assert response.status_code == 302
    assert Directive.objects.get(title="优化营商环境").report_fields == ["开办时长"]


def test_units_see_their_own_tasks_and_get_404_for_others(
    district: Any, tree: dict[str, Any]
) -> None:
    alice, bob = district.client_for(district.alice), district.client_for(district.bob)
    url = reverse("supervision:task", args=[tree["leaf"].pk])
    assert alice.get(url).status_code == 200
    assert bob.get(url).status_code == 404
    assert bob.get(reverse("supervision:report_create", args=[tree["leaf"].pk])).status_code == 404
    assert alice.get(reverse("supervision:directives")).status_code == 404
    assert "整治门店" in alice.get(reverse("supervision:my_tasks")).content.decode()
    assert "整治门店" not in bob.get(reverse("supervision:my_tasks")).content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_unit_reports_and_the_office_returns_then_accepts(
    district: Any, tree: dict[str, Any]
) -> None:
    alice, olivia = district.client_for(district.alice), district.client_for(district.olivia)
    form_url = reverse("supervision:report_create", args=[tree["leaf"].pk])
    form = alice.get(form_url).content.decode()
    assert "已核实累计 0 / 目标 100" in form
    bad = alice.post(form_url, {"text": "", "amount": "5"})
    assert bad.status_code == 400
    alice.post(form_url, {"text": "整治门店30家。", "amount": "30", "field_本月完成户数": "30"})
    report = Report.objects.get()
    olivia.post(reverse("supervision:report_return", args=[report.pk]), {"reason": "请附整治清单"})
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED
    alice.post(form_url, {"text": "整治门店30家，清单见附件。", "amount": "30"})
    again = Report.objects.get(status=Report.Status.SUBMITTED)
    olivia.post(reverse("supervision:report_accept", args=[again.pk]))
    page = olivia.get(
        reverse("supervision:directive", args=[tree["directive"].pk])
    ).content.decode()
    assert "30.0%" in page


def test_public_page_shows_progress_but_no_reports(
    district: Any, tree: dict[str, Any], client: Any
) -> None:
    with time_machine.travel(NOW, tick=False):
        actions.submit_report(
            tree["leaf"], actor=district.alice, text="内部情况：某商户拒不配合", amount=10
        )
    page = client.get(reverse("supervision:public", args=[tree["directive"].pk])).content.decode()
    assert "整治门店" in page and "核实进度" in page
    assert "拒不配合" not in page
    Directive.objects.filter(pk=tree["directive"].pk).update(public=False)
    assert client.get(reverse("supervision:public", args=[tree["directive"].pk])).status_code == 404


def test_office_edits_a_task_but_not_its_weight_there(district: Any, tree: dict[str, Any]) -> None:
    client = district.client_for(district.olivia)
    url = reverse("supervision:task_edit", args=[tree["leaf"].pk])
    assert "权重" not in client.get(url).content.decode().split("<form", 1)[1]
    response = client.post(
        url,
        {
            "title": "整治临街门店",
            "unit": district.market.pk,
            "deadline": "2026-12-20",
            "kind": "quantitative",
            "target": "120",
            "measure_unit": "家",
        },
    )
    assert response.status_code == 302
    leaf = Task.objects.get(pk=tree["leaf"].pk)
    assert (leaf.title, leaf.target, leaf.weight) == ("整治临街门店", 120, 100)
    assert district.client_for(district.alice).get(url).status_code == 404


def test_directive_attachments_are_stored_and_served_to_the_office_only(district: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = district.client_for(district.olivia)
    client.post(
        reverse("supervision:directive_create"),
        {
            "title": "优化营商环境",
            "source": "区政府第13次常务会议",
            "issued_on": "2026-12-01",
            "leader": "李区长",
            "summary": "压缩开办时间。",
            "cadence": "monthly",
            "attachments": [SimpleUploadedFile("会议纪要.pdf", BLANK_PDF)],
        },
    )
    attachment = Directive.objects.get().attachments.get()
    url = reverse("supervision:directive_file", args=[attachment.token])
    assert b"".join(client.get(url).streaming_content) == BLANK_PDF
    assert district.client_for(district.alice).get(url).status_code == 404
    bad = client.post(
        reverse("supervision:directive_create"),
        {
            "title": "另一项",
            "source": "会议",
            "issued_on": "2026-12-01",
            "leader": "李区长",
            "summary": "摘要。",
            "cadence": "monthly",
            "attachments": [SimpleUploadedFile("x.pdf", b"not a pdf")],
        },
    )
    assert bad.status_code == 400 and Directive.objects.count() == 1
    assert "内容与扩展名不符" in bad.content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_office_sees_what_each_unit_was_asked_to_report(
    district: Any, tree: dict[str, Any]
) -> None:
    actions.submit_report(tree["leaf"], actor=district.alice, text="整治门店10家。", amount=10)
    client = district.client_for(district.olivia)
    page = client.get(reverse("supervision:burden") + "?month=2026-12").content.decode()
    row = page.split('id="burden"', 1)[1]
    # One monthly report on one leaf: progress text, the amount and one declared field.
    assert district.market.name in row
    cell = '<td class="has-text-right">{}</td>'
    assert cell.format(1) + cell.format(3) + cell.format(1) in row
    assert district.client_for(district.alice).get(reverse("supervision:burden")).status_code == 404


def test_the_tree_page_reads_a_fixed_number_of_queries(district: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    d = directive(district.olivia)
    top = task(d, district.olivia, district.market, title="总任务", weight=100)
    task(d, district.olivia, district.hr, parent=top, title="子任务", weight=100)
    client = district.client_for(district.olivia)
    url = reverse("supervision:directive", args=[d.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(6):
        task(
            d,
            district.olivia,
            district.hr,
            parent=top,
            title=f"新增{n}",
            weight=1,
            assisting=[district.town],
        )
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)
