"""Staff edit their unit's matters in a form validated on the server, saved through the action."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import District
from zuofeng.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def matter(district: District) -> Matter:
    return make_matter(
        district.market,
        code="MKT-0001",
        name="食品经营许可证核发",
        statutory_limit_days=20,
        promised_limit_days=10,
        materials=[{"name": "申请书", "originals": 1, "copies": 0, "notes": ""}],
    )


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "食品经营许可证核发",
        "kind": Matter.Kind.LICENSING,
        "legal_basis": "《中华人民共和国食品安全法》第三十五条",
        "steps": "申请\n受理\n决定",
        "fee": "不收费",
        "statutory_limit_days": "20",
        "promised_limit_days": "5",
        "online": "on",
        "window_authority": Matter.WindowAuthority.DECIDE,
        "contact_phone": "12345",
        "materials_text": "申请书|1|0|\n营业执照|0|1|加盖公章",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def edit_url(matter: Matter) -> str:
    return f"/staff/matters/{matter.pk}/edit/"


def test_the_edit_form_shows_the_current_values_and_materials(
    district: District, matter: Matter
) -> None:
    page = district.client_for(district.alice).get(edit_url(matter)).content.decode()

    assert 'value="食品经营许可证核发"' in page
    assert "申请书|1|0|" in page


def test_saving_the_form_changes_the_matter_and_its_materials(
    district: District, matter: Matter
) -> None:
    response = district.client_for(district.alice).post(edit_url(matter), form_data(), follow=True)

    assert response.redirect_chain[-1][0] == "/staff/matters/"
    matter.refresh_from_db()
    assert matter.promised_limit_days == 5
    assert matter.online
    assert [(m.name, m.copies, m.notes) for m in matter.materials.all()] == [
        ("申请书", 0, ""),
        ("营业执照", 1, "加盖公章"),
    ]


def test_saving_the_form_writes_an_audit_event_by_the_editor(
    district: District, matter: Matter
) -> None:
    district.client_for(district.alice).post(edit_url(matter), form_data())

    [event] = AuditEvent.objects.for_object(matter).filter(action="catalog.update_matter")
    assert event.actor == district.alice
    assert event.before["promised_limit_days"] == 10
    assert event.after["promised_limit_days"] == 5
    assert event.after["materials"] == [["申请书", 1, 0, ""], ["营业执照", 0, 1, "加盖公章"]]


def test_the_confirmation_names_the_matter_as_saved(district: District, matter: Matter) -> None:
    response = district.client_for(district.alice).post(
        edit_url(matter), form_data(name="食品经营许可证核发（告知承诺）"), follow=True
    )

    assert "已保存“食品经营许可证核发（告知承诺）”" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"promised_limit_days": "30"}, "承诺时限不能超过法定时限"),
        ({"name": ""}, "该字段是必填项。"),
        ({"legal_basis": "  "}, "该字段是必填项。"),
        ({"statutory_limit_days": "-1"}, "确保该值大于或等于0。"),
        ({"promised_limit_days": "三天"}, "输入整数。"),
        ({"kind": "bogus"}, "选择一个有效的选项。"),
        ({"materials_text": "身份证|一份|0"}, "申请材料“身份证|一份|0”格式不对"),
        ({"materials_text": "身份证|100000|0"}, "申请材料“身份证|100000|0”的份数不能超过"),
        ({"name": "<b>食品</b>经营许可"}, "事项名称不能包含网页代码"),
        ({"steps": "申请\n<script>alert(1)</script>"}, "办理流程不能包含网页代码"),
        ({"place": '<a href="javascript:alert(1)">市民中心</a>'}, "办理地点不能包含网页代码"),
        ({"materials_text": "申请书|1|0|<img src=x onerror=alert(1)>"}, "备注不能包含网页代码"),
    ],
    ids=[
        "promised-over-statutory",
        "no-name",
        "blank-legal-basis",
        "negative-limit",
        "non-integer-limit",
        "unknown-kind",
        "bad-material",
        "absurd-material-count",
        "markup-in-name",
        "markup-in-steps",
        "markup-in-place",
        "markup-in-a-material",
    ],
)
def test_an_invalid_form_is_shown_again_with_a_chinese_message_and_nothing_saved(
    district: District, matter: Matter, overrides: dict[str, str], message: str
) -> None:
    events = AuditEvent.objects.count()

    response = district.client_for(district.alice).post(edit_url(matter), form_data(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    matter.refresh_from_db()
    assert matter.promised_limit_days == 10
    assert [m.name for m in matter.materials.all()] == ["申请书"]
    assert AuditEvent.objects.count() == events


def test_the_limit_message_is_shown_once(district: District, matter: Matter) -> None:
    response = district.client_for(district.alice).post(
        edit_url(matter), form_data(promised_limit_days="30")
    )

    assert response.content.decode().count("承诺时限不能超过法定时限") == 1


def test_an_empty_materials_list_means_no_materials(district: District, matter: Matter) -> None:
    district.client_for(district.alice).post(edit_url(matter), form_data(materials_text=""))

    assert not matter.materials.exists()


def test_the_form_cannot_move_a_matter_to_another_unit_or_recode_it(
    district: District, matter: Matter
) -> None:
    district.client_for(district.alice).post(
        edit_url(matter), form_data(unit=str(district.hr.pk), code="HACKED")
    )

    matter.refresh_from_db()
    assert matter.unit == district.market
    assert matter.code == "MKT-0001"


def test_an_unchanged_form_saves_without_inventing_changes(
    district: District, matter: Matter
) -> None:
    client = district.client_for(district.alice)
    client.post(edit_url(matter), form_data())

    client.post(edit_url(matter), form_data())

    last = AuditEvent.objects.for_object(matter).filter(action="catalog.update_matter").last()
    assert last is not None
    assert (last.before, last.after) == ({}, {})
