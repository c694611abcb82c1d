"""Logging a visit: the rules of the form, the problems it opens, the audit, the sealed contact."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from complaints.identity import unseal
from conftest import District
from problems.models import Problem
from visits.models import Counterpart, Visit, VisitPhoto
from visits.tests.factories import CounterpartInput, ProblemInput, day_at, log, photo
from zuofeng.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_visit_without_anyone_talked_to_is_refused(district: District) -> None:
    with pytest.raises(ValidationError) as refused:
        log(district.alice, counterparts=[])
    assert "请至少登记一类交谈对象" in str(refused.value)
    assert not Visit.objects.exists()


def test_a_visit_with_no_problem_needs_the_reason_none_was_found(district: District) -> None:
    with pytest.raises(ValidationError) as refused:
        log(district.alice, no_problem_reason="")
    assert "如果没有发现问题，请说明原因" in str(refused.value)
    visit = log(district.alice).visit
    assert visit.no_problem_reason and visit.problem_count == 0


def test_the_end_must_follow_the_start_and_the_visit_be_past(district: District) -> None:
    start = day_at(1)
    with pytest.raises(ValidationError, match="结束时间必须晚于开始时间"):
        log(district.alice, started_at=start, ended_at=start)
    with pytest.raises(ValidationError, match="不能晚于现在"):
        log(district.alice, started_at=day_at(-2))


def test_only_staff_log_visits(district: District) -> None:
    with pytest.raises(PermissionDenied):
        log(district.ruth)


def test_each_problem_found_becomes_a_duty_of_its_owner_unit(district: District) -> None:
    logged = log(
        district.alice,
        counterparts=[CounterpartInput("resident", 4, name="柳大伯", phone="13900001111")],
        no_problem_reason="",
        problems=[
            ProblemInput("柳塘村东头自来水经常停水", "六户人家夏季用水高峰停水", district.town, 0),
            ProblemInput("医保报销要跑三趟", "留守老人报销不便", district.hr),
        ],
    )
    visit = logged.visit
    assert visit.problem_count == 2
    problems = Problem.objects.filter(source_type="visits.visit", source_id=str(visit.pk))
    assert {p.unit for p in problems} == {district.town, district.hr}
    assert all(p.due_at is not None for p in problems)
    water = problems.get(unit=district.town)
    assert water.has_raiser and not problems.get(unit=district.hr).has_raiser
    assert len(logged.problems) == 2 and all(code for _, code in logged.problems)


def test_the_counterparts_contact_is_stored_sealed(district: District) -> None:
    visit = log(
        district.alice,
        counterparts=[CounterpartInput("resident", 2, name="柳大伯", phone="13900001111")],
    ).visit
    row = Counterpart.objects.get(visit=visit)
    assert "13900001111" not in row.sealed_contact
    assert unseal(row.sealed_contact).phone == "13900001111"


def test_logging_is_audited_with_the_cadre(district: District) -> None:
    visit = log(district.alice).visit
    event = AuditEvent.objects.get(action="visits.log_visit", object_id=str(visit.pk))
    assert event.actor_id == district.alice.pk


def test_photos_keep_their_facts_but_are_stored_without_exif(district: District) -> None:
    taken = day_at(3, 10)
    visit = log(district.alice, photos=[photo(1, taken_at=taken, position=(30.1, 120.2))]).visit
    stored = VisitPhoto.objects.get(visit=visit)
    assert stored.taken_at == taken and stored.phash is not None
    assert abs(stored.latitude - 30.1) < 1e-6
    data = stored.file.read()
    assert b"Exif" not in data[:200]


def test_a_document_is_not_a_photo(district: District) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from supervision.tests.factories import BLANK_PDF

    with pytest.raises(ValidationError, match="只能上传 JPG 或 PNG"):
        log(district.alice, photos=[SimpleUploadedFile("a.pdf", BLANK_PDF)])


def test_companions_are_colleagues_of_the_same_unit(district: District) -> None:
    with pytest.raises(ValidationError, match="本单位的其他工作人员"):
        log(district.alice, companions=[district.bob])
    visit = log(district.alice, companions=[district.ahead]).visit
    mine = district.client_for(district.ahead).get("/staff/visits/mine/").content.decode()
    assert f"/staff/visits/{visit.pk}/" in mine
