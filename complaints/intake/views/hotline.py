"""The supervision office's 12345 hotline pages: sources and their column mapping (with a
preview of an export), upload, the import's progress (htmx polling) and its bad rows.

Only the office imports (`actions.require_channel_actor`); anyone else gets 404, like any
page they cannot see. The import itself runs in the background (`complaints.intake.tasks`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from complaints.intake import hotline
from complaints.intake.tasks import import_hotline_file
from complaints.models import HotlineImport, HotlineSource
from zuofeng.access import office_required
from zuofeng.masking import mask_id_number, mask_name, mask_phone

ERRORS_PAGE_SIZE = 50
IMPORTS_SHOWN = 20
CALLER_FIELDS = {"caller_name": mask_name, "caller_phone": mask_phone}
_DIGITS = re.compile(r"\d{7,}")


class SourceForm(forms.Form):
    name = forms.CharField(label="来源名称", max_length=60)

    def __init__(self, *args: Any, instance: HotlineSource | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.instance = instance
        for field in hotline.FIELDS:
            self.fields[field.key] = forms.CharField(
                label=field.label, max_length=100, required=field.required
            )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = HotlineSource.objects.filter(name=name)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError("已有同名的热线数据来源")
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        headers = [data.get(f.key) for f in hotline.FIELDS if data.get(f.key)]
        if len(headers) != len(set(headers)):
            raise ValidationError("同一列不能对应两个字段")
        return data

    def column_map(self) -> dict[str, str]:
        return {
            f.key: self.cleaned_data[f.key].strip()
            for f in hotline.FIELDS
            if self.cleaned_data.get(f.key)
        }


class UploadForm(forms.Form):
    source = forms.ModelChoiceField(
        label="数据来源", queryset=HotlineSource.objects.all(), empty_label=None
    )
    file = forms.FileField(label="热线导出文件（.csv 或 .xlsx）")


@office_required
@require_GET
def sources(request: HttpRequest) -> HttpResponse:
    return render(
        request, "complaints/hotline/sources.html", {"sources": HotlineSource.objects.all()}
    )


@office_required
@require_http_methods(["GET", "POST"])
def source_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create or edit a source's mapping. Posting a sample file with "preview" shows its
    header (offered as choices) and first rows, and proposes a mapping; nothing is kept."""
    instance = get_object_or_404(HotlineSource, pk=pk) if pk is not None else None
    preview: dict[str, Any] | None = None
    if request.method == "POST" and request.POST.get("preview"):
        data = request.POST.copy()
        sample = request.FILES.get("sample")
        if sample is None:
            messages.error(request, "请选择一个导出文件用于预览")
        else:
            try:
                table = hotline.read_table(
                    sample.read(), Path(sample.name).suffix, limit=hotline.PREVIEW_ROWS
                )
            except hotline.HotlineRefused as error:
                messages.error(request, str(error))
            else:
                current = {f.key: data.get(f.key, "") for f in hotline.FIELDS}
                for key, header in hotline.guess_mapping(table.headers).items():
                    if not current.get(key):
                        data[key] = header
                preview = _preview(table, data)
        form = SourceForm(initial=data.dict(), instance=instance)
    elif request.method == "POST":
        form = SourceForm(request.POST, instance=instance)
        if form.is_valid():
            with transaction.atomic():
                source = instance or HotlineSource()
                source.name = form.cleaned_data["name"]
                source.column_map = form.column_map()
                source.save()
            messages.success(request, f"已保存“{source.name}”的列对应关系")
            return redirect("complaints:hotline_sources")
    else:
        initial = {"name": instance.name, **instance.column_map} if instance else {}
        form = SourceForm(initial=initial, instance=instance)
    return render(
        request,
        "complaints/hotline/source_form.html",
        {"form": form, "instance": instance, "preview": preview, "fields": hotline.FIELDS},
    )


def _preview(table: hotline.Table, mapping: Any) -> dict[str, Any]:
    """The first rows, with callers' names, phones and ID numbers masked: a preview is
    shown on a screen and must not expose them."""
    masked = {mapping.get(key): mask for key, mask in CALLER_FIELDS.items() if mapping.get(key)}
    if mapping.get("caller_id_number"):
        masked[mapping.get("caller_id_number")] = mask_id_number
    rows = []
    for cells in table.rows:
        row = []
        for header, cell in zip(table.headers, cells, strict=False):
            if header in masked:
                cell = masked[header](cell)
            elif _DIGITS.search(cell):
                cell = _DIGITS.sub(lambda m: mask_phone(m.group()), cell)
            row.append(cell)
        rows.append((cells[-1], row))
    return {"headers": table.headers, "rows": rows}


@office_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            with transaction.atomic():
                job = hotline.create_import(
                    actor=request.user,
                    source=form.cleaned_data["source"],
                    name=upload.name,
                    data=upload.read(),
                )
                # Tasks take ids and are queued after commit.
                transaction.on_commit(lambda: import_hotline_file.enqueue(job.pk))
        except (hotline.HotlineRefused, PermissionDenied) as error:
            form.add_error("file", str(error))
        else:
            return redirect("complaints:hotline_import", job.pk)
    hotline.close_stalled()
    imports = HotlineImport.objects.select_related("source", "created_by")[:IMPORTS_SHOWN]
    return render(
        request,
        "complaints/hotline/upload.html",
        {"form": form, "imports": imports, "has_sources": HotlineSource.objects.exists()},
    )


def _job(pk: int) -> HotlineImport:
    hotline.close_stalled()  # a killed import's page says so instead of polling forever
    return get_object_or_404(HotlineImport.objects.select_related("source", "created_by"), pk=pk)


@office_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(pk)
    page = Paginator(job.errors, ERRORS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/hotline/import.html",
        {"job": job, "page": page, "errors_capped": job.error_count > len(job.errors)},
    )


@office_required
@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls every second until the import has finished."""
    job = _job(pk)
    return render(
        request,
        "complaints/hotline/_progress.html",
        {"job": job, "url": reverse("complaints:hotline_progress", args=[job.pk])},
    )
