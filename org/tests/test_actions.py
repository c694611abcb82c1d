"""State changes of units and people write their audit event in the same transaction."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import DatabaseError

from conftest import District
from org import actions
from org.models import Staff, Unit
from org.roles import Role
from org.scoping import has_role, unit_of
from zuofeng.audit.chain import verify_chain
from zuofeng.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def events_for(obj: object, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.for_object(obj).filter(action=action))


def test_creating_a_unit_writes_an_audit_event_with_its_fields(district: District) -> None:
    unit = actions.create_unit(
        actor=district.root, code="EDU", name="区教育局", kind=Unit.Kind.DEPARTMENT
    )

    [event] = events_for(unit, "org.create_unit")
    assert event.actor == district.root
    assert event.after["code"] == "EDU"
    assert event.after["name"] == "区教育局"
    assert verify_chain() is None


def test_an_invalid_unit_is_refused_and_leaves_no_trace(district: District) -> None:
    before = AuditEvent.objects.count()

    with pytest.raises(ValidationError):
        actions.create_unit(actor=district.root, code="MKT", name="重复编码", kind="department")

    assert not Unit.objects.filter(name="重复编码").exists()
    assert AuditEvent.objects.count() == before


def test_when_the_audit_event_cannot_be_written_the_unit_is_not_created(
    district: District,
) -> None:
    with (
        mock.patch("org.actions.record", side_effect=DatabaseError("audit down")),
        pytest.raises(DatabaseError),
    ):
        actions.create_unit(actor=district.root, code="EDU", name="区教育局", kind="department")

    assert not Unit.objects.filter(code="EDU").exists()


def test_adding_a_person_gives_their_roles_and_unit_and_is_audited(district: District) -> None:
    user = actions.add_person(
        actor=district.root,
        username="carol",
        full_name="卡罗",
        roles=[Role.WINDOW],
        unit=district.hr,
        password="pw-zuofeng-1",
    )

    assert has_role(user, Role.WINDOW)
    assert unit_of(user) == district.hr
    assert user.check_password("pw-zuofeng-1")
    [event] = events_for(user, "org.add_person")
    assert event.after == {"username": "carol", "roles": ["window"], "unit": district.hr.pk}


def test_a_username_cannot_be_taken_twice(district: District) -> None:
    with pytest.raises(ValidationError, match="用户名“alice”已存在"):
        actions.add_person(actor=district.root, username="alice", full_name="另一个", roles=[])


def test_when_the_audit_event_cannot_be_written_the_person_is_not_added(
    district: District,
) -> None:
    with (
        mock.patch("org.actions.record", side_effect=DatabaseError("audit down")),
        pytest.raises(DatabaseError),
    ):
        actions.add_person(
            actor=district.root, username="carol", full_name="卡罗", roles=[], unit=district.hr
        )

    assert not Staff.objects.filter(user__username="carol").exists()
    assert not district.hr.members.filter(user__username="carol").exists()


def test_naming_a_unit_head_gives_the_head_role_and_membership(district: District) -> None:
    actions.set_unit_head(actor=district.olivia, unit=district.hr, head=district.bob, reason="任命")

    district.hr.refresh_from_db()
    assert district.hr.head == district.bob
    assert district.bob.groups.filter(name=Role.UNIT_HEAD).exists()
    assert Staff.objects.get(user=district.bob).unit == district.hr


def test_naming_a_head_from_outside_moves_them_into_the_unit(district: District) -> None:
    actions.set_unit_head(actor=district.olivia, unit=district.town, head=district.bob)

    assert Staff.objects.get(user=district.bob).unit == district.town
    assert district.bob.groups.filter(name=Role.UNIT_HEAD).exists()


def test_naming_a_unit_head_is_audited_with_before_and_after(district: District) -> None:
    actions.set_unit_head(
        actor=district.olivia, unit=district.market, head=district.alice, reason="换届"
    )

    event = events_for(district.market, "org.set_unit_head")[-1]
    assert event.actor == district.olivia
    assert event.before == {"head": district.ahead.pk}
    assert event.after == {"head": district.alice.pk}
    assert event.reason == "换届"


def test_a_replaced_head_loses_the_head_role(district: District) -> None:
    actions.set_unit_head(actor=district.olivia, unit=district.market, head=district.alice)

    assert district.alice.groups.filter(name=Role.UNIT_HEAD).exists()
    assert not district.ahead.groups.filter(name=Role.UNIT_HEAD).exists()
    # They still work in the unit, as staff.
    assert district.ahead.groups.filter(name=Role.UNIT_STAFF).exists()
    assert Staff.objects.get(user=district.ahead).unit == district.market


def test_removing_the_head_leaves_the_unit_headless_and_takes_the_role(
    district: District,
) -> None:
    actions.set_unit_head(actor=district.olivia, unit=district.market, head=None, reason="免职")

    district.market.refresh_from_db()
    assert district.market.head is None
    assert not district.ahead.groups.filter(name=Role.UNIT_HEAD).exists()


def test_a_head_of_two_units_keeps_the_role_while_heading_one(district: District) -> None:
    actions.set_unit_head(actor=district.olivia, unit=district.town, head=district.ahead)
    actions.set_unit_head(actor=district.olivia, unit=district.town, head=district.bob)

    # ahead still heads the market bureau.
    assert district.ahead.groups.filter(name=Role.UNIT_HEAD).exists()


def test_the_head_group_exists_for_every_district(district: District) -> None:
    assert Group.objects.filter(name=Role.UNIT_HEAD).exists()
    assert district.ahead.groups.filter(name=Role.UNIT_HEAD).exists()


def test_archiving_a_unit_requires_a_reason(district: District) -> None:
    with pytest.raises(ValidationError, match="撤销单位必须填写原因"):
        actions.archive_unit(actor=district.root, unit=district.town, reason="  ")

    district.town.refresh_from_db()
    assert not district.town.archived
    assert events_for(district.town, "org.archive_unit") == []


def test_archiving_a_unit_hides_it_from_active_units_and_is_audited(district: District) -> None:
    actions.archive_unit(actor=district.root, unit=district.town, reason="撤镇设街道")

    assert district.town not in Unit.objects.active()
    [event] = events_for(district.town, "org.archive_unit")
    assert event.reason == "撤镇设街道"
    assert event.before == {"archived": False}
    assert event.after == {"archived": True}


def test_a_mistyped_role_is_refused_rather_than_creating_a_user_without_one(db: object) -> None:
    from django.contrib.auth.models import User
    from django.core.exceptions import ValidationError

    from org.actions import add_person

    with pytest.raises(ValidationError, match="未知角色"):
        add_person(actor=None, username="typo", full_name="某人", roles=["unit_staf"])
    assert not User.objects.filter(username="typo").exists()
