"""The residents' pages (no login): answer by the open link, or by a one-time code from a
printed sheet (its QR code, or the code typed on the entry page)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import is_ratelimited

from surveys import actions
from surveys.models import Survey, Token
from surveys.reads import public_survey
from surveys.render import answering_context
from zuofeng.ratelimits import parse_rate, setting_rate

answer_rate = setting_rate("SURVEY_ANSWER_RATE")
code_rate = setting_rate("SURVEY_CODE_RATE")
# One counter per group whatever the method: a code typed (POST) or opened (GET) is one try.
_COUNTED = ("GET", "POST")


def _closed(request: HttpRequest, survey: Survey) -> HttpResponse:
    return render(request, "surveys/closed.html", {"survey": survey}, status=410)


def _refused(
    request: HttpRequest, survey: Survey | None, message: str, status: int = 409
) -> HttpResponse:
    return render(
        request, "surveys/refused.html", {"survey": survey, "message": message}, status=status
    )


def _limited(request: HttpRequest, group: str, rate: Any) -> HttpResponse | None:
    """429 once this address has gone past the rate (every request counts, good or bad): the
    open link against answers stuffed by one machine, the codes against guessing."""
    if not is_ratelimited(
        request, group=group, key="ip", rate=rate, method=_COUNTED, increment=True
    ):
        return None
    response = _refused(request, None, "提交过于频繁，请稍后再试", status=429)
    response["Retry-After"] = str(parse_rate(rate())[1])
    return response


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, key: str) -> HttpResponse:
    survey = public_survey(key)
    if survey.status != Survey.Status.OPEN:
        return _closed(request, survey)
    token = (
        actions.normalise_code(request.POST.get("token", "")) if request.method == "POST" else ""
    )
    if request.method == "GET":
        if not survey.allow_link:
            return redirect("surveys:token_entry")
        return render(request, "surveys/answer.html", answering_context(survey))
    if not token and not survey.allow_link:
        return redirect("surveys:token_entry")
    # A code answers once whatever the address; answers without one are limited per address.
    group, rate = ("surveys.code", code_rate) if token else ("surveys.answer", answer_rate)
    limited = _limited(request, group, rate)
    if limited is not None:
        return limited
    try:
        actions.submit_response(survey, request.POST, token=token)
    except actions.AnswerErrors as exc:
        context = answering_context(survey, data=request.POST, errors=exc.errors, token=token)
        return render(request, "surveys/answer.html", context, status=400)
    except actions.Refused as exc:
        return _refused(request, survey, str(exc))
    return redirect("surveys:thanks", key)


@require_GET
def thanks(request: HttpRequest, key: str) -> HttpResponse:
    survey = public_survey(key)
    return render(request, "surveys/thanks.html", {"survey": survey})


@require_http_methods(["GET", "POST"])
def token_entry(request: HttpRequest) -> HttpResponse:
    """Type the code printed on the sheet."""
    error = ""
    code = ""
    if request.method == "POST":
        limited = _limited(request, "surveys.code", code_rate)
        if limited is not None:
            return limited
        code = actions.normalise_code(request.POST.get("code", ""))
        if not code:
            error = "请输入答题纸上的答题码"
        elif Token.objects.filter(code=code).exists():
            return redirect("surveys:token_answer", code)
        else:
            error = actions.WRONG_TOKEN
    status = 400 if error else 200
    return render(
        request, "surveys/token_entry.html", {"error": error, "code": code}, status=status
    )


@require_GET
def token_answer(request: HttpRequest, code: str) -> HttpResponse:
    """The form for one code (the QR code on a sheet leads here)."""
    limited = _limited(request, "surveys.code", code_rate)
    if limited is not None:
        return limited
    code = actions.normalise_code(code)
    token = Token.objects.filter(code=code).select_related("survey").first()
    if token is None:
        raise Http404
    survey = token.survey
    if survey.status == Survey.Status.DRAFT:
        raise Http404
    if survey.status != Survey.Status.OPEN:
        return _closed(request, survey)
    try:
        actions.check_token(survey, code)
    except actions.Refused as exc:
        return _refused(request, survey, str(exc))
    return render(request, "surveys/answer.html", answering_context(survey, token=code))
