"""A unit's area (the sites its cadres should visit) and the yearly sweep of the model-site rule."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from conftest import District
from visits import actions, checks
from visits.models import Site, VisitFlag
from visits.tests.factories import log
from visits.tests.test_shallow_visit_flags import MIDYEAR, distinct_summary
from zuofeng.duty.registry import registered_steps

pytestmark = pytest.mark.django_db


@time_machine.travel(MIDYEAR, tick=False)
def test_the_sweep_flags_model_sites_once_the_area_is_registered(district: District) -> None:
    start = dt.datetime(2026, 1, 5, 9, tzinfo=MIDYEAR.tzinfo)
    for n in range(checks.MODEL_MIN_VISITS):
        log(
            district.alice, site_kind="enterprise", site_name=f"企业{n % 2}",
            started_at=start + dt.timedelta(days=n), learned=distinct_summary(n),
        )  # fmt: skip
    # Two sites known, both visited: nothing to compare with yet.
    assert not VisitFlag.objects.filter(kind="model_sites").exists()
    client = district.client_for(district.alice)
    client.post(
        "/staff/visits/sites/",
        {"do": "add", "kind": "enterprise", "names": "\n".join(f"企业{n}" for n in range(10))},
    )
    assert Site.objects.filter(unit=district.market).count() == 10
    page = client.get("/staff/visits/sites/").content.decode()
    assert "尚未走访 8 个" in page
    step = dict(registered_steps())["visits.model_sites"]
    assert step(MIDYEAR) == {"model_site_flags": 1}
    assert step(MIDYEAR) == {"model_site_flags": 0}  # idempotent
    flag = VisitFlag.objects.get(kind="model_sites")
    assert "10 个走访点中有 8 个全年无人走访" in flag.reason


def test_sites_are_the_units_own_and_archived_with_a_reason(district: District) -> None:
    with pytest.raises(PermissionDenied):
        actions.add_sites(actor=district.bob, unit=district.market, kind="village", names=["甲村"])
    (site,) = actions.add_sites(
        actor=district.alice, unit=district.market, kind="village", names=["甲村", "甲村", " "]
    )
    client = district.client_for(district.alice)
    client.post("/staff/visits/sites/", {"do": "archive", "site": site.pk, "reason": ""})
    site.refresh_from_db()
    assert not site.archived
    client.post("/staff/visits/sites/", {"do": "archive", "site": site.pk, "reason": "并村"})
    site.refresh_from_db()
    assert site.archived
    # Another unit's site is not found from this unit's page.
    other = district.client_for(district.bob)
    response = other.post("/staff/visits/sites/", {"do": "archive", "site": site.pk, "reason": "x"})
    assert response.status_code == 404
    assert "还没有登记走访地点" in other.get("/staff/visits/sites/").content.decode()
