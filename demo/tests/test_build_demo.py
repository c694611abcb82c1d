"""The demo district builder: shape of the district, determinism, and its two commands.

Building takes a few seconds, so the tests that only read the district share one build
(`built`, class-scoped, rolled back afterwards); tests that need an empty database sit
outside the class.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from catalog.models import Matter
from catalog.search import search_matters
from demo.builder import DEMO_PASSWORD, ROLE_ACCOUNTS, plan_matters, plan_people, plan_units
from org.actions import add_person
from org.models import Staff, Unit
from org.roles import Role
from zuofeng.audit.chain import verify_chain
from zuofeng.audit.models import AuditEvent

SEED = 7


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def built(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """One demo build shared by a test class; yields what `build_demo` printed."""
    with django_db_blocker.unblock(), transaction.atomic():
        # The district's shape only: the cases have their own tests (test_demo_cases).
        output = run("build_demo", "--seed", str(SEED), "--cases", "0")
        yield output
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("built")
class TestBuiltDistrict:
    def test_command_prints_a_summary(self, built: str) -> None:
        assert "单位 41 个" in built
        assert "事项 300 项" in built
        assert "办件 0 件" in built
        assert "秒" in built

    def test_about_forty_units_of_every_kind_each_with_a_head(self) -> None:
        units = list(Unit.objects.select_related("head__staff"))
        assert 38 <= len(units) <= 45
        kinds = Counter(unit.kind for unit in units)
        assert kinds[Unit.Kind.DEPARTMENT] >= 20
        assert kinds[Unit.Kind.TOWNSHIP] >= 8
        assert kinds[Unit.Kind.STREET] >= 2
        for kind in (Unit.Kind.SERVICE_HALL, Unit.Kind.SUPERVISION, Unit.Kind.DISCIPLINE):
            assert kinds[kind] == 1
        for unit in units:
            assert unit.head is not None, unit
            assert unit.head.staff.unit_id == unit.pk
            assert unit.head.groups.filter(name=Role.UNIT_HEAD).exists()

    def test_every_unit_has_two_to_four_staff_besides_its_head(self) -> None:
        for unit in Unit.objects.exclude(kind__in=[Unit.Kind.SUPERVISION, Unit.Kind.DISCIPLINE]):
            staff = Staff.objects.filter(unit=unit, user__groups__name=Role.UNIT_STAFF).exclude(
                user=unit.head
            )
            assert 2 <= staff.count() <= 4, unit
        supervisors = User.objects.filter(groups__name=Role.SUPERVISOR, staff__unit__code="DCS")
        assert supervisors.count() >= 3
        assert (
            User.objects.filter(groups__name=Role.DISCIPLINE, staff__unit__code="JJW").count() >= 2
        )

    def test_every_role_has_at_least_one_user(self) -> None:
        for role in Role:
            assert User.objects.filter(groups__name=role).exists(), role

    def test_units_deciding_matters_in_the_hall_have_a_window_clerk(self) -> None:
        in_hall = Unit.objects.filter(
            kind=Unit.Kind.DEPARTMENT,
            matters__window_authority=Matter.WindowAuthority.DECIDE,
        ).distinct()
        assert in_hall.count() >= 15
        for unit in in_hall:
            assert User.objects.filter(groups__name=Role.WINDOW, staff__unit=unit).exists(), unit

    def test_fixed_role_accounts_exist_with_the_demo_password(self) -> None:
        market = Unit.objects.get(name="区市场监督管理局")
        assert market.head.username == "head"
        assert User.objects.get(username="staff").staff.unit == market
        assert User.objects.get(username="window").staff.unit == market
        assert User.objects.get(username="office").groups.filter(name=Role.SUPERVISOR).exists()
        assert User.objects.get(username="discipline").groups.filter(name=Role.DISCIPLINE).exists()
        # 三员分立: three administrators, none a superuser.
        for username, role in (
            ("admin", Role.ADMIN),
            ("security", Role.SECURITY_ADMIN),
            ("auditor", Role.AUDIT_ADMIN),
        ):
            user = User.objects.get(username=username)
            assert user.is_staff and not user.is_superuser
            assert list(user.groups.values_list("name", flat=True)) == [role]
        assert User.objects.get(username="resident").groups.filter(name=Role.APPLICANT).exists()
        for username, _ in ROLE_ACCOUNTS:
            assert check_password(DEMO_PASSWORD, User.objects.get(username=username).password)

    def test_other_accounts_are_named_after_their_unit(self) -> None:
        fixed = {username for username, _ in ROLE_ACCOUNTS}
        for staff in Staff.objects.select_related("user", "unit").exclude(user__username__in=fixed):
            assert staff.user.username.startswith(f"u{staff.unit.code.lower()}"), staff.user

    def test_about_three_hundred_matters_each_promising_no_more_than_the_law(self) -> None:
        matters = list(Matter.objects.select_related("unit").prefetch_related("materials"))
        assert 270 <= len(matters) <= 330
        immediate = 0
        for matter in matters:
            assert 0 <= matter.promised_limit_days <= matter.statutory_limit_days <= 20
            assert matter.code.startswith(f"{matter.unit.code}-")
            assert 1 <= len(matter.materials.all()) <= 6
            assert matter.legal_basis and matter.step_list
            immediate += matter.is_immediate
        assert 0.08 <= immediate / len(matters) <= 0.25
        online = sum(matter.online for matter in matters) / len(matters)
        assert 0.45 <= online <= 0.75
        authorities = Counter(matter.window_authority for matter in matters)
        assert authorities.most_common(1)[0][0] == Matter.WindowAuthority.DECIDE
        assert authorities[Matter.WindowAuthority.RECEIVE_ONLY] > 0
        assert authorities[Matter.WindowAuthority.NOT_IN_HALL] > 0

    def test_every_matter_says_where_when_and_at_which_window(self) -> None:
        matters = list(Matter.objects.all())
        for matter in matters:
            assert matter.place and matter.hours, matter.code
        # Matters received at the unit's own office have no hall window; the rest name one.
        in_hall = [m for m in matters if m.window_authority != Matter.WindowAuthority.NOT_IN_HALL]
        assert sum(bool(m.window) for m in in_hall) >= 0.9 * len(in_hall)

    def test_search_finds_several_business_licence_matters(self) -> None:
        found = search_matters(Matter.objects.public(), "营业执照")
        named = [matter for matter in found if "营业执照" in matter.name]
        assert len(named) >= 3

    def test_the_build_matches_its_plan(self) -> None:
        """With the plans deterministic (below), this makes the database deterministic too."""
        planned = sorted((plan.code, plan.name) for plan in plan_matters(SEED))
        assert sorted(Matter.objects.values_list("code", "name")) == planned
        planned_heads = {plan.unit: plan.full_name for plan in plan_people(SEED) if plan.is_head}
        heads = dict(Unit.objects.values_list("code", "head__first_name"))
        assert heads == planned_heads

    def test_every_row_was_created_through_an_audited_action(self) -> None:
        assert AuditEvent.objects.filter(action="catalog.create_matter").count() == 300
        assert AuditEvent.objects.filter(action="org.create_unit").count() == 41
        assert AuditEvent.objects.filter(action="org.add_person").count() == User.objects.count()
        assert verify_chain() is None

    def test_if_empty_does_nothing_on_a_non_empty_database(self) -> None:
        before = (Unit.objects.count(), User.objects.count(), Matter.objects.count())
        output = run("build_demo", "--if-empty", "--seed", "99")
        assert "跳过" in output
        assert (Unit.objects.count(), User.objects.count(), Matter.objects.count()) == before

    def test_build_refuses_a_non_empty_database(self) -> None:
        with pytest.raises(CommandError, match="已有单位"):
            run("build_demo")

    def test_demo_accounts_prints_every_role_account(self) -> None:
        output = run("demo_accounts")
        for username, role in ROLE_ACCOUNTS:
            line = next(line for line in output.splitlines() if line.startswith(f"{username} "))
            assert str(role.label) in line
            assert DEMO_PASSWORD in line
        assert "区市场监督管理局" in output


def test_the_same_seed_plans_the_same_district() -> None:
    assert plan_units(SEED) == plan_units(SEED)
    assert plan_people(SEED) == plan_people(SEED)
    assert plan_matters(SEED) == plan_matters(SEED)


def test_another_seed_plans_other_people_but_the_same_fixed_accounts() -> None:
    first, other = plan_people(SEED), plan_people(SEED + 1)
    assert [p.full_name for p in first] != [p.full_name for p in other]
    fixed = {username for username, _ in ROLE_ACCOUNTS}
    assert fixed <= {p.username for p in other}


def test_planned_names_and_usernames_are_unique() -> None:
    people = plan_people(SEED)
    assert len({p.username for p in people}) == len(people)
    assert len({p.full_name for p in people}) == len(people)
    matters = plan_matters(SEED)
    assert len({m.code for m in matters}) == len(matters)


@pytest.mark.django_db
def test_demo_accounts_on_an_empty_database_says_how_to_build() -> None:
    assert "build_demo" in run("demo_accounts")


@pytest.mark.django_db
def test_demo_accounts_does_not_print_a_password_that_no_longer_works() -> None:
    add_person(
        actor=None, username="admin", full_name="管理员", roles=[Role.ADMIN], password="other"
    )
    output = run("demo_accounts")
    assert "（已修改）" in output
    assert DEMO_PASSWORD not in output
