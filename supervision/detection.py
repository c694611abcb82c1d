"""Wiring of the formalism detector (`supervision.formalism`, pure Python) to stored reports.

When a report is submitted: its text signature is stored on the row and its LSH band keys in
`ReportBand` (indexed); the candidates are the reports sharing a key, plus the other reports
of the same directive and period (so text most units write is recognised as boilerplate); the
findings become `FormalismFlag` rows: review items for a person, never a deduction.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from supervision.models import FormalismFlag, Report, ReportBand

# The candidates of one check are bounded: a report that shares keys with thousands of
# others (a template everyone fills) is compared with the most recent of them.
MAX_CANDIDATES = 400


def _doc(report: Any, directive_id: int) -> Any:
    from supervision.formalism import ReportDoc

    return ReportDoc(
        key=report.pk,
        unit_id=report.unit_id,
        task_id=report.task_id,
        directive_id=directive_id,
        period=report.period,
        text=report.text,
        evidence_count=report.evidence_count,
    )


def index_and_check(report: Report) -> list[FormalismFlag]:
    """Store the report's signature and band keys, then flag what the detector finds."""
    from supervision.formalism import band_keys, find_formalism, fingerprint

    signature = fingerprint(report.text)
    Report.objects.filter(pk=report.pk).update(signature=signature)
    keys = band_keys(signature)
    ReportBand.objects.bulk_create(ReportBand(report=report, key=key) for key in keys)
    task = report.task
    directive = task.directive
    sharing = (
        ReportBand.objects.filter(key__in=keys)
        .exclude(report_id=report.pk)
        .values_list("report_id", flat=True)
        .distinct()
    )
    candidate_ids = set(sharing.order_by("-report_id")[:MAX_CANDIDATES]) if keys else set()
    same_period = (
        Report.objects.filter(task__directive_id=directive.pk, period=report.period)
        .exclude(pk=report.pk)
        .values_list("id", flat=True)[:MAX_CANDIDATES]
    )
    candidate_ids.update(same_period)
    candidates = [
        _doc(row, directive_id)
        for row, directive_id in (
            (row, row.task.directive_id)
            for row in Report.objects.filter(pk__in=candidate_ids)
            .exclude(status=Report.Status.RETURNED)
            .select_related("task")
            .only(
                "id", "unit_id", "task_id", "period", "text", "evidence_count", "task__directive_id"
            )
        )
        # A resubmission after a return is not a copy of the returned report.
        if not (row.task_id == report.task_id and row.period == report.period)
    ]
    directive_text = f"{directive.title}\n{directive.summary}"
    findings = find_formalism(_doc(report, directive.pk), candidates, directive_text, [])
    now = timezone.now()
    flags = [
        FormalismFlag(
            report=report,
            kind=finding.kind,
            score=float(finding.score),
            source_report_id=finding.source_key,
            reason=finding.reason,
            passages=[list(pair) for pair in finding.passages],
            created_at=now,
        )
        for finding in findings
        if finding.kind in FormalismFlag.Kind.values
    ]
    return FormalismFlag.objects.bulk_create(flags)
