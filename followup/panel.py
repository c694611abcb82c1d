"""The follow-up panel any duty's staff page can show (`{% followup_panel duty %}` from
`followup_tags`, or `panel_context(user, duty)` for a view that builds its own context)."""

from __future__ import annotations

from typing import Any

from followup.duties import kind_for
from followup.models import FollowUp
from followup.reads import followups_of_duty
from zuofeng.access import may


def panel_context(user: Any, duty: Any) -> dict[str, Any]:
    """What the panel shows for one duty instance: the follow-ups this user may see (one
    query), and for the office the three buttons (催办 and 督办 only while the duty's clock
    runs; a second 督办 only once the live one is closed)."""
    object_type = duty._meta.label_lower
    if kind_for(object_type) is None:
        return {"shown": False}
    followups = list(followups_of_duty(user, object_type, duty.pk).order_by("-created_at", "-pk"))
    live = next((f for f in followups if f.is_notice and f.status in FollowUp.ACTIVE_NOTICE), None)
    is_open = duty.clock_started_at is not None and duty.clock_stopped_at is None
    return {
        "shown": True,
        "followups": followups,
        "office": may(user, "office"),
        "object_type": object_type,
        "object_id": duty.pk,
        "duty_open": is_open,
        "live_notice": live,
    }
