"""Issue 11, smaller items: favicon, a fast password hasher, Chinese on the API docs and the
admin's task results, and no debug pages in the demo."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.test import Client, override_settings

from conftest import PASSWORD, District

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_favicon_is_served(client: Client) -> None:
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/portal/favicon.ico"
    icon = finders.find("portal/favicon.ico")
    assert icon and Path(icon).read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon"' in client.get("/").content.decode()


def test_production_settings_hash_with_scrypt_and_still_verify_pbkdf2() -> None:
    from zuofeng import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("ScryptPasswordHasher")
    assert any(h.endswith(".PBKDF2PasswordHasher") for h in production.PASSWORD_HASHERS)


def test_an_old_pbkdf2_password_is_upgraded_to_scrypt_at_login(district: District) -> None:
    from zuofeng import settings as production

    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        login_with_an_old_hash(district)


def login_with_an_old_hash(district: District) -> None:
    user = district.alice
    # An old hash (few iterations keep the test fast; the upgrade is by algorithm).
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "oldsalt1234", iterations=1000)
    user.save(update_fields=["password"])
    assert user.password.startswith("pbkdf2_sha256$")
    client = Client()
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).password.startswith("scrypt$")


@pytest.mark.django_db
def test_the_api_docs_page_has_a_chinese_title(client: Client) -> None:
    html = client.get("/api/docs/").content.decode()
    assert "<title>作风平台开放接口 · 接口文档</title>" in html
    schema = json.loads(client.get("/api/schema/?format=json").content)
    assert schema["info"]["title"] == "作风平台开放接口"
    tags = {tag for ops in schema["paths"].values() for op in ops.values() for tag in op["tags"]}
    assert tags == {"办件", "办事指南", "好差评", "监督举报"}


def test_the_admin_task_results_section_is_in_chinese(district: District) -> None:
    client = district.client_for(district.root)
    index = client.get("/admin/").content.decode()
    assert "后台任务" in index and "后台任务记录" in index
    assert "Tasks Database Backend" not in index and "Task Results" not in index
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult, get_date_max

    DBTaskResult.objects.create(
        task_path="sms.tasks.deliver_sms",
        args_kwargs={"args": [1], "kwargs": {}},
        backend_name="default",
        run_after=get_date_max(),
        enqueued_at=timezone.now(),
    )
    listing = client.get("/admin/django_tasks_database/dbtaskresult/").content.decode()
    assert "排队时间" in listing and "enqueued at" not in listing.lower()


@pytest.mark.django_db
def test_make_run_shows_the_styled_404_not_a_debug_page(client: Client) -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    run_env = re.search(r"^RUN_ENV :?= (.*)$", makefile, re.MULTILINE)
    # make run serves with DEBUG off (static collected for WhiteNoise) ...
    assert run_env is not None and "DEBUG=false" in run_env.group(1)
    assert "collectstatic" in makefile
    # ... so a missing page is the styled page, not the URLconf listing.
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and "Using the URLconf" not in html


def test_the_500_page_is_styled_without_a_request(settings: Any) -> None:
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "服务暂时不可用" in html and "bulma" in html


def test_make_run_s_links_in_texts_and_qr_codes_point_at_the_port_it_serves_on() -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    env = {key: value for key, value in os.environ.items() if key != "ZUOFENG_PUBLIC_URL"}
    planned = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=ROOT, env=env, capture_output=True, text=True
    ).stdout
    assert "ZUOFENG_PUBLIC_URL=${ZUOFENG_PUBLIC_URL:-http://127.0.0.1:8123}" in planned
    assert "runserver 127.0.0.1:8123" in planned
