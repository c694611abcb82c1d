"""XLSForm import and the Excel exports, on the xlsform helper's functions
(`surveys.xlsform.import_xlsform`, `export_xlsform`; `surveys.codebook.export_answers`).

Import lists every row the platform cannot use, as the office must see what a workbook loses
before relying on it; nothing is dropped silently. A workbook with unsupported rows may still
be taken (the rows listed stay listed on the result page)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from surveys import actions
from surveys.forms import ImportForm
from surveys.models import Survey
from surveys.reads import get_survey_for_user
from surveys.spec import FormSpec, SpecError
from zuofeng.access import office_required
from zuofeng.transitions import Conflict

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _function(module: str, name: str) -> Callable[..., Any] | None:
    try:
        found = importlib.import_module(f"surveys.{module}")
    except ImportError:
        return None
    function = getattr(found, name, None)
    return function if callable(function) else None


def _row_text(row: Any) -> str:
    """An unsupported row as the office reads it (the importer's rows say where and why)."""
    if isinstance(row, dict):
        return "：".join(str(v) for v in row.values() if v not in ("", None))
    return str(row)


def _read(request: HttpRequest, form: ImportForm) -> tuple[FormSpec, list[str]] | None:
    importer = _function("xlsform", "import_xlsform")
    if importer is None:
        form.add_error(None, "XLSForm 导入功能尚未启用。")
        return None
    try:
        spec, unsupported = importer(form.cleaned_data["file"])
    except SpecError as exc:
        for message in exc.messages:
            form.add_error("file", message)
        return None
    except (ValueError, ValidationError) as exc:
        form.add_error("file", f"无法读取该表格：{exc}")
        return None
    return spec, [_row_text(row) for row in unsupported]


def _import_page(
    request: HttpRequest, form: ImportForm, survey: Survey | None, **extra: Any
) -> HttpResponse:
    context = {"form": form, "survey": survey, **extra}
    status = 400 if form.errors else 200
    return render(request, "surveys/import.html", context, status=status)


@office_required
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    """A new draft survey from an XLSForm workbook."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        read = _read(request, form)
        if read is not None:
            spec, unsupported = read
            try:
                survey = actions.create_survey(
                    actor=request.user, title=spec.title or "导入的问卷", spec=spec
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                return _imported(request, survey, unsupported)
    return _import_page(request, form, None)


@office_required
@require_http_methods(["GET", "POST"])
def import_into(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace a draft survey's questions with a workbook's."""
    survey = get_survey_for_user(request.user, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        read = _read(request, form)
        if read is not None:
            spec, unsupported = read
            try:
                actions.set_definition(survey, spec, actor=request.user)
            except Conflict as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                return _imported(request, survey, unsupported)
    return _import_page(request, form, survey)


def _imported(request: HttpRequest, survey: Survey, unsupported: list[str]) -> HttpResponse:
    count = sum(1 for q in actions.spec_of(survey).questions if q.is_answered)
    if not unsupported:
        messages.success(request, f"已导入 {count} 道题，表格中没有不支持的内容。")
        return redirect("surveys:builder", survey.pk)
    return render(
        request,
        "surveys/import_done.html",
        {"survey": survey, "unsupported": unsupported, "count": count},
    )


def _export(module: str, name: str, make: Callable[[Survey, Callable[..., bytes]], bytes]) -> Any:
    suffix = "answers" if module == "codebook" else "xlsform"

    @office_required
    @require_GET
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        survey = get_survey_for_user(request.user, pk)
        export = _function(module, name)
        if export is None:
            raise Http404
        return _xlsx(make(survey, export), f"survey-{survey.pk}-{suffix}.xlsx")

    return view


export_answers = _export("codebook", "export_answers", lambda survey, export: export(survey))
export_form = _export(
    "xlsform", "export_xlsform", lambda survey, export: export(actions.spec_of(survey))
)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
