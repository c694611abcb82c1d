"""Creating, changing and archiving a matter: validated, audited with before and after."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog import actions
from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import District
from zuofeng.audit.chain import verify_chain
from zuofeng.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def matter_fields(district: District, **overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "code": "MKT-001",
        "name": "食品经营许可证核发",
        "unit": district.market,
        "kind": Matter.Kind.LICENSING,
        "legal_basis": "《中华人民共和国食品安全法》第三十五条",
        "steps": "申请\n受理\n审查\n决定",
        "statutory_limit_days": 20,
        "promised_limit_days": 10,
    }
    fields.update(overrides)
    return fields


def test_creating_a_matter_saves_it_with_its_materials_in_order(district: District) -> None:
    matter = actions.create_matter(
        actor=district.root,
        materials=[
            {"name": "食品经营许可申请书", "originals": 1, "copies": 0},
            {"name": "营业执照", "originals": 0, "copies": 1, "notes": "加盖公章"},
        ],
        **matter_fields(district),
    )

    assert [m.name for m in matter.materials.all()] == ["食品经营许可申请书", "营业执照"]
    assert matter.materials.get(name="营业执照").notes == "加盖公章"


def test_creating_a_matter_writes_an_audit_event_with_its_fields_and_materials(
    district: District,
) -> None:
    matter = actions.create_matter(
        actor=district.root,
        materials=[{"name": "申请书", "originals": 1, "copies": 0}],
        **matter_fields(district),
    )

    [event] = AuditEvent.objects.for_object(matter).filter(action="catalog.create_matter")
    assert event.actor == district.root
    assert event.before == {}
    assert event.after["name"] == "食品经营许可证核发"
    assert event.after["promised_limit_days"] == 10
    assert event.after["unit"] == district.market.pk
    assert event.after["materials"] == [["申请书", 1, 0, ""]]
    assert verify_chain() is None


def test_a_promised_limit_longer_than_the_statutory_one_is_refused_in_chinese(
    district: District,
) -> None:
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as caught:
        actions.create_matter(
            actor=district.root,
            **matter_fields(district, statutory_limit_days=10, promised_limit_days=15),
        )

    assert "承诺时限不能超过法定时限" in caught.value.messages
    assert not Matter.objects.filter(code="MKT-001").exists()
    assert AuditEvent.objects.count() == events


def test_the_database_itself_refuses_a_promised_limit_longer_than_the_statutory_one(
    district: District,
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Matter.objects.create(
            **matter_fields(district, statutory_limit_days=5, promised_limit_days=6)
        )

    assert not Matter.objects.filter(code="MKT-001").exists()


def test_the_database_refuses_an_update_that_breaks_the_limits(district: District) -> None:
    matter = make_matter(district.market, statutory_limit_days=20, promised_limit_days=5)

    with pytest.raises(IntegrityError), transaction.atomic():
        Matter.objects.filter(pk=matter.pk).update(promised_limit_days=21)

    matter.refresh_from_db()
    assert matter.promised_limit_days == 5


def test_an_equal_promised_and_statutory_limit_is_allowed(district: District) -> None:
    matter = actions.create_matter(
        actor=None, **matter_fields(district, statutory_limit_days=7, promised_limit_days=7)
    )

    assert matter.promised_limit_days == 7


def test_a_matter_code_is_unique(district: District) -> None:
    make_matter(district.market, code="MKT-001")

    with pytest.raises(ValidationError) as caught:
        actions.create_matter(actor=None, **matter_fields(district, name="另一个事项"))

    assert "code" in caught.value.message_dict
    assert Matter.objects.filter(code="MKT-001").count() == 1


def test_updating_a_matter_records_only_what_changed_before_and_after(district: District) -> None:
    matter = make_matter(district.market, promised_limit_days=10, statutory_limit_days=20)

    actions.update_matter(
        actor=district.alice,
        matter=matter,
        changes={"promised_limit_days": 3, "online": True},
        reason="压缩时限",
    )

    matter.refresh_from_db()
    assert matter.promised_limit_days == 3
    assert matter.online
    [event] = AuditEvent.objects.for_object(matter).filter(action="catalog.update_matter")
    assert event.actor == district.alice
    assert event.before == {"promised_limit_days": 10, "online": False}
    assert event.after == {"promised_limit_days": 3, "online": True}
    assert event.reason == "压缩时限"


def test_updating_the_materials_records_the_old_and_new_lists(district: District) -> None:
    matter = make_matter(
        district.market, materials=[{"name": "身份证", "originals": 1, "copies": 1}]
    )

    actions.update_matter(
        actor=district.alice,
        matter=matter,
        changes={},
        materials=[{"name": "户口簿", "originals": 1, "copies": 0}],
    )

    assert [m.name for m in matter.materials.all()] == ["户口簿"]
    event = AuditEvent.objects.for_object(matter).get(action="catalog.update_matter")
    assert event.before == {"materials": [["身份证", 1, 1, ""]]}
    assert event.after == {"materials": [["户口簿", 1, 0, ""]]}


def test_an_update_breaking_the_limits_is_refused_and_changes_nothing(district: District) -> None:
    matter = make_matter(
        district.market,
        statutory_limit_days=20,
        promised_limit_days=5,
        materials=[{"name": "身份证", "originals": 1, "copies": 1}],
    )
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError, match="承诺时限不能超过法定时限"):
        actions.update_matter(
            actor=district.alice,
            matter=matter,
            changes={"promised_limit_days": 30},
            materials=[],
        )

    matter.refresh_from_db()
    assert matter.promised_limit_days == 5
    assert [m.name for m in matter.materials.all()] == ["身份证"]
    assert AuditEvent.objects.count() == events


def test_an_update_may_not_touch_fields_outside_the_matter_record(district: District) -> None:
    matter = make_matter(district.market)

    with pytest.raises(ValidationError, match="不能修改字段 updated_at"):
        actions.update_matter(actor=district.alice, matter=matter, changes={"updated_at": None})


def test_archiving_a_matter_requires_a_reason(district: District) -> None:
    matter = make_matter(district.market)

    with pytest.raises(ValidationError, match="停用事项必须填写原因"):
        actions.archive_matter(actor=district.alice, matter=matter, reason=" ")

    matter.refresh_from_db()
    assert not matter.archived
    assert not AuditEvent.objects.filter(action="catalog.archive_matter").exists()


def test_archiving_a_matter_removes_it_from_the_public_catalogue_and_is_audited(
    district: District,
) -> None:
    matter = make_matter(district.market)

    actions.archive_matter(actor=district.alice, matter=matter, reason="法规废止")

    assert matter not in Matter.objects.public()
    assert Matter.objects.filter(pk=matter.pk).exists()  # archived, never deleted
    [event] = AuditEvent.objects.for_object(matter).filter(action="catalog.archive_matter")
    assert event.actor == district.alice
    assert event.reason == "法规废止"
    assert event.before == {"archived": False}
    assert event.after == {"archived": True}
    assert verify_chain() is None


@pytest.mark.parametrize("code", ["MKT/001", "MKT 001", "-MKT", "事项一"])
def test_a_matter_code_that_cannot_appear_in_a_web_address_is_refused(
    district: District, code: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.create_matter(actor=None, **matter_fields(district, code=code))

    assert "事项编码只能包含字母、数字" in caught.value.message_dict["code"][0]
    assert not Matter.objects.exists()
