from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from catalog import actions
from catalog import cache as catalog_cache
from catalog.forms import FormFileForm, MatterForm
from catalog.models import FormFile, Matter
from catalog.search import query_terms, search_matters
from catalog.spreadsheet import ImportRefused, export_matters, import_matters
from org.models import Unit
from org.scoping import sees_all_units
from zuofeng.access import staff_required
from zuofeng.forms import add_action_errors
from zuofeng.uploads import FILE_ACCEPT, private_download


def get_matter_for_staff(user: object, pk: int) -> Matter:
    """A matter the user may edit, or 404 (another unit's matter does not exist for them)."""
    return get_object_or_404(Matter.objects.editable_by(user).select_related("unit"), pk=pk)


PER_PAGE = 20
# In the cached content, where the print time goes: "<" never comes out of escaped user text.
PRINTED_AT_MARKER = "<!--catalog-printed-at-->"


def _list_params(request: HttpRequest) -> dict[str, Any]:
    """The catalogue's query, normalised: only these values shape the page (other
    parameters are ignored, so they neither split the cache nor reach the page's links)."""
    raw_page = request.GET.get("page", "")
    return {
        "q": request.GET.get("q", "").strip()[:100],
        "unit": request.GET.get("unit", "").strip()[:40],
        "immediate": request.GET.get("immediate") == "1",
        "online": request.GET.get("online") == "1",
        "page": int(raw_page) if raw_page.isdigit() and len(raw_page) <= 6 else 1,
    }


def _unit_choices(current: int) -> list[tuple[str, str]]:
    """The unit dropdown: units with a current matter, cached under the catalogue version."""
    return catalog_cache.get_or_build(
        catalog_cache.key("units", "", current=current),
        lambda: list(
            Unit.objects.active()
            .filter(matters__archived=False)
            .distinct()
            .order_by("sort_order", "code")
            .values_list("code", "name")
        ),
    )


def _catalogue_page(matters: Any, params: dict[str, Any], current: int) -> Any:
    """The requested page, without a COUNT where it can be avoided: the total is cached per
    filter under the catalogue version, and a first page shorter than a page is its own
    total."""
    filters = (params["q"], params["unit"], params["immediate"], params["online"])
    count_key = catalog_cache.key("count", "", *filters, current=current)
    count = catalog_cache.get(count_key)
    head = None
    if count is None and params["page"] == 1:
        head = list(matters[: PER_PAGE + 1])
        if len(head) <= PER_PAGE:
            count = len(head)
    if count is None:
        count = matters.count()
    catalog_cache.put(count_key, count)
    paginator = Paginator(matters, PER_PAGE)
    paginator.count = count  # a cached_property: set, it is not queried again
    page = paginator.get_page(params["page"])
    if head is not None and page.number == 1:
        page.object_list = head[:PER_PAGE]
    return page


def _render_list_content(params: dict[str, Any], current: int) -> tuple[str, str]:
    query = params["q"]
    matters = Matter.objects.public().select_related("unit").order_by("unit__sort_order", "code")
    if query:
        matters = search_matters(matters, query)  # ranked: name matches first
    if params["unit"]:
        matters = matters.filter(unit__code=params["unit"])
    if params["immediate"]:
        matters = matters.filter(promised_limit_days=0)
    if params["online"]:
        matters = matters.filter(online=True)
    page = _catalogue_page(matters, params, current)
    links = {key: params[key] for key in ("q", "unit") if params[key]}
    links.update({key: "1" for key in ("immediate", "online") if params[key]})
    content = render_to_string(
        "catalog/_matter_list_content.html",
        {
            "page": page,
            "query": query,
            "units": _unit_choices(current),
            "unit_code": params["unit"],
            "immediate": params["immediate"],
            "online": params["online"],
            "querystring": urlencode(links),
            # One reverse() for the page, not one {% url %} per row (codes need no quoting:
            # MATTER_CODE_PATTERN).
            "detail_prefix": reverse("catalog:detail", args=["0"])[:-2],
            # "办理" or "怎么申请" alone says nothing about what is to be done.
            "vague": bool(query) and not query_terms(query),
        },
    )
    return "办事指南", content


def _public_page(request: HttpRequest, kind: str, parts: tuple[Any, ...], build: Any) -> Any:
    """Serve a public catalogue page from the cache, or build, cache and serve it.

    The content is shared by everyone; the whole page only among anonymous visitors with no
    message waiting (a logged-in user's navigation bar, inbox count and logout form with its
    CSRF token are theirs alone, so their page is assembled around the shared content)."""
    language = getattr(request, "LANGUAGE_CODE", "")
    current = catalog_cache.version()
    whole = not request.user.is_authenticated and not len(messages.get_messages(request))
    page_key = catalog_cache.key(f"{kind}-page", language, *parts, current=current)
    if whole:
        html = catalog_cache.get(page_key)
        if html is not None:
            return HttpResponse(_printed_now(html))
    content_key = catalog_cache.key(kind, language, *parts, current=current)
    built = catalog_cache.get(content_key)
    if built is None:
        built = build(current)
        catalog_cache.put(content_key, built)
    title, content = built
    html = render_to_string(
        "catalog/public_page.html",
        {"title": title, "content": mark_safe(content)},  # rendered and escaped above
        request=request,
    )
    if whole:
        catalog_cache.put(page_key, html)
    return HttpResponse(_printed_now(html))


def _printed_now(html: str) -> str:
    if PRINTED_AT_MARKER not in html:
        return html
    return html.replace(PRINTED_AT_MARKER, date_format(timezone.localtime(), "Y年n月j日 H:i"))


def matter_list(request: HttpRequest) -> HttpResponse:
    params = _list_params(request)
    return _public_page(
        request,
        "list",
        tuple(params.values()),
        lambda current: _render_list_content(params, current),
    )


