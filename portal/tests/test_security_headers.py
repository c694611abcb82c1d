"""Every page carries a strict Content Security Policy and the usual protective headers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from catalog.tests.factories import make_matter
from conftest import District

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/matters/",
    "/matters/?q=营业执照",
    "/matters/MKT-0001/",
    "/accounts/login/",
    "/api/matters/",
    "/api/docs/",
    "/matters/NO-SUCH/",  # error pages too
]
STAFF_PAGES = [
    "/staff/",
    "/staff/matters/",
    "/staff/matters/import/",
    "edit",
]


@pytest.fixture
def site(district: District) -> District:
    make_matter(district.market, code="MKT-0001", name="个体工商户营业执照办理")
    return district


def policy_of(response: Any) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_strict(response: Any) -> None:
    policy = policy_of(response)
    header = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header
    assert "*" not in header.split()
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def staff_path(district: District, path: str) -> str:
    if path == "edit":
        return f"/staff/matters/{district.market.matters.get().pk}/edit/"
    return path


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_carry_a_strict_content_security_policy(site: District, path: str) -> None:
    assert_strict(Client().get(path))


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_carry_a_strict_content_security_policy(site: District, path: str) -> None:
    assert_strict(site.client_for(site.olivia).get(staff_path(site, path)))


@pytest.mark.parametrize("path", ["/", "/matters/", "/matters/MKT-0001/", "/api/matters/"])
def test_pages_forbid_framing_and_sniffing_and_keep_referrers_on_site(
    site: District, path: str
) -> None:
    response = Client().get(path)

    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/matters/",
        "/matters/MKT-0001/",
        "/accounts/login/",
        "/api/docs/",
    ],
)
def test_public_pages_use_no_inline_script_or_style_the_policy_would_block(
    site: District, path: str
) -> None:
    page = Client().get(path).content.decode()

    assert not INLINE_SCRIPT.search(page)
    assert not INLINE_HANDLER.search(page)
    assert not INLINE_STYLE.search(page)


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_use_no_inline_script_or_style_the_policy_would_block(
    site: District, path: str
) -> None:
    page = site.client_for(site.olivia).get(staff_path(site, path)).content.decode()

    assert not INLINE_SCRIPT.search(page)
    assert not INLINE_HANDLER.search(page)
    assert not INLINE_STYLE.search(page)


def test_the_api_docs_page_runs_no_inline_script(site: District) -> None:
    page = Client().get("/api/docs/").content.decode()

    assert not INLINE_SCRIPT.search(page)
    assert not INLINE_HANDLER.search(page)


def test_assets_are_served_from_our_own_server_not_a_cdn(site: District) -> None:
    page = Client().get("/matters/").content.decode()

    sources = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page)
    assert sources
    assert all(source.startswith("/static/") for source in sources)
