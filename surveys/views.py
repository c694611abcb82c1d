"""The office's pages: the list of surveys, the builder (details, questions of every kind,
skip logic, quotas, open/close), the preview, token sheets and the open link with their QR
codes, and the results. Public answering pages are in surveys/public_views.py."""

from __future__ import annotations

import re
from typing import Any

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from surveys import actions
from surveys.forms import ProblemForm, QuestionForm, QuotaForm, SurveyForm, TokenBatchForm
from surveys.models import Survey, TextAnswer, TokenBatch
from surveys.reads import get_survey_for_user, office_surveys
from surveys.render import answering_context
from surveys.results import CATEGORY_NAMES, charts_json, question_results
from surveys.spec import ChoiceSpec, QuestionSpec
from zuofeng.access import office_required
from zuofeng.forms import add_action_errors
from zuofeng.transitions import Conflict

PAGE_SIZE = 20
QUESTION_FIELDS = {"题目": "name", "问卷定义": "__all__"}


def qr_svg(url: str, scale: int = 3) -> SafeString:
    # segno writes plain SVG paths (no script, no inline style), which the strict CSP allows.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=scale))


def absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


@office_required
@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    surveys = office_surveys(request.user).order_by("-created_at", "-pk")
    page = Paginator(surveys, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "surveys/list.html", {"page": page})


