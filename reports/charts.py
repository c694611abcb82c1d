"""One chart definition for both outputs: the web preview's ECharts option and the Word
document's PNG (matplotlib, Agg).

A spec is {"title", "type": "bar", "categories": [...], "facts": [fact keys], "unit"}; its
values are the facts' stored values, so a chart is as frozen as the text. The PNG uses a CJK
face: Noto Sans CJK SC when `fonts-noto-cjk` is installed, else the bundled subset
(`reports/fonts/ZuofengFallbackSC.otf`), and its bytes depend only on the spec (no date in the
PNG's metadata), so a regenerated document is byte for byte the same.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.figure import Figure

FALLBACK = Path(__file__).parent / "fonts" / "ZuofengFallbackSC.otf"
SYSTEM_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC")


@cache
def cjk_font() -> font_manager.FontProperties:
    """A font with CJK glyphs: the system's Noto Sans CJK SC, or the bundled fallback."""
    for family in SYSTEM_FAMILIES:
        try:
            path = font_manager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False
            )
        except ValueError:
            continue
        return font_manager.FontProperties(fname=path)
    font_manager.fontManager.addfont(str(FALLBACK))
    return font_manager.FontProperties(fname=str(FALLBACK))


def values(spec: dict[str, Any], facts: dict[str, Any]) -> list[int]:
    return [int(facts[key].value or 0) for key in spec["facts"]]


def echarts_option(spec: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": {"text": spec["title"], "left": "center", "textStyle": {"fontSize": 14}},
        "grid": {"left": 48, "right": 16, "top": 40, "bottom": 90},
        "xAxis": {
            "type": "category",
            "data": spec["categories"],
            "axisLabel": {"interval": 0, "rotate": 30},
        },
        "yAxis": {"type": "value", "name": spec.get("unit", "")},
        "series": [
            {
                "type": "bar",
                "data": values(spec, facts),
                "label": {"show": True, "position": "top"},
                "itemStyle": {"color": "#b22222"},
            }
        ],
    }


def png(spec: dict[str, Any], facts: dict[str, Any]) -> bytes:
    """The chart as a PNG (150 dpi, 16 cm wide)."""
    font = cjk_font()
    figure = Figure(figsize=(6.3, 3.4), dpi=150)
    axes = figure.add_subplot()
    data = values(spec, facts)
    positions = list(range(len(data)))
    bars = axes.bar(positions, data, color="#b22222", width=0.6)
    axes.bar_label(bars, labels=[str(v) for v in data], fontproperties=font, fontsize=8)
    axes.set_xticks(
        positions, spec["categories"], fontproperties=font, fontsize=8, rotation=30, ha="right"
    )
    for label in axes.get_yticklabels():
        label.set_fontproperties(font)
    axes.set_ylabel(spec.get("unit", ""), fontproperties=font, fontsize=9)
    axes.set_title(spec["title"], fontproperties=font, fontsize=11)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()
