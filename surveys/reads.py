"""Reads of surveys: the office's (every survey; anyone else 404), the public answering page's
(an open survey by its link key) and the answers for the Excel export."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import Http404

from surveys.models import Survey
from surveys.spec import FormSpec
from zuofeng.access import may


def office_surveys(user: Any) -> Any:
    if not may(user, "office"):
        raise Http404
    return Survey.objects.all()


def get_survey_for_user(user: Any, pk: int) -> Survey:
    """A survey the user may manage (the office's), else 404."""
    survey = office_surveys(user).filter(pk=pk).first()
    if survey is None:
        raise Http404
    return survey


def public_survey(link_key: str) -> Survey:
    """A survey reachable by its link: open or closed (a closed one says so); drafts are 404."""
    survey = Survey.objects.filter(link_key=link_key).exclude(status=Survey.Status.DRAFT).first()
    if survey is None:
        raise Http404
    return survey


def answers_for_export(survey: Survey) -> Iterator[dict[str, Any]]:
    """Every response as a dict keyed by answers key (question name, matrix row name,
    "<name>_other"), plus "_day" (the coarse day, ISO) and "_area" (the area code, "" if none).
    Ordered by the responses' random key, never by arrival. A multiple-choice or ranking answer
    is a list of choice codes (ranking: first = best)."""
    rows = survey.responses.order_by("id").values_list("day", "area", "answers")
    for day, area, answers in rows.iterator(chunk_size=2000):
        yield {**answers, "_day": day.isoformat(), "_area": area}


def spec_for_export(survey: Survey) -> FormSpec:
    from surveys.actions import spec_of

    return spec_of(survey)
