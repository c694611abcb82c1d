"""Issue 13, defects 6 and 8: outside DEBUG the settings refuse public demo keys and a
per-process cache unless the demo switch is on (then every page says 演示环境); HSTS preload
is the operator's setting."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
PRINT = "import zuofeng.settings as s; print(s.SECURE_HSTS_PRELOAD, s.CACHES['default']['BACKEND'])"


def load_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "ZUOFENG_", "SECURE_", "CACHE_"))
        and key not in {"DEBUG", "SECRET_KEY"}
    }
    clean["ZUOFENG_VAR_DIR"] = str(tmp_path)
    clean["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", PRINT], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def real_keys() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ZUOFENG_IDENTITY_KEYS": Fernet.generate_key().decode(),
        "ZUOFENG_AUDIT_KEY": secrets.token_hex(32),
        "CACHE_URL": "redis://127.0.0.1:6379/0",
    }


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "ZUOFENG_IDENTITY_KEYS", "ZUOFENG_AUDIT_KEY", "CACHE_URL"]
)
def test_production_refuses_to_start_without_a_key_or_a_shared_cache(
    tmp_path: Path, missing: str
) -> None:
    env = real_keys()
    del env[missing]
    result = load_settings(tmp_path, DEBUG="false", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and missing in result.stderr


def test_the_public_demo_key_counts_as_missing(tmp_path: Path) -> None:
    env = {**real_keys(), "SECRET_KEY": "zuofeng-demo-insecure-key-change-me-in-production"}
    assert load_settings(tmp_path, DEBUG="false", **env).returncode != 0


def test_production_starts_with_real_keys_and_a_shared_cache(tmp_path: Path) -> None:
    result = load_settings(tmp_path, DEBUG="false", **real_keys())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.core.cache.backends.redis.RedisCache"]
    database_cache = load_settings(tmp_path, **{**real_keys(), "CACHE_URL": "db://zf_cache"})
    assert "DatabaseCache" in database_cache.stdout


def test_the_demo_switch_allows_the_demo_keys(tmp_path: Path) -> None:
    result = load_settings(tmp_path, DEBUG="false", ZUOFENG_DEMO="1")
    assert result.returncode == 0, result.stderr
    assert "LocMemCache" in result.stdout


def test_hsts_preload_is_a_setting_not_forced(tmp_path: Path) -> None:
    hsts = {**real_keys(), "HTTPS": "true", "SECURE_HSTS_SECONDS": "31536000"}
    assert load_settings(tmp_path, **hsts).stdout.split()[0] == "False"
    preload = load_settings(tmp_path, SECURE_HSTS_PRELOAD="true", **hsts)
    assert preload.stdout.split()[0] == "True"


def test_every_page_of_the_demo_says_it_is_a_demo(settings: Any, db: Any) -> None:
    settings.ZUOFENG_DEMO = True
    assert "演示环境" in Client().get("/").content.decode()
    settings.ZUOFENG_DEMO = False
    assert "演示环境" not in Client().get("/").content.decode()
