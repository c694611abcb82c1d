"""The roles of design §2, kept as Django groups with their permissions.

Groups are (re)synchronised after every migration, so a fresh database and an upgraded one
end with the same permissions.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class Role(models.TextChoices):
    APPLICANT = "applicant", "办事群众"
    WINDOW = "window", "窗口人员"
    UNIT_STAFF = "unit_staff", "承办人员"
    UNIT_HEAD = "unit_head", "单位一把手"
    SUPERVISOR = "supervisor", "督查室"
    DISCIPLINE = "discipline", "纪检"
    ADMIN = "admin", "系统管理员"


# Model permissions each role holds ("app.codename"). Row scoping is separate: see scoping.py.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.APPLICANT: [],
    Role.WINDOW: ["catalog.view_matter"],
    Role.UNIT_STAFF: ["catalog.view_matter", "catalog.change_matter"],
    Role.UNIT_HEAD: ["catalog.view_matter", "catalog.change_matter"],
    # The office maintains the district's matter list (事项清单) as a whole.
    Role.SUPERVISOR: [
        "catalog.view_matter",
        "catalog.add_matter",
        "catalog.change_matter",
        "org.view_unit",
        "org.view_staff",
        "audit.view_auditevent",
    ],
    Role.DISCIPLINE: ["org.view_unit"],
    Role.ADMIN: [
        "catalog.view_matter",
        "catalog.add_matter",
        "catalog.change_matter",
        "org.view_unit",
        "org.add_unit",
        "org.change_unit",
        "org.view_staff",
        "org.add_staff",
        "org.change_staff",
        "org.delete_staff",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "workdays.view_dayoverride",
        "workdays.add_dayoverride",
        "workdays.change_dayoverride",
        "workdays.delete_dayoverride",
        "audit.view_auditevent",
    ],
}


def sync_role_groups(*, using: str = "default", **kwargs: Any) -> None:
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    # post_migrate reaches this app before the apps listed after it in INSTALLED_APPS
    # (catalog, ...) have had their permissions created; create them all first, or a fresh
    # database would silently end with roles that lack those permissions.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role.value)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            perm = (
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if perm is not None:
                wanted.append(perm)
        group.permissions.set(wanted)
