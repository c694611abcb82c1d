"""Changes made in the admin screens are audited like any action."""

from __future__ import annotations

import pytest

from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import District
from zuofeng.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _matter_form(matter: Matter, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": matter.code,
        "name": matter.name,
        "unit": matter.unit_id,
        "kind": matter.kind,
        "legal_basis": matter.legal_basis,
        "steps": matter.steps,
        "fee": matter.fee,
        "statutory_limit_days": matter.statutory_limit_days,
        "promised_limit_days": matter.promised_limit_days,
        "window_authority": matter.window_authority,
        "contact_phone": "",
        "materials-TOTAL_FORMS": "1",
        "materials-INITIAL_FORMS": "0",
        "materials-MIN_NUM_FORMS": "0",
        "materials-MAX_NUM_FORMS": "1000",
        "materials-0-position": "0",
        "materials-0-name": "",
        "materials-0-originals": "1",
        "materials-0-copies": "0",
        "materials-0-notes": "",
        # The blank forms and samples inline (catalog.FormFile), left empty.
        "form_files-TOTAL_FORMS": "0",
        "form_files-INITIAL_FORMS": "0",
        "form_files-MIN_NUM_FORMS": "0",
        "form_files-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_admin_edit_of_a_matter_and_its_materials_is_audited(district: District) -> None:
    matter = make_matter(district.market, name="旧名称", materials=[])
    client = district.client_for(district.root)
    response = client.post(
        f"/admin/catalog/matter/{matter.pk}/change/",
        _matter_form(matter, name="新名称", **{"materials-0-name": "营业执照副本"}),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    change = AuditEvent.objects.for_object(matter).filter(action="admin.change").get()
    assert change.before == {"name": "旧名称"} and change.after == {"name": "新名称"}
    related = AuditEvent.objects.for_object(matter).filter(action="admin.change_related").get()
    assert related.after["saved"] == ["营业执照副本"]


def test_admin_refuses_a_code_that_would_break_public_links(district: District) -> None:
    matter = make_matter(district.market)
    client = district.client_for(district.root)
    response = client.post(
        f"/admin/catalog/matter/{matter.pk}/change/", _matter_form(matter, code="MKT/01")
    )
    assert response.status_code == 200
    assert "事项编码只能包含" in response.content.decode()
    matter.refresh_from_db()
    assert matter.code != "MKT/01"
