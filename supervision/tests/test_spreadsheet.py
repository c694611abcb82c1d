"""Directives and task trees to and from Excel with the same columns."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from supervision import spreadsheet
from supervision.models import Directive, Task
from supervision.tests.factories import directive, task
from zuofeng.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(district: Any) -> Directive:
    d = directive(district.olivia, public=True)
    top = task(d, district.olivia, district.market, title="=HYPERLINK(1)整治", weight=100)
    task(
        d,
        district.olivia,
        district.market,
        parent=top,
        title="摸底",
        weight=40,
        assisting=[district.hr],
    )
    task(
        d,
        district.olivia,
        district.town,
        parent=top,
        title="实施",
        weight=60,
        kind=Task.Kind.QUANTITATIVE,
        target=120,
        measure_unit="户",
        affects_residents=True,
        problem_text="污水外溢",
    )
    return d


def test_export_then_reimport_changes_nothing(district: Any, tree: Directive) -> None:
    data = spreadsheet.export_directive(tree)
    events = AuditEvent.objects.count()
    _, changes = spreadsheet.import_workbook(data, actor=district.olivia, directive=tree)
    assert changes == 0
    assert AuditEvent.objects.count() == events


def test_a_workbook_builds_the_same_tree_as_a_new_directive(district: Any, tree: Directive) -> None:
    data = spreadsheet.export_directive(tree)
    copy, _ = spreadsheet.import_workbook(data, actor=district.olivia)
    assert copy.pk != tree.pk
    assert spreadsheet.export_directive(copy) != b""

    def rows(d: Directive) -> list[tuple[Any, ...]]:
        return [
            (c, t.title, t.unit_id, t.weight, t.kind, t.target) for c, t in spreadsheet.outline(d)
        ]

    assert rows(copy) == rows(tree)
    # The formula-like title stays text in the exported cell.
    sheet = load_workbook(io.BytesIO(data))["任务"]
    assert sheet["C2"].data_type == "s"


def test_changed_weights_in_the_workbook_must_still_sum_to_100(
    district: Any, tree: Directive
) -> None:
    book = load_workbook(io.BytesIO(spreadsheet.export_directive(tree)))
    book["任务"]["G3"] = 50
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ValidationError, match="权重合计为 110"):
        spreadsheet.import_workbook(out.getvalue(), actor=district.olivia, directive=tree)
    book["任务"]["G4"] = 50
    out = io.BytesIO()
    book.save(out)
    _, changes = spreadsheet.import_workbook(out.getvalue(), actor=district.olivia, directive=tree)
    assert changes == 1
    assert sorted(
        Task.objects.filter(directive=tree, depth=1).values_list("weight", flat=True)
    ) == [50, 50]


def test_an_unknown_unit_code_is_refused_with_its_row(district: Any, tree: Directive) -> None:
    book = load_workbook(io.BytesIO(spreadsheet.export_directive(tree)))
    book["任务"]["D3"] = "NOPE"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ValidationError, match="任务第 3 行：牵头单位编码“NOPE”不存在"):
        spreadsheet.import_workbook(out.getvalue(), actor=district.olivia)
    assert Directive.objects.count() == 1


def test_office_downloads_and_uploads_from_the_pages(district: Any, tree: Directive) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = district.client_for(district.olivia)
    data = client.get(f"/staff/supervision/{tree.pk}/export.xlsx").content
    response = client.post(
        f"/staff/supervision/{tree.pk}/import/",
        {"file": SimpleUploadedFile("a.xlsx", data)},
        follow=True,
    )
    assert "没有变动" in response.content.decode()
    assert (
        district.client_for(district.alice)
        .get(f"/staff/supervision/{tree.pk}/export.xlsx")
        .status_code
        == 404
    )
