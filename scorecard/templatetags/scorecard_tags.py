"""Template filters of the scorecard pages: an indicator value as a rate or a count."""

from __future__ import annotations

from decimal import Decimal

from django import template

from scorecard.models import Indicator, IndicatorScore
from scorecard.tables import display_value

register = template.Library()


@register.filter
def cell_value(cell: IndicatorScore | None) -> str:
    if cell is None:
        return ""
    return display_value(cell.indicator, cell.value)


@register.filter
def target_value(indicator: Indicator) -> str:
    return display_value(indicator, indicator.target)


@register.filter
def as_value(value: Decimal | None, indicator: Indicator) -> str:
    return display_value(indicator, value)
