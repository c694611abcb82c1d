"""`{% load followup_tags %}{% followup_panel duty %}`: a duty's follow-ups on its page."""

from __future__ import annotations

from typing import Any

from django import template

from followup.panel import panel_context

register = template.Library()


@register.inclusion_tag("followup/_panel.html", takes_context=True)
def followup_panel(context: template.Context, duty: Any) -> dict[str, Any]:
    request = context.get("request")
    if request is None or duty is None:
        return {"shown": False}
    return panel_context(request.user, duty)
