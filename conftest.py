"""Shared fixtures: a small district with fixed, named people for every role.

- units: `market` (市场监管局, department), `hr` (人社局, department), `town` (青石镇, township),
  `office` (督查室), `discipline` (纪委监委)
- people: alice (market staff), amy (market window), ahead (market head), bob (hr staff),
  olivia (supervision office), dora (discipline), root (admin), ruth (applicant)
All passwords are "pw-zuofeng-1".
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from org.models import Unit
from org.roles import Role

PASSWORD = "pw-zuofeng-1"


@dataclass
class District:
    market: Unit
    hr: Unit
    town: Unit
    office: Unit
    discipline: Unit
    alice: User
    amy: User
    ahead: User
    bob: User
    olivia: User
    dora: User
    root: User
    ruth: User

    def client_for(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Every test writes uploads under its own tmp dir, never into var/media."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture(autouse=True)
def fresh_calendar() -> Any:
    """Every test starts with an empty working-day cache: an override saved in a rolled-back
    test would otherwise linger in this process."""
    from zuofeng.workdays import calendar

    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture(autouse=True)
def fresh_cache() -> Any:
    """Every test starts with an empty shared cache: inside a test's transaction the on-commit
    hooks that bump cached pages' versions (the catalogue's) never run, so a page cached by an
    earlier test in the same process could otherwise be served; rate-limit counters too."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def district(db: Any) -> District:
    from org import actions

    def unit(code: str, name: str, kind: str) -> Unit:
        return actions.create_unit(actor=None, code=code, name=name, kind=kind)

    market = unit("MKT", "区市场监督管理局", Unit.Kind.DEPARTMENT)
    hr = unit("HRS", "区人力资源和社会保障局", Unit.Kind.DEPARTMENT)
    town = unit("QSZ", "青石镇人民政府", Unit.Kind.TOWNSHIP)
    office = unit("DCS", "区政府督查室", Unit.Kind.SUPERVISION)
    discipline = unit("JJW", "区纪委监委", Unit.Kind.DISCIPLINE)

    def person(username: str, name: str, roles: list[str], where: Unit | None) -> User:
        return actions.add_person(
            actor=None,
            username=username,
            full_name=name,
            roles=roles,
            unit=where,
            password=PASSWORD,
        )

    alice = person("alice", "艾丽", [Role.UNIT_STAFF], market)
    amy = person("amy", "艾米", [Role.WINDOW], market)
    ahead = person("ahead", "安海", [Role.UNIT_STAFF], market)
    actions.set_unit_head(actor=None, unit=market, head=ahead)
    bob = person("bob", "鲍勃", [Role.UNIT_STAFF], hr)
    olivia = person("olivia", "欧丽", [Role.SUPERVISOR], office)
    dora = person("dora", "朵拉", [Role.DISCIPLINE], discipline)
    root = actions.add_person(
        actor=None,
        username="root",
        full_name="管理员",
        roles=[Role.ADMIN],
        password=PASSWORD,
        superuser=True,
    )
    ruth = person("ruth", "路思", [Role.APPLICANT], None)
    market.refresh_from_db()
    return District(
        market, hr, town, office, discipline, alice, amy, ahead, bob, olivia, dora, root, ruth
    )


def chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Browser tests need the system Chromium. Without it they skip with a visible notice,
    unless ZUOFENG_REQUIRE_BROWSER is set (CI), where a missing browser is a failure."""
    if chromium_path() or os.environ.get("ZUOFENG_REQUIRE_BROWSER"):
        return
    skip = pytest.mark.skip(
        reason="Chromium not found: browser tests skipped (apt-get install chromium)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def browser_page(live_server: Any) -> Any:
    """A Playwright page in the system Chromium (headless), pointed at the live server."""
    path = chromium_path()
    if path is None:
        pytest.fail("ZUOFENG_REQUIRE_BROWSER is set but no Chromium is installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(locale="zh-CN", base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()
