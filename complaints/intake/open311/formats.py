"""The two GeoReport v2 output formats. JSON is the spec's "Spark convention" mapping of the
XML: a list of objects where the XML has a root and repeated children; XML is written with
ElementTree (we write XML, we never parse any: POST bodies are form-encoded)."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

FORMATS = ("json", "xml")
DEFAULT_FORMAT = "xml"  # XML is the format the spec requires; errors about the format use it
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'

# A list under this key holds children with this tag (<attributes><attribute>...).
ITEM_TAGS = {"attributes": "attribute", "values": "value"}


def w3_datetime(value: dt.datetime | None) -> str | None:
    """ISO 8601 with the offset, in Beijing time (2026-11-02T10:00:00+08:00)."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _append(parent: ET.Element, tag: str, value: Any) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, Mapping):
        for key, child in value.items():
            _append(element, key, child)
    elif isinstance(value, list):
        for child in value:
            _append(element, ITEM_TAGS[tag], child)
    else:
        element.text = _text(value)


def to_xml(root: str, item: str | None, payload: Any) -> bytes:
    """`payload` is a list of mappings (each an <item> under <root>) or, with item None, one
    mapping whose keys are the root's children."""
    element = ET.Element(root)
    if item is None:
        for key, value in payload.items():
            _append(element, key, value)
    else:
        for entry in payload:
            _append(element, item, entry)
    return (XML_DECLARATION + ET.tostring(element, encoding="unicode")).encode()


def respond(
    fmt: str, root: str, item: str | None, payload: Any, *, status: int = 200
) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(payload, ensure_ascii=False).encode()
    else:
        body = to_xml(root, item, payload)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, descriptions: Iterable[str]) -> HttpResponse:
    """The spec's error document: <errors><error><code/><description/></error></errors>,
    or its JSON list; the HTTP status and each code agree."""
    if fmt not in FORMATS:
        fmt = DEFAULT_FORMAT
    payload = [{"code": status, "description": text} for text in descriptions]
    return respond(fmt, "errors", "error", payload, status=status)
