"""The office imports an XLSForm workbook through the page: every unsupported row is listed;
the exports download as Excel workbooks."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import PASSWORD
from surveys import actions
from surveys.models import Survey
from surveys.tests.conftest import good_answers
from surveys.xlsform import import_xlsform

FIXTURES = Path(__file__).resolve().parent / "fixtures"

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client: Client, district: Any) -> Client:
    assert client.login(username="olivia", password=PASSWORD)
    return client


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes())


def test_importing_a_workbook_lists_every_unsupported_row(office: Client) -> None:
    expected = import_xlsform(FIXTURES / "every_type.xlsx")
    assert expected.unsupported
    page = office.post(reverse("surveys:import_new"), {"file": _upload("every_type.xlsx")})
    html = page.content.decode()
    assert page.status_code == 200
    for row in expected.unsupported:
        assert str(row) in html
    assert html.count("<li>", html.index("data-unsupported")) >= len(expected.unsupported)
    survey = Survey.objects.get()
    assert len(actions.spec_of(survey).questions) == len(expected.spec.questions)


def test_a_supported_workbook_replaces_a_drafts_questions_with_nothing_listed(
    office: Client, district: Any
) -> None:
    survey = actions.create_survey(actor=district.olivia, title="导入测试")
    page = office.post(
        reverse("surveys:import_into", args=[survey.pk]), {"file": _upload("supported.xlsx")}
    )
    assert page.status_code == 302
    spec = actions.spec_of(Survey.objects.get(pk=survey.pk))
    assert spec.questions == import_xlsform(FIXTURES / "supported.xlsx").spec.questions
    assert spec.title == "导入测试"


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(office: Client) -> None:
    page = office.post(
        reverse("surveys:import_new"), {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")}
    )
    assert page.status_code == 400
    assert "XLSForm" in page.content.decode() or "无法读取" in page.content.decode()
    assert not Survey.objects.exists()


def test_answers_and_the_form_export_as_workbooks_from_the_results_page(
    office: Client, open_survey: Survey
) -> None:
    actions.submit_response(open_survey, good_answers())
    results = office.get(reverse("surveys:results", args=[open_survey.pk])).content.decode()
    answers_url = reverse("surveys:export_answers", args=[open_survey.pk])
    form_url = reverse("surveys:export_form", args=[open_survey.pk])
    assert answers_url in results and form_url in results
    for url in (answers_url, form_url):
        response = office.get(url)
        assert response.status_code == 200
        assert load_workbook(io.BytesIO(response.content)).sheetnames
