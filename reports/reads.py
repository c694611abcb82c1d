"""Reads of reports: the office's (reports cover every unit; nobody else sees them)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from reports.models import Fact, Report, Version


def report_for(user: Any, pk: int) -> Report:
    return get_object_or_404(Report, pk=pk)


def version_of(report: Report, number: str | None) -> Version:
    versions = report.versions.all()
    if number:
        return get_object_or_404(versions, number=int(number) if number.isdigit() else -1)
    version = versions.order_by("-number").first()
    if version is None:
        raise Report.DoesNotExist
    return version


def facts_of(report: Report) -> dict[str, Fact]:
    return {fact.key: fact for fact in report.facts.all()}
