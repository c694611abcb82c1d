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
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


# 等保 三员分立 (separation of the three administrators):
# - 系统管理员 (ADMIN) keeps units, people, accounts, matters and the calendar; it neither
#   grants roles nor reads the audit log.
# - 安全管理员 (SECURITY_ADMIN) grants and takes away roles (org.grant_role, through
#   org.actions.grant_role: audited, never to oneself), unlocks locked-out logins and resets
#   a lost second factor; it edits no other account field (so it cannot take an account over).
# - 审计管理员 (AUDIT_ADMIN) reads the audit log (and the login records) and changes nothing.
# A superuser holds every permission: production keeps none (a deploy check warns).
ADMIN_ROLES = (Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)


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
        # Time limits of problems found by investigation (调研问题办理时限) are configuration.
        "problems.view_problemrules",
        "problems.add_problemrules",
        "problems.change_problemrules",
        # The report's library of causes and measures (原因与对策库), kept for the office.
        "reports.view_libraryentry",
        "reports.add_libraryentry",
        "reports.change_libraryentry",
    ],
    Role.SECURITY_ADMIN: [
        "auth.view_user",
        "auth.view_group",
        "org.view_staff",
        "org.grant_role",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "otp_totp.view_totpdevice",
        "otp_totp.delete_totpdevice",
        "otp_static.view_staticdevice",
        "otp_static.delete_staticdevice",
    ],
    Role.AUDIT_ADMIN: [
        "audit.view_auditevent",
        "axes.view_accesslog",
        "axes.view_accessattempt",
        "axes.view_accessfailurelog",
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
