"""Retention and key rotation reach the personal data investigation collects: the contacts of
those who raised problems and of the people a cadre talked to on a visit (both sealed like a
complainant's identity), through the same two operator commands (zuofeng/personal_data.py)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.utils import timezone

from complaints.identity import Identity, unseal
from problems import actions as problem_actions
from problems.models import Problem, ProblemRaiser
from visits.models import Counterpart
from visits.tests.factories import CounterpartInput, ProblemInput, day_at, log
from zuofeng.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
RAISER = Identity(name="测试居民", phone="13800000001")


def purge(*args: str) -> str:
    out = io.StringIO()
    call_command("purge_personal_data", "--older-than-days", "365", *args, stdout=out)
    return out.getvalue()


def closed_problem(district: Any) -> Problem:
    problem, _ = problem_actions.open_problem(
        actor=district.olivia,
        source=district.town,
        unit=district.market,
        title="菜市场周边占道经营无人管",
        description="群众反映占道经营多次反映无人处理",
        raised_by=RAISER,
    )
    problem_actions.report_problem(problem, actor=district.alice, report="已清理占道摊位并设置值守")
    return problem_actions.record_callback(
        Problem.objects.get(pk=problem.pk), actor=district.olivia, result=Problem.Result.SATISFIED
    )


def test_raisers_of_problems_closed_long_ago_are_anonymised_and_open_ones_kept(
    district: Any,
) -> None:
    with time_machine.travel(timezone.now() - dt.timedelta(days=400)):
        old = closed_problem(district)
    still_open, _ = problem_actions.open_problem(
        actor=district.olivia,
        source=district.town,
        unit=district.market,
        title="路灯不亮",
        description="村口路灯坏了三个月",
        raised_by=RAISER,
    )

    assert "1 件问题反映人联系方式" in purge()
    assert "问题反映人联系方式：已匿名化 1 件" in purge("--apply")

    assert ProblemRaiser.objects.get(problem=old).sealed == ""
    assert unseal(ProblemRaiser.objects.get(problem=still_open).sealed) == RAISER
    assert problem_actions.reveal_raiser(old, actor=district.olivia) == Identity()
    [event] = AuditEvent.objects.filter(action="problems.anonymise_raiser")
    assert event.object_id == str(old.pk) and RAISER.phone not in str(event.after)
    assert "问题反映人联系方式：已匿名化 0 件" in purge("--apply")


def test_visit_contacts_are_kept_while_a_problem_of_the_visit_is_open(district: Any) -> None:
    talked = [CounterpartInput("resident", 3, name="测试村民", phone="13800000002")]
    with time_machine.travel(timezone.now() - dt.timedelta(days=400)):
        quiet = log(district.alice, counterparts=talked, started_at=day_at(3)).visit
        busy = log(
            district.alice,
            counterparts=talked,
            started_at=day_at(5),
            no_problem_reason="",
            problems=[ProblemInput("村口路灯不亮", "三个路灯坏了三个月", district.town, raiser=0)],
        ).visit

    assert "走访对象联系方式：已匿名化 1 件" in purge("--apply")
    assert Counterpart.objects.get(visit=quiet).sealed_contact == ""
    assert Counterpart.objects.get(visit=busy).sealed_contact != ""
    assert AuditEvent.objects.filter(
        action="visits.anonymise_contacts", object_id=str(quiet.pk)
    ).exists()


def test_rotation_reseals_raisers_and_visit_contacts(district: Any, settings: Any) -> None:
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ZUOFENG = {**settings.ZUOFENG, "IDENTITY_KEYS": [old_key]}
    problem = closed_problem(district)
    talked = [CounterpartInput("resident", 2, name="测试村民", phone="13800000003")]
    visit = log(district.alice, counterparts=talked).visit

    settings.ZUOFENG = {**settings.ZUOFENG, "IDENTITY_KEYS": [new_key, old_key]}
    out = io.StringIO()
    call_command("reseal_identities", stdout=out)
    assert "1 份问题反映人" in out.getvalue() and "1 份走访对象联系方式" in out.getvalue()

    settings.ZUOFENG = {**settings.ZUOFENG, "IDENTITY_KEYS": [new_key]}
    assert unseal(ProblemRaiser.objects.get(problem=problem).sealed) == RAISER
    assert unseal(Counterpart.objects.get(visit=visit).sealed_contact).phone == "13800000003"
    assert AuditEvent.objects.filter(action="personal_data.reseal").count() == 1
