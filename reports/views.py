"""调研报告 pages (namespace "reports", the office's): the list and a new report, the
preview with every figure linked to its records, the edit, the downloads, the stale check
and each fact's drill-down (the scorecard's record lists, reused)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reports import actions, charts, document, pdf
from reports.evidence import lookup
from reports.facts import display
from reports.facts import fact_records as records_of
from reports.forms import EditForm, ReportForm, default_period
from reports.layout import blocks, source_lines
from reports.models import Fact, Report
from reports.reads import facts_of, report_for, version_of
from scorecard.views import records as record_lists
from zuofeng.access import office_required
from zuofeng.forms import add_action_errors

PAGE_SIZE = 25


@require_http_methods(["GET", "POST"])
@office_required
def index(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = actions.generate_report(
                    actor=request.user,
                    title=data["title"],
                    start=data["start"],
                    end=data["end"],
                    scope=data["scope"],
                    scope_value=form.scope_value(),
                )
            except ValidationError as exc:
                add_action_errors(form, exc, {"标题": "title", "截止日期": "end", "范围": "scope"})
            else:
                messages.success(request, "报告已生成（草稿），请核对后修改完善。")
                return redirect("reports:detail", report.pk)
    else:
        start, end = default_period(timezone.localdate())
        form = ReportForm(
            initial={"title": "关于全区干部作风建设情况的调研报告", "start": start, "end": end}
        )
    page = Paginator(Report.objects.select_related("created_by"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "reports/index.html", {"form": form, "page": page})


def _context(report: Report, number: str | None) -> dict[str, Any]:
    try:
        version = version_of(report, number)
    except Report.DoesNotExist as exc:
        raise Http404 from exc
    facts = facts_of(report)
    parts, refs = blocks(version.content, facts)
    chart_options = {
        f"chart-{key}": charts.echarts_option(spec, facts)
        for key, spec in version.content["charts"].items()
    }
    return {
        "report": report,
        "version": version,
        "versions": report.versions.select_related("created_by").order_by("-number"),
        "blocks": parts,
        "sources": source_lines(report, facts, refs),
        "charts": chart_options,
        "stale": [f for f in facts.values() if f.stale],
        "pdf_available": pdf.converter() is not None,
    }


@require_GET
@office_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_for(request.user, pk)
    return render(request, "reports/detail.html", _context(report, request.GET.get("v")))


@require_http_methods(["GET", "POST"])
@office_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_for(request.user, pk)
    version = version_of(report, None)
    form = EditForm(request.POST or None, sections=version.content["sections"])
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_report(
                actor=request.user,
                report=report,
                texts=form.texts(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            names = {
                s["heading"]: f"section_{i}" for i, s in enumerate(version.content["sections"])
            }
            add_action_errors(form, exc, names)
        else:
            messages.success(request, "修改已保存为新版本，原版本仍可查看。")
            return redirect("reports:detail", report.pk)
    facts = list(report.facts.all())
    return render(
        request,
        "reports/edit.html",
        {
            "report": report,
            "version": version,
            "form": form,
            "facts": [(f, display(f.kind, f.value)) for f in facts],
            "charts": version.content["charts"],
            "tables": version.content.get("tables", {}),
        },
    )


def _filename(report: Report, version: Any, extension: str) -> str:
    return f"report-{report.pk}-v{version.number}.{extension}"


def _docx(report: Report, number: str | None) -> tuple[Any, bytes]:
    try:
        version = version_of(report, number)
    except Report.DoesNotExist as exc:
        raise Http404 from exc
    return version, document.build(report, version.content, facts_of(report))


@require_GET
@office_required
def download_docx(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_for(request.user, pk)
    version, data = _docx(report, request.GET.get("v"))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, version, "docx")}"'
    return response


@require_GET
@office_required
def download_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_for(request.user, pk)
    if pdf.converter() is None:
        raise Http404
    version, data = _docx(report, request.GET.get("v"))
    converted = pdf.to_pdf(data)
    if converted is None:
        raise Http404
    response = HttpResponse(converted, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, version, "pdf")}"'
    return response


@require_POST
@office_required
def check(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_for(request.user, pk)
    changed = actions.check_stale(actor=request.user, report=report)
    if changed:
        messages.warning(
            request, f"有 {changed} 项数据与生成时不同（已标注“已变化”）。报告仍按快照数据呈现。"
        )
    else:
        messages.success(request, "全部数据与生成时一致。")
    return redirect("reports:detail", report.pk)


@require_GET
@office_required
def fact_records(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    report = report_for(request.user, pk)
    try:
        fact = report.facts.get(key=key)
    except Fact.DoesNotExist as exc:
        raise Http404 from exc
    if fact.kind == Fact.Kind.RATE:
        parts = report.facts.filter(key__in=[fact.params["numerator"], fact.params["denominator"]])
        return render(
            request,
            "reports/rate.html",
            {
                "report": report,
                "fact": fact,
                "parts": parts,
                "value": display(fact.kind, fact.value),
            },
        )
    p = fact.params
    queryset = record_lists.prepare(records_of(fact))
    kind = record_lists.kind_of(queryset)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/records.html",
        {
            "report": report,
            "fact": fact,
            "measure": lookup(fact.code),
            "kind": kind,
            "page": page,
            "rows": record_lists.rows(kind, list(page.object_list), request.user),
            "last_day": dt.date.fromisoformat(p["end"]) - dt.timedelta(days=1),
            "start": dt.date.fromisoformat(p["start"]),
        },
    )
