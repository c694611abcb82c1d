"""The demo district's twelve-month report: the Word document's structure and figures, its
byte-for-byte regeneration, the planted patterns as the top problems, the drill-downs, the
stale check and the office's edits."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from cases.models import Case
from complaints.models import Complaint
from demo import data
from org.models import Unit
from reports import actions, document
from reports.facts import fact_records
from reports.layout import numbering
from reports.models import Report, Version
from reports.reads import facts_of
from reports.tests.conftest import NOW
from reports.text import percent
from zuofeng.audit.models import AuditEvent
from zuofeng.measures import mark_changed

SECTIONS = ["一、基本情况", "二、存在问题", "三、原因分析", "四、对策建议"]


def docx_of(report: Report) -> bytes:
    return document.build(report, report.current.content, facts_of(report))


def drill_count(fact: Any) -> int:
    return fact_records(fact).count()


def unit_of_first(report: Report, code: str) -> str:
    """The unit the report names first for where a measure's records concentrate."""
    keys = [f.key for f in report.facts.filter(code=code, key__contains="@u").order_by("position")]
    return Unit.objects.get(pk=int(keys[0].rsplit("@u", 1)[1])).code


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestTheDemoReport:
    def test_the_document_has_the_four_sections_in_order(self, demo: Report) -> None:
        paragraphs = [p.text for p in Document(io.BytesIO(docx_of(demo))).paragraphs]
        found = [text for text in paragraphs if text in SECTIONS]
        assert found == SECTIONS
        assert "数据来源" in paragraphs

    def test_every_number_in_the_document_is_a_fact_whose_records_count_that_many(
        self, demo: Report
    ) -> None:
        facts = facts_of(demo)
        by_ref = {ref: facts[key] for key, ref in numbering(demo.current.content, facts).items()}
        checked = 0
        doc = Document(io.BytesIO(docx_of(demo)))
        cells = [p for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
        assert cells, "the problems table is in the document"
        for paragraph in doc.paragraphs + cells:
            runs = paragraph.runs
            for index, run in enumerate(runs):
                if not re.search(r"[0-9]", run.text):
                    continue
                # A figure is a run of its own, followed by its 数据来源 reference.
                assert index + 1 < len(runs), paragraph.text
                ref = runs[index + 1]
                assert ref.font.superscript, f"number outside a fact: {paragraph.text!r}"
                fact = by_ref[ref.text]
                if fact.kind == "count":
                    assert run.text == str(fact.value) == str(drill_count(fact))
                else:
                    num, den = facts[fact.params["numerator"]], facts[fact.params["denominator"]]
                    assert run.text == percent(drill_count(num), drill_count(den))[1]
                checked += 1
        assert checked > 40

    def test_the_same_snapshot_regenerates_to_identical_bytes(self, demo: Report) -> None:
        first = docx_of(demo)
        again = Report.objects.get(pk=demo.pk)
        assert docx_of(again) == first

    def test_the_planted_patterns_are_the_top_problems_and_name_their_units(
        self, demo: Report
    ) -> None:
        ranking = demo.current.content["ranking"]
        assert set(ranking[:3]) == {"service", "formalism", "mindset"}
        assert unit_of_first(demo, "case_due_late") == data.SLOW_UNIT
        assert unit_of_first(demo, "case_forwarded") == data.RECEIVE_ONLY_UNIT
        assert unit_of_first(demo, "case_buck_passing") == data.TRANSFER_HEAVY_UNIT
        causes = demo.current.content["sections"][2]["text"]
        assert "明进暗不进" in causes and "【草稿】" in causes

    def test_typical_examples_name_no_person_and_quote_no_complaint(self, demo: Report) -> None:
        text = demo.current.content["sections"][1]["text"]
        examples = [line for line in text.splitlines() if line.startswith("典型事例")]
        assert examples
        for text in Complaint.objects.values_list("text", flat=True):
            assert text[:12] not in "".join(examples)

    def test_each_figure_in_the_preview_links_to_its_records(self, demo: Report) -> None:
        client = Client()
        office = demo.created_by
        client.force_login(office)
        page = client.get(reverse("reports:detail", args=[demo.pk])).content.decode()
        fact = demo.facts.get(key="case_buck_passing")
        url = reverse("reports:fact", args=[demo.pk, fact.key])
        assert f'href="{url}"' in page
        drill = client.get(url).content.decode()
        assert f'<span id="record-count">{fact.value}</span>' in drill

    def test_a_changed_record_marks_its_facts_stale(self, demo: Report) -> None:
        fact = demo.facts.get(key="case_buck_passing")
        p = fact.params
        case = (
            Case.objects.filter(
                buck_passing=False,
                submitted_at__date__gte=dt.date.fromisoformat(p["start"]) + dt.timedelta(days=5),
                submitted_at__date__lt=dt.date.fromisoformat(p["end"]) - dt.timedelta(days=5),
            )
            .order_by("pk")
            .first()
        )
        Case.objects.filter(pk=case.pk).update(buck_passing=True)
        mark_changed(Case.objects.get(pk=case.pk))
        changed = actions.check_stale(actor=demo.created_by, report=demo, now=NOW)
        fact.refresh_from_db()
        assert changed >= 1 and fact.stale and fact.live_value == fact.value + 1
        # The snapshot itself does not move.
        assert docx_of(Report.objects.get(pk=demo.pk)) == docx_of(demo)

    def test_an_edit_is_a_new_audited_version_and_typed_numbers_are_refused(
        self, demo: Report
    ) -> None:
        sections = [s["text"] for s in demo.current.content["sections"]]
        with pytest.raises(Exception, match="直接输入了数字"):
            actions.edit_report(
                actor=demo.created_by,
                report=demo,
                texts=[sections[0] + "共有12个单位。", *sections[1:]],
            )
        first = sections[0] + "\n收件总数仍为[[case_received]]件。"
        texts = [first, *sections[1:3], "## （一）加强学习\n全面加强理论学习。"]
        version = actions.edit_report(
            actor=demo.created_by, report=demo, texts=texts, note="补充对策"
        )
        assert version.number == 2 and version.origin == Version.Origin.EDITED
        assert demo.versions.filter(number=1, origin=Version.Origin.GENERATED).exists()
        assert AuditEvent.objects.filter(
            action="reports.edit_version", object_id=str(version.pk)
        ).exists()
        paragraphs = [p.text for p in Document(io.BytesIO(docx_of(demo))).paragraphs]
        assert "全面加强理论学习。" in paragraphs
