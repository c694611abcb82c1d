"""Chart images: one definition for ECharts and matplotlib, drawn with a CJK face (the
system's Noto Sans CJK, or the bundled fallback) so that no glyph is missing."""

from __future__ import annotations

import io
import warnings
from types import SimpleNamespace

from fontTools.ttLib import TTFont
from PIL import Image

from reports import charts
from reports.evidence import CHANNELS

SPEC = {
    "title": "监督举报按渠道分布",
    "type": "bar",
    "categories": [name for _, name in CHANNELS.values()] + ["住建局", "卫健局", "自然资源局"],
    "facts": [f"f{i}" for i in range(10)],
    "unit": "件",
}
FACTS = {f"f{i}": SimpleNamespace(value=i * 7 + 3) for i in range(10)}


def draw() -> tuple[bytes, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        image = charts.png(SPEC, FACTS)
    return image, [str(w.message) for w in caught]


def characters() -> set[str]:
    return set("".join(SPEC["categories"]) + SPEC["title"] + SPEC["unit"])


def test_the_chart_font_is_a_cjk_face_with_every_character() -> None:
    charts.cjk_font.cache_clear()
    path = charts.cjk_font().get_file()
    assert "CJK" in path or path.endswith("ZuofengFallbackSC.otf")
    font = TTFont(path, fontNumber=0) if path.endswith(".ttc") else TTFont(path)
    cmap = font.getBestCmap()
    assert all(ord(c) in cmap for c in characters())


def test_the_chart_draws_without_missing_glyph_warnings() -> None:
    charts.cjk_font.cache_clear()
    image, messages = draw()
    assert not [m for m in messages if "missing from" in m or "Glyph" in m]
    assert Image.open(io.BytesIO(image)).size == (945, 510)


def test_the_bundled_fallback_alone_draws_every_character(monkeypatch: object) -> None:
    monkeypatch.setattr(charts, "SYSTEM_FAMILIES", ("No Such Font Family",))  # type: ignore[attr-defined]
    charts.cjk_font.cache_clear()
    try:
        assert charts.cjk_font().get_file().endswith("ZuofengFallbackSC.otf")
        _, messages = draw()
        assert not [m for m in messages if "missing from" in m or "Glyph" in m]
        cmap = TTFont(str(charts.FALLBACK)).getBestCmap()
        assert all(ord(c) in cmap for c in characters())
    finally:
        charts.cjk_font.cache_clear()


def test_the_same_definition_gives_the_same_png_and_the_web_chart_the_same_values() -> None:
    assert draw()[0] == draw()[0]
    option = charts.echarts_option(SPEC, FACTS)
    assert option["xAxis"]["data"] == SPEC["categories"]
    assert option["series"][0]["data"] == charts.values(SPEC, FACTS)
