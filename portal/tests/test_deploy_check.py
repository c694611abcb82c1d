"""The production settings pass Django's deployment checklist (`check --deploy`)."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone

from zuofeng.workdays.calendar import LIBRARY_YEARS, local_date

ROOT = Path(__file__).resolve().parents[2]

# Admin entry for every year the deploy check finds without holiday data: New Year's Day.
ENTER_HOLIDAYS = """
import datetime as dt
from django.utils import timezone
from zuofeng.workdays.calendar import local_date, uncovered_years
from zuofeng.workdays.models import DayOverride
for year in uncovered_years(local_date(timezone.now())):
    DayOverride.objects.get_or_create(
        date=dt.date(year, 1, 1), defaults={"is_workday": False, "name": "元旦"}
    )
    print(year)
"""


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "SECURE_", "ZUOFENG_"))
        and key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "HTTPS", "BEHIND_TLS_PROXY"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "zuofeng.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "zuofeng.example.gov.cn",
            "HTTPS": "true",
            "SECURE_HSTS_SECONDS": "31536000",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'zuofeng.sqlite3'}",
            "ZUOFENG_VAR_DIR": str(tmp_path / "var"),
            "ZUOFENG_IDENTITY_KEYS": Fernet.generate_key().decode(),
            "ZUOFENG_AUDIT_KEY": secrets.token_urlsafe(48),
            "CACHE_URL": "db://zuofeng_cache",
        }
    )
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("deploy")
    result = manage(production_env(folder), "migrate", "--verbosity", "0")
    assert result.returncode == 0, result.stderr
    return folder / "zuofeng.sqlite3"


@pytest.fixture
def migrated(migrated_template: Path, tmp_path: Path) -> Path:
    """A folder holding a freshly migrated production database of its own."""
    # The database runs in WAL mode: copy the log too, should one have been left behind.
    for suffix in ("", "-wal", "-shm"):
        source = migrated_template.with_name(migrated_template.name + suffix)
        if source.exists():
            shutil.copyfile(source, tmp_path / source.name)
    return tmp_path


def test_production_settings_pass_the_deployment_checklist(migrated: Path) -> None:
    env = production_env(migrated)
    entered = manage(env, "shell", "-c", ENTER_HOLIDAYS)
    assert entered.returncode == 0, entered.stderr

    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_checklist_warns_while_holiday_data_is_missing(migrated: Path) -> None:
    today = local_date(timezone.now())
    horizon = today + dt.timedelta(days=365)
    if all(year in LIBRARY_YEARS for year in range(today.year, horizon.year + 1)):
        pytest.skip("the calendar library already covers the coming year")

    result = manage(production_env(migrated), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "workdays.W001" in result.stdout + result.stderr


def test_production_refuses_to_start_when_identities_use_the_demo_key(migrated: Path) -> None:
    env = production_env(migrated, ZUOFENG_IDENTITY_KEYS="")

    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "ZUOFENG_IDENTITY_KEYS" in result.stderr and "ImproperlyConfigured" in result.stderr


def test_the_checklist_fails_a_deployment_without_https(migrated: Path) -> None:
    env = production_env(migrated, HTTPS="false", SECURE_HSTS_SECONDS="0")
    manage(env, "shell", "-c", ENTER_HOLIDAYS)

    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")

    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "security.W004" in output  # no HSTS
    assert "security.W008" in output  # no redirect to HTTPS
    assert "security.W012" in output  # session cookie sent over plain HTTP


def test_a_malformed_setting_stops_the_process_at_start_up(tmp_path: Path) -> None:
    result = manage(production_env(tmp_path, DEBUG="perhaps"), "check")

    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_collectstatic_collects_every_page_asset_for_production(tmp_path: Path) -> None:
    """The deploy step `collectstatic` (hashed, compressed names) succeeds, and the
    front-end libraries the pages name are among the files it wrote."""
    static_root = tmp_path / "static"
    env = production_env(tmp_path, STATIC_ROOT=str(static_root))

    result = manage(env, "collectstatic", "--noinput")

    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (static_root / "staticfiles.json").read_text(encoding="utf-8")
    for asset in (
        "vendor/bulma/bulma.min.css",
        "vendor/htmx/htmx.min.js",
        "vendor/echarts/echarts.min.js",
        "vendor/swagger-ui/swagger-ui-bundle.js",
    ):
        assert f'"{asset}"' in manifest