@office_required
@require_http_methods(["GET", "POST"])
def survey_new(request: HttpRequest) -> HttpResponse:
    form = SurveyForm(request.POST or None, initial={"allow_link": True})
    if request.method == "POST" and form.is_valid():
        try:
            survey = actions.create_survey(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_action_errors(form, exc, {"问卷标题": "title"})
        else:
            messages.success(request, "问卷已创建，请添加题目。")
            return redirect("surveys:builder", survey.pk)
    return render(
        request, "surveys/survey_form.html", {"form": form}, status=400 if form.errors else 200
    )


def _builder_page(
    request: HttpRequest,
    survey: Survey,
    *,
    details: SurveyForm | None = None,
    question_form: QuestionForm | None = None,
    quota_form: QuotaForm | None = None,
    status: int = 200,
) -> HttpResponse:
    spec = actions.spec_of(survey)
    draft = survey.status == Survey.Status.DRAFT
    details = details or SurveyForm(
        initial={
            "title": survey.title,
            "description": survey.description,
            "audience": survey.audience,
            "allow_link": survey.allow_link,
            "allow_tokens": survey.allow_tokens,
        }
    )
    context = {
        "survey": survey,
        "spec": spec,
        "draft": draft,
        "details": details,
        "question_form": question_form or QuestionForm(spec=spec, initial={"kind": "single"}),
        "quota_form": quota_form or QuotaForm(spec=spec),
        "quotas": survey.quotas.all(),
        "problems": spec.errors() if spec.questions else [],
        "has_area": bool(survey.area_question),
        "link": absolute(request, reverse("surveys:answer", args=[survey.link_key])),
        "response_total": _total(survey),
        "conditions": _conditions(spec),
    }
    return render(request, "surveys/builder.html", context, status=status)


SIMPLE_CONDITION = re.compile(r"(?:\$\{([^}]+)\}\s*=|selected\(\$\{([^}]+)\},)\s*'([^']*)'\)?")


def _conditions(spec: Any) -> dict[str, str]:
    """Skip logic in words for the office, where it is one question's answer."""
    words = {}
    for q in spec.questions:
        match = SIMPLE_CONDITION.fullmatch(q.relevant.strip())
        if not match:
            continue
        try:
            target = spec.question(match[1] or match[2])
        except KeyError:
            continue
        words[q.name] = f"仅当“{target.label}”选择“{target.choice_label(match[3])}”时显示"
    return words


def _total(survey: Survey) -> int:
    row = survey.tallies.filter(question=actions.TOTAL).values_list("count", flat=True)
    return sum(row)


@office_required
@require_http_methods(["GET", "POST"])
def builder(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_survey_for_user(request.user, pk)
    if request.method == "POST":
        form = SurveyForm(request.POST)
        if form.is_valid():
            try:
                actions.update_survey(survey, actor=request.user, **form.cleaned_data)
            except Conflict as exc:
                messages.error(request, str(exc))
            except ValidationError as exc:
                add_action_errors(form, exc, {"问卷标题": "title"})
                return _builder_page(request, survey, details=form, status=400)
            else:
                messages.success(request, "问卷信息已保存。")
            return redirect("surveys:builder", survey.pk)
        return _builder_page(request, survey, details=form, status=400)
    return _builder_page(request, survey)


@office_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a question (no ?name=) or edit the named one."""
    survey = get_survey_for_user(request.user, pk)
    spec = actions.spec_of(survey)
    editing = request.GET.get("name") or None
    if editing is not None:
        try:
            current = spec.question(editing)
        except KeyError:
            raise Http404 from None
        initial = QuestionForm.initial_for(current)
    else:
        initial = {"kind": request.GET.get("kind", "single")}
    form = QuestionForm(request.POST or None, spec=spec, editing=editing, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_question(survey, form.question(), actor=request.user, replacing=editing)
        except Conflict as exc:
            messages.error(request, str(exc))
            return redirect("surveys:builder", survey.pk)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "题目已保存。")
            return redirect(reverse("surveys:builder", args=[survey.pk]) + "#questions")
    status = 400 if form.errors else 200
    context = {"survey": survey, "form": form, "editing": editing}
    return render(request, "surveys/question_form.html", context, status=status)


def _step(request: HttpRequest, survey: Survey, run: Any, done: str) -> HttpResponse:
    try:
        run()
    except Conflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(reverse("surveys:builder", args=[survey.pk]) + "#questions")


@office_required
@require_POST
def question_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    survey = get_survey_for_user(request.user, pk)
    name = request.POST.get("name", "")
    actor = request.user
    if step == "up":
        return _step(
            request,
            survey,
            lambda: actions.move_question(survey, name, -1, actor=actor),
            "题目已上移。",
        )
    if step == "down":
        return _step(
            request,
            survey,
            lambda: actions.move_question(survey, name, 1, actor=actor),
            "题目已下移。",
        )
    if step == "delete":
        return _step(
            request,
            survey,
            lambda: actions.delete_question(survey, name, actor=actor),
            "题目已删除。",
        )
    if step == "area":
        areas = _area_choices()
        question = QuestionSpec(
            name="area",
            kind="single",
            label="您所在的乡镇（街道）",
            required=True,
            choices=areas,
            appearance="minimal",
        )
        return _step(
            request,
            survey,
            lambda: actions.save_question(survey, question, actor=actor),
            "已添加“所在乡镇（街道）”题，结果可按区域筛选。",
        )
    raise Http404


def _area_choices() -> list[ChoiceSpec]:
    from org.models import Unit

    units = Unit.objects.active().filter(kind__in=[Unit.Kind.TOWNSHIP, Unit.Kind.STREET])
    return [ChoiceSpec(u.code, u.short_name or u.name) for u in units]


@office_required
@require_POST
def quota_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    survey = get_survey_for_user(request.user, pk)
    if step == "delete":
        quota_id = int(request.POST.get("quota", "0") or 0)
        return _step(
            request,
            survey,
            lambda: actions.delete_quota(survey, quota_id, actor=request.user),
            "配额已删除。",
        )
    if step != "set":
        raise Http404
    form = QuotaForm(request.POST, spec=actions.spec_of(survey))
    if not form.is_valid():
        return _builder_page(request, survey, quota_form=form, status=400)
    question, choice = form.cleaned_data["target"].split("\t", 1)
    return _step(
        request,
        survey,
        lambda: actions.set_quota(
            survey,
            actor=request.user,
            question=question,
            choice=choice,
            cap=form.cleaned_data["cap"],
            message=form.cleaned_data["message"],
        ),
        "配额已设置。",
    )


@office_required
@require_POST
def status_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    survey = get_survey_for_user(request.user, pk)
    if step == "open":
        return _step(
            request,
            survey,
            lambda: actions.open_survey(survey, actor=request.user),
            "问卷已开始收集，题目已冻结。",
        )
    if step == "close":
        return _step(
            request,
            survey,
            lambda: actions.close_survey(survey, actor=request.user),
            "问卷已结束收集。",
        )
    raise Http404


@office_required
@require_GET
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_survey_for_user(request.user, pk)
    context = answering_context(survey, preview=True)
    return render(request, "surveys/answer.html", context)


@office_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_survey_for_user(request.user, pk)
    form = TokenBatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = actions.issue_tokens(
                survey,
                actor=request.user,
                size=form.cleaned_data["size"],
                label=form.cleaned_data["label"],
            )
        except Conflict as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            add_action_errors(form, exc, {"份数": "size"})
        else:
            messages.success(request, f"已生成 {batch.size} 个一次性答题码，请打印答题纸。")
            url = reverse("surveys:token_sheets", args=[survey.pk, batch.pk])
            return redirect(f"{url}?per_page={form.cleaned_data['per_page']}")
    batches = survey.token_batches.all()
    used = {row["batch"]: row["n"] for row in _used_counts(survey)}
    rows = [(b, used.get(b.pk, 0)) for b in batches]
    context = {
        "survey": survey,
        "form": form,
        "rows": rows,
        "link": absolute(request, reverse("surveys:answer", args=[survey.link_key])),
        "link_qr": qr_svg(absolute(request, reverse("surveys:answer", args=[survey.link_key])), 4),
    }
    return render(request, "surveys/tokens.html", context, status=400 if form.errors else 200)


def _used_counts(survey: Survey) -> Any:
    from django.db.models import Count

    return survey.tokens.filter(used=True).values("batch").annotate(n=Count("pk")).order_by()


@office_required
@require_GET
def token_sheets(request: HttpRequest, pk: int, batch: int) -> HttpResponse:
    survey = get_survey_for_user(request.user, pk)
    batch_obj = get_object_or_404(TokenBatch, pk=batch, survey=survey)
    try:
        per_page = max(1, min(8, int(request.GET.get("per_page", "6"))))
    except ValueError:
        per_page = 6
    sheets = []
    for token in batch_obj.tokens.order_by("code"):
        url = absolute(request, reverse("surveys:token_answer", args=[token.code]))
        pretty = f"{token.code[:4]}-{token.code[4:]}"
        sheets.append({"code": pretty, "url": url, "qr": qr_svg(url, 3), "used": token.used})
    pages = [sheets[i : i + per_page] for i in range(0, len(sheets), per_page)]
    context = {
        "survey": survey,
        "batch": batch_obj,
        "pages": pages,
        "per_page": per_page,
        "entry_url": absolute(request, reverse("surveys:token_entry")),
    }
    return render(request, "surveys/token_sheets.html", context)


@office_required
@require_GET
def link_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The open link and its QR code on one printable page (a poster for the hall)."""
    survey = get_survey_for_user(request.user, pk)
    url = absolute(request, reverse("surveys:answer", args=[survey.link_key]))
    return render(
        request, "surveys/link_sheet.html", {"survey": survey, "url": url, "qr": qr_svg(url, 8)}
    )


def _area_options(survey: Survey, spec: Any) -> list[ChoiceSpec]:
    if not survey.area_question:
        return []
    try:
        return spec.question(survey.area_question).choices
    except KeyError:
        return []


@office_required
@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_survey_for_user(request.user, pk)
    spec = actions.spec_of(survey)
    areas = _area_options(survey, spec)
    area = request.GET.get("area", "")
    if area not in {a.name for a in areas}:
        area = ""
    total, items = question_results(survey, spec, area=area)
    context = {
        "survey": survey,
        "total": total,
        "items": items,
        "charts": charts_json(items),
        "areas": areas,
        "area": area,
        "area_label": next((a.label for a in areas if a.name == area), ""),
        "exports": _exports(),
        "problems": _problems(survey),
    }
    return render(request, "surveys/results.html", context)


def _problems(survey: Survey) -> Any:
    from problems.reads import problems_of

    return problems_of(survey)


def _exports() -> dict[str, bool]:
    """Which of the xlsform helper's functions exist yet (the buttons show only then)."""
    found = {}
    for module, name in (
        ("codebook", "export_answers"),
        ("xlsform", "export_xlsform"),
        ("xlsform", "import_xlsform"),
    ):
        try:
            mod = __import__(f"surveys.{module}", fromlist=[name])
        except ImportError:
            found[name] = False
            continue
        found[name] = callable(getattr(mod, name, None))
    return found


@office_required
@require_GET
def text_answers(request: HttpRequest, pk: int, question: str) -> HttpResponse:
    survey = get_survey_for_user(request.user, pk)
    spec = actions.spec_of(survey)
    try:
        q = spec.question(question)
    except KeyError:
        raise Http404 from None
    rows = TextAnswer.objects.filter(survey=survey, question=q.name)
    category = request.GET.get("category", "")
    if category in CATEGORY_NAMES:
        rows = rows.filter(category=category)
    else:
        category = ""
    area = request.GET.get("area", "")
    if area:
        rows = rows.filter(area=area)
    page = Paginator(rows.order_by("-day", "id"), 50).get_page(request.GET.get("page"))
    context = {
        "survey": survey,
        "question": q,
        "page": page,
        "category": category,
        "categories": CATEGORY_NAMES,
        "area": area,
        "problem_form": ProblemForm(),
    }
    return render(request, "surveys/text_answers.html", context)


@office_required
@require_POST
def text_to_problem(request: HttpRequest, pk: int, question: str) -> HttpResponse:
    """Hand one anonymous free-text answer to a unit as a problem on the duty clock. Nobody
    can be called back (the answer is anonymous): the office checks the result itself."""
    from problems.actions import open_problem

    survey = get_survey_for_user(request.user, pk)
    try:
        q = actions.spec_of(survey).question(question)
    except KeyError:
        raise Http404 from None
    text = TextAnswer.objects.filter(
        survey=survey, question=q.name, pk=request.POST.get("text")
    ).first()
    if text is None:
        raise Http404
    back = reverse("surveys:texts", args=[survey.pk, q.name])
    form = ProblemForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(back)
    description = (
        f"{text.text}\n（来源：问卷《{survey.title}》“{q.label}”的匿名意见，{text.day:%Y-%m-%d}）"
    )
    try:
        problem, _code = open_problem(
            actor=request.user,
            source=survey,
            unit=form.cleaned_data["unit"],
            title=form.cleaned_data["title"],
            description=description,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"已交办为问题 {problem.number}，责任单位按期办理。")
    return redirect(back)
