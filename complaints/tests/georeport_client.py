"""A third-party GeoReport v2 client (`georeport` from PyPI) pointed at our Open311 endpoints,
its HTTP calls answered by Django's test client instead of the network.

`georeport` 0.3.1 reads services, a service definition, the request list and one request, in
JSON and in XML (parsed with `xmltodict`). It has no call for POST requests nor for tokens:
`file_request` and `request_id_for_token` below send those two with the same `requests`
transport and parse the answer the way the library parses its own (JSON as is, XML with
`xmltodict` under the spec's root and item elements), so every answer a test reads went
through a parser we did not write.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
import xmltodict
from django.test import Client
from georeport import GeoReport
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

ROOT = "http://testserver/open311/v2"


class DjangoTransport(BaseAdapter):
    """A `requests` transport adapter that hands each request to `django.test.Client`."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        url = urlsplit(request.url or "")
        path = url.path + (f"?{url.query}" if url.query else "")
        body = request.body or b""
        answer = Client().generic(
            request.method or "GET",
            path,
            data=body.encode() if isinstance(body, str) else body,
            content_type=request.headers.get("Content-Type", ""),
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response.reason = answer.reason_phrase
        response.headers = CaseInsensitiveDict(answer.items())
        response.encoding = get_encoding_from_headers(response.headers)
        response._content = answer.content
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        pass


class RoutedSession(requests.sessions.Session):
    """`requests.get` and `requests.post`, which `georeport` calls, open a new
    `requests.sessions.Session` per call: a test puts this class in its place for our root
    address to reach Django."""

    def __init__(self) -> None:
        super().__init__()
        self.mount(ROOT, DjangoTransport())


def as_list(value: Any) -> list[Any]:
    """`xmltodict` gives one repeated child as a dict and several as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _parsed(client: GeoReport, response: requests.Response) -> dict[str, Any]:
    response.raise_for_status()
    if client.output_format == "json":
        [row] = response.json()
        return row
    [row] = as_list(xmltodict.parse(response.content)["service_requests"]["request"])
    return row


def file_request(client: GeoReport, service_code: str, **fields: str) -> dict[str, Any]:
    """POST requests (not in `georeport`): the one request the server answers with."""
    response = requests.post(
        f"{client.root_address}/requests.{client.output_format}",
        data={"api_key": client.api_key, "service_code": service_code, **fields},
    )
    return _parsed(client, response)


def request_id_for_token(client: GeoReport, token: str) -> dict[str, Any]:
    """GET tokens/{token} (not in `georeport`)."""
    response = requests.get(f"{client.root_address}/tokens/{token}.{client.output_format}")
    return _parsed(client, response)


def as_xml_text(value: Any) -> Any:
    """A JSON value as the spec's XML carries it (the JSON is the XML's "Spark" mapping):
    null is an empty element, booleans are true/false, numbers are their decimal text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value
