"""The office's builder, token sheets and results pages, and the residents' answering pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from surveys import actions
from surveys.models import Response, Survey, Token
from surveys.tests.conftest import good_answers

pytestmark = pytest.mark.django_db


def _login(client: Client, user: Any) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_office_builds_a_survey_with_skip_logic_and_opens_it(
    client: Client, district: Any
) -> None:
    _login(client, district.olivia)
    page = client.post(
        reverse("surveys:new"),
        {"title": "企业营商环境问卷", "audience": "enterprises", "allow_link": "on"},
    )
    survey = Survey.objects.get(title="企业营商环境问卷")
    assert page.url == reverse("surveys:builder", args=[survey.pk])
    url = reverse("surveys:question", args=[survey.pk])
    client.post(
        url,
        {
            "kind": "single",
            "name": "visited",
            "label": "是否办过事",
            "choices": "yes=是\nno=否",
            "required": "on",
        },
    )
    client.post(
        url,
        {
            "kind": "likert",
            "name": "sat",
            "label": "满意度",
            "show_if_question": "visited",
            "show_if_value": "yes",
        },
    )
    client.post(
        url,
        {
            "kind": "matrix",
            "name": "m",
            "label": "各方面",
            "choices": "1=差\n2=好",
            "rows": "a=速度\nb=态度",
        },
    )
    client.post(url, {"kind": "ranking", "name": "r", "label": "排序", "choices": "x=甲\ny=乙"})
    client.post(
        url,
        {
            "kind": "integer",
            "name": "n",
            "label": "次数",
            "constraint": ". >= 0",
            "constraint_message": "不能为负",
        },
    )
    client.post(url, {"kind": "text", "name": "advice", "label": "意见"})
    client.post(reverse("surveys:question_step", args=[survey.pk, "area"]))
    survey.refresh_from_db()
    spec = actions.spec_of(survey)
    assert [q.name for q in spec.questions] == ["visited", "sat", "m", "r", "n", "advice", "area"]
    assert spec.question("sat").relevant == "${visited} = 'yes'"
    assert len(spec.question("sat").choices) == 5
    assert survey.area_question == "area"
    client.post(reverse("surveys:question_step", args=[survey.pk, "up"]), {"name": "area"})
    assert actions.spec_of(Survey.objects.get(pk=survey.pk)).questions[5].name == "area"
    bad = client.post(url, {"kind": "single", "name": "visited", "label": "重复", "choices": "a"})
    assert bad.status_code == 400 and "重复" in bad.content.decode()
    builder = client.get(reverse("surveys:builder", args=[survey.pk])).content.decode()
    assert "仅当“是否办过事”选择“是”时显示" in builder
    preview = client.get(reverse("surveys:preview", args=[survey.pk]))
    assert "预览中不能提交" in preview.content.decode()
    client.post(reverse("surveys:status_step", args=[survey.pk, "open"]))
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN
    frozen = client.post(url, {"kind": "text", "name": "late", "label": "晚加的题"})
    assert frozen.status_code == 302
    assert "late" not in [
        q.name for q in actions.spec_of(Survey.objects.get(pk=survey.pk)).questions
    ]


def test_survey_pages_are_the_offices_only(
    client: Client, district: Any, open_survey: Survey
) -> None:
    _login(client, district.alice)
    for name in ("surveys:builder", "surveys:results", "surveys:tokens"):
        assert client.get(reverse(name, args=[open_survey.pk])).status_code == 404
    assert client.get(reverse("surveys:list")).status_code == 404


def test_a_resident_answers_by_the_open_link_and_sees_errors_in_chinese(
    client: Client, open_survey: Survey
) -> None:
    url = reverse("surveys:answer", args=[open_survey.link_key])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="survey-logic"' in html and "surveys/answer.js" in html
    assert "<script>" not in html.replace("<script src=", "")
    bad = client.post(url, good_answers(satisfaction=None, visits="500"))
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "此题为必答题" in text and "次数应在 0 到 100 之间" in text
    assert 'value="500"' in text
    done = client.post(url, good_answers())
    assert done.url == reverse("surveys:thanks", args=[open_survey.link_key])
    assert Response.objects.count() == 1


def test_a_printed_token_answers_once_and_the_second_time_is_refused(
    client: Client, district: Any, open_survey: Survey
) -> None:
    office = _login(Client(), district.olivia)
    sheets = office.post(
        reverse("surveys:tokens", args=[open_survey.pk]),
        {"size": "7", "label": "座谈会", "per_page": "6"},
    )
    page = office.get(sheets.url)
    html = page.content.decode()
    codes = re.findall(r"data-token-code>([A-Z0-9]{4}-[A-Z0-9]{4})<", html)
    assert len(codes) == 7 and html.count("<svg") == 7
    assert html.count('class="token-page') == 2
    code = codes[0]
    form = client.get(reverse("surveys:token_answer", args=[code.replace("-", "")]))
    assert 'name="token"' in form.content.decode()
    entry = client.post(reverse("surveys:token_entry"), {"code": code.lower()})
    assert entry.url == reverse("surveys:token_answer", args=[code.replace("-", "")])
    url = reverse("surveys:answer", args=[open_survey.link_key])
    assert client.post(url, {**good_answers(), "token": code}).status_code == 302
    again = client.post(url, {**good_answers(), "token": code})
    assert again.status_code == 409
    assert "该答题码已经使用过" in again.content.decode()
    reopened = client.get(reverse("surveys:token_answer", args=[code.replace("-", "")]))
    assert "该答题码已经使用过" in reopened.content.decode()
    assert Token.objects.filter(used=True).count() == 1


def test_results_show_counts_charts_and_classified_texts_filtered_by_area(
    client: Client, district: Any, open_survey: Survey
) -> None:
    actions.submit_response(open_survey, good_answers())
    actions.submit_response(open_survey, good_answers(area="CGJD", advice="停车位太少"))
    _login(client, district.olivia)
    page = client.get(reverse("surveys:results", args=[open_survey.pk]))
    html = page.content.decode()
    assert "vendor/echarts/echarts.min.js" in html and 'id="survey-charts"' in html
    assert "data-total>2<" in html
    assert "服务意识差、效率低" in html
    town = client.get(
        reverse("surveys:results", args=[open_survey.pk]), {"area": "QSZ"}
    ).content.decode()
    assert "data-total>1<" in town and "停车位太少" not in town
    texts = client.get(
        reverse("surveys:texts", args=[open_survey.pk, "advice"]), {"category": "service"}
    )
    assert "窗口工作人员态度冷淡" in texts.content.decode()


def test_the_open_link_and_its_qr_code_print_on_one_page(
    client: Client, district: Any, open_survey: Survey
) -> None:
    _login(client, district.olivia)
    html = client.get(reverse("surveys:link_sheet", args=[open_survey.pk])).content.decode()
    assert "<svg" in html and open_survey.link_key in html


def test_a_closed_survey_says_so_and_a_draft_is_not_found(
    client: Client, district: Any, open_survey: Survey
) -> None:
    actions.close_survey(open_survey, actor=district.olivia)
    page = client.get(reverse("surveys:answer", args=[open_survey.link_key]))
    assert page.status_code == 410 and "已结束收集" in page.content.decode()
    draft = actions.create_survey(actor=district.olivia, title="草稿")
    assert client.get(reverse("surveys:answer", args=[draft.link_key])).status_code == 404


def test_the_office_hands_a_free_text_answer_to_a_unit_as_a_problem(
    client: Client, district: Any, open_survey: Survey
) -> None:
    from problems.models import Problem

    actions.submit_response(open_survey, good_answers())
    _login(client, district.olivia)
    texts_url = reverse("surveys:texts", args=[open_survey.pk, "advice"])
    page = client.get(texts_url).content.decode()
    text_id = re.search(r'name="text" value="([0-9a-f-]+)"', page)[1]
    done = client.post(
        reverse("surveys:text_problem", args=[open_survey.pk, "advice"]),
        {"text": text_id, "unit": district.market.pk, "title": "窗口人员态度冷淡"},
    )
    assert done.url == texts_url
    problem = Problem.objects.get()
    assert problem.unit == district.market and "匿名意见" in problem.description
    results = client.get(reverse("surveys:results", args=[open_survey.pk])).content.decode()
    assert problem.number in results and "窗口人员态度冷淡" in results
