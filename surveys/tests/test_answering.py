"""Answering a survey: the server re-checks skip logic, required answers, constraints, tokens
and quotas, and the results page's tallies match a recount of the stored responses."""

from __future__ import annotations

import random
from typing import Any

import pytest

from surveys import actions
from surveys.models import Response, Survey, TextAnswer, Token
from surveys.results import (
    question_results,
    recompute_number_stats,
    recompute_tallies,
    stored_number_stats,
    stored_tallies,
)
from surveys.tests.conftest import good_answers, sample_spec

pytestmark = pytest.mark.django_db


def test_a_complete_answer_is_stored_with_its_day_and_area_only(open_survey: Survey) -> None:
    response = actions.submit_response(open_survey, good_answers())
    assert response.area == "QSZ"
    assert response.answers["priorities"] == ["speed", "parking", "online"]
    assert response.answers["channels"] == ["web", "other"]
    assert response.answers["channels_other"] == "朋友介绍"
    assert response.answers["visits"] == 3
    text = TextAnswer.objects.get(survey=open_survey)
    assert text.category == "service"


def test_answers_to_a_question_hidden_by_skip_logic_are_dropped(open_survey: Survey) -> None:
    response = actions.submit_response(open_survey, good_answers(visited="no", satisfaction="1"))
    assert "satisfaction" not in response.answers


def test_a_hidden_required_question_is_not_required(open_survey: Survey) -> None:
    response = actions.submit_response(open_survey, good_answers(visited="no", satisfaction=None))
    assert response.answers["visited"] == "no"


def test_a_shown_required_question_left_blank_is_refused_in_chinese(open_survey: Survey) -> None:
    with pytest.raises(actions.AnswerErrors) as caught:
        actions.submit_response(open_survey, good_answers(satisfaction=None))
    assert caught.value.errors == {"satisfaction": "此题为必答题"}
    assert not Response.objects.exists()


def test_a_constraint_gives_its_own_message(open_survey: Survey) -> None:
    with pytest.raises(actions.AnswerErrors) as caught:
        actions.submit_response(open_survey, good_answers(visits="500"))
    assert caught.value.errors["visits"] == "次数应在 0 到 100 之间"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"visits": "三次"}, "请填写整数"),
        ({"when": "2026/11/02"}, "请按“年-月-日”填写日期，如 2026-05-01"),
        ({"channels_other": ""}, "选择“其他”时请注明具体内容"),
        ({"priorities__online": "1"}, "每个名次只能给一项"),
        ({"area": "nowhere"}, "请从给出的选项中选择"),
    ],
)
def test_malformed_answers_get_clear_messages(
    open_survey: Survey, override: dict[str, str], message: str
) -> None:
    with pytest.raises(actions.AnswerErrors) as caught:
        actions.submit_response(open_survey, good_answers(**override))
    assert message in caught.value.errors.values()


def test_a_token_takes_one_answer_and_a_reused_token_is_refused(
    open_survey: Survey, district: Any
) -> None:
    batch = actions.issue_tokens(open_survey, actor=district.olivia, size=3, label="青石镇座谈会")
    code = batch.tokens.first().code
    actions.submit_response(open_survey, good_answers(), token=code.lower())
    with pytest.raises(actions.Refused, match="已经使用过"):
        actions.submit_response(open_survey, good_answers(), token=code)
    with pytest.raises(actions.Refused, match="答题码不正确"):
        actions.submit_response(open_survey, good_answers(), token="ZZZZ2222")
    assert Response.objects.count() == 1
    assert Token.objects.filter(used=True).count() == 1


def test_a_refused_answer_leaves_its_token_unused(open_survey: Survey, district: Any) -> None:
    code = actions.issue_tokens(open_survey, actor=district.olivia, size=1).tokens.get().code
    with pytest.raises(actions.AnswerErrors):
        actions.submit_response(open_survey, good_answers(satisfaction=None), token=code)
    actions.submit_response(open_survey, good_answers(), token=code)
    assert Token.objects.get(code=code).used


def test_a_token_only_survey_refuses_an_answer_without_a_code(district: Any) -> None:
    survey = actions.create_survey(
        actor=district.olivia,
        title="企业问卷",
        allow_link=False,
        allow_tokens=True,
        spec=sample_spec(),
    )
    survey = actions.open_survey(survey, actor=district.olivia)
    with pytest.raises(actions.Refused, match="凭答题码"):
        actions.submit_response(survey, good_answers())


