"""Template filters of the scorecard pages: an indicator's target as a rate or a count."""

from __future__ import annotations

from django import template

from scorecard.models import Indicator
from scorecard.tables import display_value

register = template.Library()


@register.filter
def target_value(indicator: Indicator) -> str:
    return display_value(indicator, indicator.target)
