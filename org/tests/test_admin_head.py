"""Naming a head in the system admin goes through org.actions.set_unit_head: the head gets the
head role (the menu and the head's pages rely on it) and the replaced head loses it."""

from __future__ import annotations

import pytest

from conftest import District
from org.roles import Role
from zuofeng.access import may

pytestmark = pytest.mark.django_db


def test_a_head_named_in_the_admin_gets_the_head_pages(district: District) -> None:
    client = district.client_for(district.root)
    url = f"/admin/org/unit/{district.market.pk}/change/"
    form = {
        "code": district.market.code,
        "name": district.market.name,
        "short_name": district.market.short_name,
        "kind": district.market.kind,
        "head": district.alice.pk,
        "sort_order": district.market.sort_order,
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    district.alice.refresh_from_db()
    assert district.alice.groups.filter(name=Role.UNIT_HEAD).exists()
    assert may(type(district.alice).objects.get(pk=district.alice.pk), "head")
    assert not district.ahead.groups.filter(name=Role.UNIT_HEAD).exists()
    assert not may(type(district.ahead).objects.get(pk=district.ahead.pk), "head")
