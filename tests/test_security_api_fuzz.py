"""Issue 13, defect 3: a bounded schemathesis run over the whole REST API, in process (WSGI,
no server), as a logged-in unit staff member. Every operation must answer without a server
error, and every documented answer must match its schema. A few examples per operation and a
deadline per example keep the file well under a minute."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from cases.tests.test_api import submit
from catalog.tests.factories import make_matter
from complaints.tests.test_staff_pages import routed
from conftest import District
from zuofeng.wsgi import application

# A CSRF secret sent both as the cookie and (unmasked, which Django accepts) as the header,
# so the write operations reach their views instead of stopping at the CSRF check.
CSRF = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"
EXAMPLES = 8

# The handler builds its middleware chain once: a test that changes MIDDLEWARE swaps it.
handler: list[Any] = [application]


def app(environ: dict[str, Any], start_response: Any) -> Any:
    """The project's WSGI application, with the client address every real server sets
    (schemathesis's in-process client leaves it out; the rate limits key on it)."""
    environ.setdefault("REMOTE_ADDR", "127.0.0.1")
    return handler[0](environ, start_response)


schema = schemathesis.openapi.from_wsgi("/api/schema/", app)


@pytest.fixture(autouse=True)
def with_input_middleware(settings: Any) -> Any:
    """The production middleware list, with the bad-input check until settings.py has it."""
    name = "zuofeng.middleware_input.RefuseBadInputMiddleware"
    if name not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE[:2], name, *settings.MIDDLEWARE[2:]]
    handler[0] = WSGIHandler()
    yield
    handler[0] = application


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Any:
    """As Django's test client does: a request must not close the test's database connection
    (its transaction holds the fixtures) when it starts or ends."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def session_of(district: District) -> dict[str, Any]:
    """What `case.call` needs to act as alice (unit staff of 市场监管局)."""
    client = Client()
    client.force_login(district.alice)
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF}
    return {"headers": {"X-CSRFToken": CSRF}, "cookies": cookies}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_every_operation_answers_without_a_server_error_and_as_documented(
    case: Any, session_of: dict[str, Any]
) -> None:
    response = case.call(**session_of)
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])


# Random ids rarely hit a record, so the reads are also checked on real ones: a complaint
# routed to the user's unit (in a cluster, and not), a case and a matter.
READS = [
    ("/api/complaints/{id}/", "complaint"),
    ("/api/cases/{id}/", "case"),
    ("/api/matters/{code}/", "matter"),
    ("/api/complaints/", None),
    ("/api/cases/", None),
    ("/api/matters/", None),
]


@pytest.mark.parametrize(("path", "record"), READS)
@pytest.mark.django_db
def test_real_records_read_as_documented(
    district: District, session_of: dict[str, Any], path: str, record: str | None
) -> None:
    matter = make_matter(district.market, code="MKT-9001", name="食品经营许可")
    records = {
        "complaint": {"id": routed(district).pk},
        "case": {"id": submit(district, matter).pk},
        "matter": {"code": matter.code},
    }
    case = schema[path]["GET"].Case(path_parameters=records[record] if record else {})
    response = case.call(**session_of)
    assert response.status_code == 200
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
