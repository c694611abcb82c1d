"""The roles of design §2 exist as Django groups, with their permissions, after `migrate`."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from org.roles import ROLE_PERMISSIONS, Role

pytestmark = pytest.mark.django_db


def permissions_of(group: Group) -> set[str]:
    return {
        f"{perm.content_type.app_label}.{perm.codename}"
        for perm in group.permissions.select_related("content_type")
    }


def test_every_role_is_a_group_after_migrate() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_each_role_group_holds_exactly_its_configured_permissions(role: Role) -> None:
    group = Group.objects.get(name=role.value)

    assert permissions_of(group) == set(ROLE_PERMISSIONS[role])


def test_unit_staff_may_change_matters_but_window_staff_may_only_view_them() -> None:
    # The catalogue app is installed after `org`: its permissions must still reach the groups.
    assert "catalog.change_matter" in permissions_of(Group.objects.get(name=Role.UNIT_STAFF))
    assert permissions_of(Group.objects.get(name=Role.WINDOW)) == {"catalog.view_matter"}


def test_applicants_hold_no_permissions() -> None:
    assert permissions_of(Group.objects.get(name=Role.APPLICANT)) == set()


def test_migrate_again_restores_a_permission_removed_by_hand() -> None:
    group = Group.objects.get(name=Role.SUPERVISOR)
    group.permissions.clear()

    call_command("migrate", verbosity=0, interactive=False)

    assert permissions_of(group) == set(ROLE_PERMISSIONS[Role.SUPERVISOR])


def test_district_people_get_the_groups_of_their_roles(district: Any) -> None:
    assert list(district.alice.groups.values_list("name", flat=True)) == [Role.UNIT_STAFF]
    assert district.alice.has_perm("catalog.change_matter")
    assert not district.amy.has_perm("catalog.change_matter")
    assert district.olivia.has_perm("audit.view_auditevent")
    assert not district.ruth.has_perm("catalog.view_matter")
