"""The office's report pages on a small district: who may use them, generating from the
form, sections of other modules appearing only when their measures are registered, and the
edit page's messages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import District
from reports import actions, pdf
from reports.models import Report
from zuofeng import measures
from zuofeng.measures import Measure, register_measure


def period() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today - dt.timedelta(days=60), today - dt.timedelta(days=1)


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_the_office_sees_the_report_pages(district: District) -> None:
    start, end = period()
    report = actions.generate_report(actor=district.olivia, title="测试报告", start=start, end=end)
    for user in (district.alice, district.ahead, district.ruth):
        client = client_for(user)
        assert client.get(reverse("reports:index")).status_code == 404
        assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 404
        assert client.get(reverse("reports:docx", args=[report.pk])).status_code == 404
    assert (
        client_for(district.olivia).get(reverse("reports:detail", args=[report.pk])).status_code
        == 200
    )


def test_the_office_generates_a_report_for_one_unit_from_the_form(district: District) -> None:
    start, end = period()
    client = client_for(district.olivia)
    response = client.post(
        reverse("reports:index"),
        {
            "title": "关于区市场监督管理局作风情况的调研报告",
            "start": start.isoformat(),
            "end": end.isoformat(),
            "scope": "unit",
            "unit": district.market.pk,
        },
    )
    report = Report.objects.get()
    assert response.status_code == 302 and report.unit_ids == [district.market.pk]
    page = client.get(response["Location"]).content.decode()
    assert "一、基本情况" in page and "四、对策建议" in page and "【草稿】" in page
    if pdf.converter() is None:
        assert "暂不能生成 PDF" in page
    download = client.get(reverse("reports:docx", args=[report.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert download.content[:2] == b"PK"


def test_a_period_ending_today_or_a_unit_scope_without_unit_is_refused(district: District) -> None:
    client = client_for(district.olivia)
    today = timezone.localdate()
    response = client.post(
        reverse("reports:index"),
        {
            "title": "报告",
            "start": (today - dt.timedelta(days=5)).isoformat(),
            "end": today.isoformat(),
            "scope": "district",
        },
    )
    assert "截止日期须早于今天" in response.content.decode()
    response = client.post(
        reverse("reports:index"),
        {"title": "报告", "start": "2025-01-01", "end": "2025-01-31", "scope": "unit"},
    )
    assert "请选择单位" in response.content.decode()
    assert not Report.objects.exists()


def test_a_module_section_appears_only_once_its_measures_are_registered(
    district: District, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        measures,
        "MEASURES",
        {
            k: v
            for k, v in measures.MEASURES.items()
            if not k.startswith(("visits.", "surveys.", "problems.", "forums."))
        },
    )
    start, end = period()
    without = actions.generate_report(actor=district.olivia, title="报告", start=start, end=end)
    text = without.current.content["sections"][0]["text"]
    assert "问卷调查方面" not in text and "走访调研方面" not in text
    cases = measures.SOURCES["cases.case"]
    register_measure(Measure("surveys.test_answers", "问卷答卷数", cases, definition="测试"))
    with_surveys = actions.generate_report(
        actor=district.olivia, title="报告", start=start, end=end
    )
    text = with_surveys.current.content["sections"][0]["text"]
    assert "问卷调查方面，问卷答卷数为[[surveys.test_answers]]" in text


def test_the_edit_page_explains_a_typed_number_and_keeps_the_text(district: District) -> None:
    start, end = period()
    report = actions.generate_report(actor=district.olivia, title="报告", start=start, end=end)
    client = client_for(district.olivia)
    sections = report.current.content["sections"]
    data = {f"section_{i}": s["text"] for i, s in enumerate(sections)}
    data["section_0"] += "\n共走访8个单位。"
    response = client.post(reverse("reports:edit", args=[report.pk]), data)
    body = response.content.decode()
    assert (
        response.status_code == 200 and "直接输入了数字（8）" in body and "共走访8个单位。" in body
    )
    data["section_0"] = data["section_0"].replace(
        "共走访8个单位。", "共走访[[no_such_fact]]个单位。"
    )
    body = client.post(reverse("reports:edit", args=[report.pk]), data).content.decode()
    assert "引用了不存在的数据项：no_such_fact" in body
    assert report.versions.count() == 1
