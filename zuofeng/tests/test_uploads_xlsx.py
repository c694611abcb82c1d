"""Untrusted workbooks (hotline exports, catalogue and supervision imports) are read by
openpyxl; with defusedxml installed it refuses XML that declares entities (billion laughs,
external entities) instead of expanding them (issue 13, item 8)."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook


def workbook_with_an_entity() -> bytes:
    book = Workbook()
    book.active["A1"] = "PLACEHOLDER"
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = (
                    b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e "EXPANDED-ENTITY">]>'
                    + data.replace(b"PLACEHOLDER", b"&e;")
                )
            dst.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize("read_only", [True, False])
def test_openpyxl_refuses_a_workbook_that_declares_xml_entities(read_only: bool) -> None:
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML, "defusedxml is not installed: openpyxl would expand XML entities"
    with pytest.raises(ValueError) as refused:
        book = load_workbook(io.BytesIO(workbook_with_an_entity()), read_only=read_only)
        [cell.value for row in book.active.iter_rows() for cell in row]
    assert type(refused.value.__cause__ or refused.value.__context__).__name__ == (
        "EntitiesForbidden"
    )