def test_a_full_quota_refuses_its_branch_with_its_message_and_keeps_the_others(
    district: Any,
) -> None:
    survey = actions.create_survey(actor=district.olivia, title="配额", spec=sample_spec())
    actions.set_quota(
        survey,
        actor=district.olivia,
        question="area",
        choice="QSZ",
        cap=2,
        message="青石镇的答卷已收满",
    )
    survey = actions.open_survey(survey, actor=district.olivia)
    actions.submit_response(survey, good_answers())
    actions.submit_response(survey, good_answers())
    with pytest.raises(actions.Refused, match="青石镇的答卷已收满"):
        actions.submit_response(survey, good_answers())
    actions.submit_response(survey, good_answers(area="CGJD"))
    assert Response.objects.filter(survey=survey).count() == 3


def test_a_closed_or_draft_survey_takes_no_answer(district: Any) -> None:
    survey = actions.create_survey(actor=district.olivia, title="草稿", spec=sample_spec())
    with pytest.raises(actions.Refused, match="不在收集期"):
        actions.submit_response(survey, good_answers())


def test_questions_freeze_once_the_survey_opens(open_survey: Survey, district: Any) -> None:
    from zuofeng.transitions import Conflict

    with pytest.raises(Conflict, match="冻结"):
        actions.delete_question(open_survey, "advice", actor=district.olivia)


def _random_answers(rng: random.Random) -> dict[str, Any]:
    positions = ["1", "2", "3"]
    rng.shuffle(positions)
    visited = rng.choice(["yes", "no"])
    channels = rng.sample(["web", "phone", "other"], rng.randint(0, 3))
    return good_answers(
        area=rng.choice(["QSZ", "CGJD"]),
        visited=visited,
        satisfaction=str(rng.randint(1, 5)),
        channels=channels,
        channels_other="邻居" if "other" in channels else None,
        aspect_wait=str(rng.randint(1, 5)),
        aspect_attitude=rng.choice(["", "2", "5"]),
        priorities__speed=positions[0],
        priorities__online=positions[1],
        priorities__parking=positions[2],
        visits=str(rng.randint(0, 9)),
        when=f"2026-{rng.randint(1, 11):02d}-0{rng.randint(1, 9)}",
        advice=rng.choice(["", "停车太难", "窗口人员态度冷漠", "材料反复要求提交，多跑好几趟"]),
    )


def test_results_tallies_equal_a_recount_of_the_stored_answers(open_survey: Survey) -> None:
    rng = random.Random(7)
    for _ in range(60):
        actions.submit_response(open_survey, _random_answers(rng))
    spec = sample_spec()
    assert stored_tallies(open_survey) == recompute_tallies(open_survey, spec)
    assert stored_number_stats(open_survey) == recompute_number_stats(open_survey, spec)
    total, results = question_results(open_survey, spec)
    assert total == 60
    by_name = {r.question.name: r for r in results}
    responses = list(Response.objects.filter(survey=open_survey))
    visited_yes = [r for r in responses if r.answers["visited"] == "yes"]
    assert by_name["satisfaction"].answered == len(visited_yes)
    mean = sum(int(r.answers["satisfaction"]) for r in visited_yes) / len(visited_yes)
    assert by_name["satisfaction"].mean == round(mean, 2)
    speed_positions = [r.answers["priorities"].index("speed") + 1 for r in responses]
    ranking = {label: average for label, average, _n in by_name["priorities"].ranking}
    assert ranking["办事速度"] == round(sum(speed_positions) / len(speed_positions), 2)
    visits = [r.answers["visits"] for r in responses]
    assert by_name["visits"].stats == {
        "平均": round(sum(visits) / len(visits), 2),
        "最小": min(visits),
        "最大": max(visits),
    }
    in_town = [r for r in responses if r.area == "QSZ"]
    town_total, town_results = question_results(open_survey, spec, area="QSZ")
    assert town_total == len(in_town)
    web = sum("web" in r.answers.get("channels", []) for r in in_town)
    town = {r.question.name: r for r in town_results}
    assert town["channels"].rows[0].count == web


def test_large_numbers_are_summarised_from_the_answers_not_tallied_one_row_per_value(
    open_survey: Survey,
) -> None:
    for visits in ("5", "70", "99"):
        actions.submit_response(open_survey, good_answers(visits=visits))
    survey = Survey.objects.get(pk=open_survey.pk)
    survey.definition["questions"][6]["constraint"] = ""
    survey.save()
    actions.submit_response(survey, good_answers(visits="12345"))
    assert not survey.tallies.filter(question="visits", value="12345").exists()
    _total, results = question_results(survey, sample_spec())
    visits = next(r for r in results if r.question.name == "visits")
    assert visits.answered == 4
    assert visits.stats["最大"] == 12345
    assert visits.chart is None  # not every answer fits the histogram
