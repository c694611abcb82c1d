"""State changes of units and people. Each writes its audit event in its transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import transaction

from org.models import Staff, Unit
from org.roles import ADMIN_ROLES, Role
from zuofeng.audit.chain import record, snapshot

UNIT_FIELDS = [
    "code",
    "name",
    "short_name",
    "kind",
    "parent",
    "head",
    "phone",
    "address",
    "archived",
]


@transaction.atomic
def create_unit(*, actor: Any, **fields: Any) -> Unit:
    unit = Unit(**fields)
    unit.full_clean()
    unit.save()
    record(actor=actor, action="org.create_unit", obj=unit, after=snapshot(unit, UNIT_FIELDS))
    return unit


@transaction.atomic
def set_unit_head(*, actor: Any, unit: Unit, head: User | None, reason: str = "") -> Unit:
    """Name the accountable head; the head joins the unit and the head role.

    The replaced head loses the head role unless they still head another unit: escalations
    and head-only screens must not stay open to someone who no longer answers for the unit.
    """
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit, ["head"])
    previous = unit.head
    unit.head = head
    unit.save(update_fields=["head"])
    head_group = Group.objects.get(name=Role.UNIT_HEAD)
    if head is not None:
        Staff.objects.update_or_create(user=head, defaults={"unit": unit})
        head.groups.add(head_group)
    if previous is not None and previous != head and not previous.headed_units.exists():
        previous.groups.remove(head_group)
    record(
        actor=actor,
        action="org.set_unit_head",
        obj=unit,
        before=before,
        after=snapshot(unit, ["head"]),
        reason=reason,
    )
    return unit


@transaction.atomic
def archive_unit(*, actor: Any, unit: Unit, reason: str) -> Unit:
    if not reason.strip():
        raise ValidationError("撤销单位必须填写原因")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = {"archived": unit.archived}
    unit.archived = True
    unit.save(update_fields=["archived"])
    record(
        actor=actor,
        action="org.archive_unit",
        obj=unit,
        before=before,
        after={"archived": True},
        reason=reason,
    )
    return unit


@transaction.atomic
def add_person(
    *,
    actor: Any,
    username: str,
    full_name: str,
    roles: list[str],
    unit: Unit | None = None,
    title: str = "",
    phone: str = "",
    password: str | None = None,
    password_hash: str | None = None,
    superuser: bool = False,
) -> User:
    """Create a user with roles and, for staff, membership of a unit.

    `password_hash` lets the demo builder reuse one precomputed hash for hundreds of accounts
    (hashing each password would take most of its time budget).
    """
    unknown = sorted({str(role) for role in roles} - set(Role.values))
    if unknown:
        raise ValidationError(f"未知角色：{'、'.join(unknown)}")
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"用户名“{username}”已存在")
    user = User(
        username=username,
        first_name=full_name,
        is_staff=bool({str(role) for role in ADMIN_ROLES} & {str(role) for role in roles})
        or superuser,
        is_superuser=superuser,
    )
    if password_hash is not None:
        user.password = password_hash
    elif password is not None:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.groups.set(Group.objects.filter(name__in=[str(role) for role in roles]))
    if unit is not None:
        Staff.objects.create(user=user, unit=unit, title=title, phone=phone)
    record(
        actor=actor,
        action="org.add_person",
        obj=user,
        after={
            "username": username,
            "roles": sorted(str(r) for r in roles),
            "unit": unit.pk if unit else None,
            **({"superuser": True} if superuser else {}),
        },
    )
    return user


@transaction.atomic
def set_roles(*, actor: Any, user: User, roles: list[str], reason: str = "") -> User:
    """Grant and take away roles (安全管理员, org.grant_role). Audited with the roles before and
    after; nobody changes their own roles, so no one grants a role and uses it unseen."""
    if actor is not None and getattr(actor, "pk", None) == user.pk:
        raise ValidationError("不能修改自己的角色，请由另一位安全管理员办理。")
    if actor is not None and not actor.has_perm("org.grant_role"):
        raise ValidationError("只有安全管理员可以授予或撤销角色。")
    wanted = {str(role) for role in roles}
    unknown = sorted(wanted - set(Role.values))
    if unknown:
        raise ValidationError(f"未知角色：{'、'.join(unknown)}")
    before = sorted(user.groups.values_list("name", flat=True))
    user.groups.set(Group.objects.filter(name__in=wanted))
    after = sorted(wanted)
    is_admin = bool({str(role) for role in ADMIN_ROLES} & wanted) or user.is_superuser
    if user.is_staff != is_admin:
        user.is_staff = is_admin
        user.save(update_fields=["is_staff"])
    record(
        actor=actor,
        action="org.set_roles",
        obj=user,
        before={"roles": before},
        after={"roles": after},
        reason=reason,
    )
    for attr in ("_zuofeng_roles", "_zuofeng_heads"):
        user.__dict__.pop(attr, None)
    return user
