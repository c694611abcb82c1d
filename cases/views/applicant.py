"""The applicant's side: register, apply online, follow one's own cases, answer a one-time
notice, and download attachments (the only way a stored file ever leaves MEDIA_ROOT)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cases import actions
from cases.models import Attachment, Case, SupplementRequest
from cases.public_forms import ApplicationForm, RegistrationForm, SupplyForm
from cases.views.public import STATUS_CLASSES
from catalog.models import Matter
from org.actions import add_person
from org.roles import Role
from zuofeng.transitions import Conflict
from zuofeng.uploads import private_download

TOKEN_PATTERN = re.compile(r"[0-9a-f]{32}")


def get_case_for_owner(user: Any, number: str) -> Case:
    """The applicant's own case, or 404: another person's case does not exist for them."""
    return get_object_or_404(
        Case.objects.owned_by(user).select_related("matter", "unit"), number=number
    )


def _messages_of(exc: ValidationError) -> list[str]:
    # Actions raise field-keyed errors named in Chinese ("申请人"); the form has no such
    # fields, so they are shown as form-level messages.
    return list(exc.messages)


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("cases:my_cases")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = add_person(
                actor=None,
                username=data["username"],
                full_name=data["full_name"],
                roles=[Role.APPLICANT],
                phone=data["phone"],
                password=data["password1"],
            )
        except ValidationError as exc:
            form.add_error(None, _messages_of(exc))
        except IntegrityError:
            # Someone registered the same name between the check and the insert.
            form.add_error("username", "该用户名已被注册，请换一个")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"注册成功，欢迎您，{user.first_name}")
            return redirect("cases:my_cases")
    return render(request, "cases/public/register.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    matter = get_object_or_404(
        Matter.objects.public().select_related("unit").prefetch_related("materials"), code=code
    )
    if not matter.online:
        return render(request, "cases/public/apply_unavailable.html", {"matter": matter})
    materials = list(matter.materials.all())
    if request.method == "POST":
        form = ApplicationForm(request.POST, request.FILES, materials=materials)
    else:
        form = ApplicationForm(
            materials=materials, initial={"applicant_name": request.user.get_full_name()}
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = actions.submit_case(
                actor=request.user,
                matter=matter,
                channel=Case.Channel.ONLINE,
                applicant_kind=data["applicant_kind"],
                applicant_name=data["applicant_name"],
                applicant_phone=data["applicant_phone"],
                applicant_id_number=data["applicant_id_number"],
                applicant_user=request.user,
                files=form.files_to_store,
            )
        except ValidationError as exc:
            form.add_error(None, _messages_of(exc))
        else:
            return redirect("cases:apply_done", number=case.number)
    return render(
        request,
        "cases/public/apply.html",
        {"matter": matter, "form": form},
    )


@login_required
def apply_done(request: HttpRequest, number: str) -> HttpResponse:
    """The receipt: the number and the query code, which the applicant must keep."""
    case = get_case_for_owner(request.user, number)
    return render(request, "cases/public/apply_done.html", {"case": case})


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    cases = (
        Case.objects.owned_by(request.user)
        .select_related("matter", "unit")
        .order_by("-submitted_at", "-id")
    )
    page = Paginator(cases, 20).get_page(request.GET.get("page"))
    for case in page.object_list:
        case.status_class = STATUS_CLASSES.get(case.status, "is-light")
        _promised_only(case)
    return render(request, "cases/public/my_cases.html", {"page": page})


def _promised_only(case: Case) -> None:
    """The applicant's pages show `due_at` as the promised date. While the clock counts the
    office's acceptance limit, that is not a promise to decide: show none (in memory only,
    the case is never saved from these pages)."""
    case.acceptance_due_at = case.due_at if case.awaiting_acceptance else None
    case.due_at = case.promised_due_at


@login_required
@require_http_methods(["GET", "POST"])
def my_case(request: HttpRequest, number: str) -> HttpResponse:
    case = get_case_for_owner(request.user, number)
    in_supplement = case.status == Case.Status.SUPPLEMENT
    notice: SupplementRequest | None = None
    form: SupplyForm | None = None
    if in_supplement:
        notice = case.supplement_requests.order_by("-requested_at", "-id").first()
    if notice is not None:
        posted = request.method == "POST"
        form = SupplyForm(
            request.POST if posted else None,
            request.FILES if posted else None,
            materials=notice.outstanding_materials,
        )
    if request.method == "POST":
        if form is None:
            messages.error(request, "该办件当前不需要补正材料，页面可能已过期。")
            return redirect("cases:my_case", number=case.number)
        if form.is_valid():
            try:
                actions.supply_materials(
                    actor=request.user,
                    case=case,
                    files=form.files_to_store,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                form.add_error(None, _messages_of(exc))
            except Conflict as exc:
                messages.error(request, str(exc))
                return redirect("cases:my_case", number=case.number)
            else:
                case.refresh_from_db()
                if case.status == Case.Status.SUPPLEMENT:
                    left = case.supplement_requests.filter(supplied_at__isnull=True).first()
                    missing = "、".join(left.outstanding_materials) if left else ""
                    messages.success(
                        request,
                        "已收到您提交的补正材料。"
                        + (f"尚缺：{missing}，请补齐后承办单位继续办理。" if missing else ""),
                    )
                else:
                    messages.success(request, "补正材料已提交，承办单位将继续办理。")
                return redirect("cases:my_case", number=case.number)
    _promised_only(case)
    return render(
        request,
        "cases/public/my_case.html",
        {
            "case": case,
            "status_class": STATUS_CLASSES.get(case.status, "is-light"),
            "timeline": case.events.all(),
            "attachments": case.attachments.all(),
            "notice": notice,
            "form": form,
            "clock_paused": case.clock_paused_at is not None,
            # For the notice box: what is still missing and what has been handed in.
            "outstanding": notice.outstanding_materials if notice else [],
            "supplied": list(notice.supplied_materials or []) if notice else [],
            # The office's deadline to accept, refuse or give a one-time notice (Art. 32).
            "acceptance_due_at": case.acceptance_due_at,
        },
    )


@login_required
def attachment(request: HttpRequest, token: str) -> FileResponse:
    """A stored file, for the case's applicant or staff who may see the case; 404 for anyone
    else, so a token reveals nothing."""
    if not TOKEN_PATTERN.fullmatch(token):
        raise Http404
    record = get_object_or_404(Attachment.objects.select_related("case"), token=token)
    case = record.case
    is_owner = case.applicant_user_id is not None and case.applicant_user_id == request.user.pk
    if not is_owner and not Case.objects.visible_to(request.user).filter(pk=case.pk).exists():
        raise Http404
    return private_download(record.file, record.original_name, record.content_type)
