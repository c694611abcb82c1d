"""Demo complaints (监督举报): a year of history for 示范区, a few dozen live complaints, and
a 12345 hotline export to import.

This module is the build step; the parts live in
- demo.complaints_text: the district as complainants see it, their texts and identities,
  one complaint's draft (shared by all three below);
- demo.complaints_history: the bulk-loaded year, planned in memory (demo.complaints_rows
  holds its rows and writes them through demo.bulk);
- demo.complaints_live: the few live complaints, through complaints.actions;
- demo.hotline_sample: the 12345 export sample and its HotlineSource mapping.
"""

from __future__ import annotations

import datetime as dt

from demo.complaints_history import MIN_COMPLAINTS, complaint_count, load_history
from demo.complaints_live import LIVE_COMPLAINTS, build_live
from demo.complaints_text import District
from demo.hotline_sample import (
    HOTLINE_COLUMNS,
    HOTLINE_SAMPLE,
    HOTLINE_SAMPLE_ROWS,
    HOTLINE_SOURCE,
    create_hotline_source,
    hotline_csv,
    hotline_rows,
    write_hotline_sample,
)

__all__ = [
    "HOTLINE_COLUMNS",
    "HOTLINE_SAMPLE",
    "HOTLINE_SAMPLE_ROWS",
    "HOTLINE_SOURCE",
    "LIVE_COMPLAINTS",
    "MIN_COMPLAINTS",
    "build_complaints",
    "complaint_count",
    "hotline_csv",
    "hotline_rows",
    "write_hotline_sample",
]


def build_complaints(seed: int, anchor: dt.date, *, now: dt.datetime, count: int) -> dict[str, int]:
    """Bulk-load `count` historical complaints before `anchor`, add the live ones through the
    actions and the hotline source. Call inside the build's transaction, before the sweep."""
    if count <= 0:
        return {"complaints": 0}
    district = District.from_db()
    totals = load_history(seed, anchor, count, district)
    live = build_live(seed, district, now)
    create_hotline_source()
    return {
        "complaints": totals.get("complaints", 0) + live,
        "history_complaints": totals.get("complaints", 0),
        "live_complaints": live,
        **{key: value for key, value in totals.items() if key != "complaints"},
    }