def _render_matter_content(code: str) -> tuple[str, str]:
    matter = get_object_or_404(
        Matter.objects.public().select_related("unit").prefetch_related("materials", "form_files"),
        code=code,
    )
    files = list(matter.form_files.all())
    materials = list(matter.materials.all())
    for material in materials:
        material.form_files = [f for f in files if f.material_name == material.name]
    names = {material.name for material in materials}
    content = render_to_string(
        "catalog/_matter_detail_content.html",
        {
            "matter": matter,
            "materials": materials,
            # A form whose material was since renamed or removed still belongs to the matter.
            "matter_files": [f for f in files if f.material_name not in names],
            "printed_at_marker": mark_safe(PRINTED_AT_MARKER),
        },
    )
    return matter.name, content


def matter_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _public_page(request, "detail", (code,), lambda current: _render_matter_content(code))


def form_file_download(request: HttpRequest, code: str, token: str) -> FileResponse:
    """A blank form or sample of a public matter: public documents, for anyone."""
    form_file = get_object_or_404(
        FormFile.objects.filter(matter__in=Matter.objects.public()), matter__code=code, token=token
    )
    return private_download(form_file.file, form_file.download_name, form_file.content_type)


@staff_required
def staff_matter_list(request: HttpRequest) -> HttpResponse:
    matters = Matter.objects.editable_by(request.user).select_related("unit").order_by("code")
    query = request.GET.get("q", "").strip()[:100]
    if query:
        matters = search_matters(matters, query)
    page = Paginator(matters, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/staff_matter_list.html",
        {"page": page, "query": query, "all_units": sees_all_units(request.user)},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def staff_matter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    matter = get_matter_for_staff(request.user, pk)
    if not request.user.has_perm("catalog.change_matter"):
        # Window and discipline staff see their unit's matters but do not maintain them.
        raise PermissionDenied("您的角色不能修改事项")
    form = MatterForm(request.POST or None, instance=matter)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
        # The form already applied its values to the instance; reload so the action sees
        # the stored state for its before/after audit summary.
        matter.refresh_from_db()
        try:
            matter = actions.update_matter(
                actor=request.user,
                matter=matter,
                changes=changes,
                materials=form.cleaned_data["materials_text"],
            )
        except ValidationError as exc:
            add_action_errors(form, exc, {"materials": "materials_text"})
        else:
            messages.success(request, f"已保存“{matter.name}”")
            return redirect("catalog:staff_list")
    return render(
        request,
        "catalog/matter_form.html",
        {
            "form": form,
            "matter": matter,
            "file_form": FormFileForm(matter=matter),
            "form_files": matter.form_files.all(),
            "file_accept": FILE_ACCEPT,
        },
    )


def _editable_matter(request: HttpRequest, pk: int) -> Matter:
    matter = get_matter_for_staff(request.user, pk)
    if not request.user.has_perm("catalog.change_matter"):
        raise PermissionDenied("您的角色不能修改事项")
    return matter


@staff_required
@require_POST
def staff_form_file_add(request: HttpRequest, pk: int) -> HttpResponse:
    matter = _editable_matter(request, pk)
    file_form = FormFileForm(request.POST, request.FILES, matter=matter)
    if file_form.is_valid():
        data = file_form.cleaned_data
        try:
            actions.add_form_file(
                actor=request.user,
                matter=matter,
                upload=data["upload"],
                kind=data["kind"],
                title=data["title"],
                material_name=data["material_name"],
            )
        except ValidationError as exc:
            file_form.add_error(None, exc)
        else:
            messages.success(request, "表格已上传，办事指南页面可下载")
            return redirect("catalog:edit", pk=matter.pk)
    return render(
        request,
        "catalog/matter_form.html",
        {
            "form": MatterForm(instance=matter),
            "matter": matter,
            "file_form": file_form,
            "form_files": matter.form_files.all(),
            "file_accept": FILE_ACCEPT,
        },
        status=400,
    )


@staff_required
@require_POST
def staff_form_file_remove(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    matter = _editable_matter(request, pk)
    form_file = get_object_or_404(matter.form_files, token=token)
    actions.remove_form_file(actor=request.user, form_file=form_file)
    messages.success(request, f"已删除“{form_file.title}”")
    return redirect("catalog:edit", pk=matter.pk)


@staff_required
@require_http_methods(["GET", "POST"])
def staff_matter_import(request: HttpRequest) -> HttpResponse:
    if not sees_all_units(request.user):
        # Importing rewrites many units' lists: the office or an admin does it.
        messages.error(request, "只有督查室或系统管理员可以导入事项清单")
        return redirect("catalog:staff_list")
    report = None
    refused = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            refused = "请选择要导入的 Excel 文件"
        elif not upload.name.lower().endswith(".xlsx"):
            refused = "文件类型不对：请上传 .xlsx 格式的 Excel 文件"
        else:
            try:
                report = import_matters(
                    actor=request.user, data=upload.read(), filename=upload.name
                )
            except ImportRefused as exc:
                refused = str(exc)
            if report is not None and report.ok:
                messages.success(
                    request,
                    f"导入成功：新增 {report.created} 项，更新 {report.updated} 项，"
                    f"内容未变 {report.unchanged} 项",
                )
                return redirect("catalog:staff_list")
    return render(
        request,
        "catalog/import.html",
        {"report": report, "refused": refused, "errors": (report.errors[:500] if report else [])},
    )


@staff_required
def staff_matter_export(request: HttpRequest) -> HttpResponse:
    data = export_matters(Matter.objects.editable_by(request.user).filter(archived=False))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="matters-{stamp}.xlsx"'
    return response
