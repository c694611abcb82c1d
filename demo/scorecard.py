"""The demo's scorecards: twelve computed months for the demo district, all published except
the last (a draft awaiting the office's review), so the planted patterns show in the
rankings (the slow unit HOU near the bottom of the departments, and so on).

The history was bulk-loaded without signals, so the rollups are rebuilt from raw rows first;
then each month is computed from the rollups and published in order, through the actions
(audited, and flagging interviews as a real office's publishing would).
"""

from __future__ import annotations

import datetime as dt

from scorecard import actions, rollups
from zuofeng.periods import last_months

MONTHS = 12


def build_scorecards(anchor: dt.date, *, now: dt.datetime) -> dict[str, int]:
    rollups.rebuild(now=now)
    months = sorted(last_months(anchor, MONTHS))
    published = 0
    for month in months:
        scorecard = actions.compute_month(actor=None, month=month, now=now, refresh=False)
        if month != months[-1]:
            actions.publish_scorecard(actor=None, scorecard=scorecard, now=now)
            published += 1
    return {"scorecards": len(months), "scorecards_published": published}
