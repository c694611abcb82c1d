"""Deploy check: warn the operator when deadlines fall in a year with no holiday data.

A deploy check (not run before every management command) so that the demo is not noisy;
the same warning shows on the office's 工作台 every day until an admin enters the year.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import Warning, register
from django.db import DatabaseError
from django.utils import timezone

from zuofeng.workdays.calendar import local_date, uncovered_years


@register(deploy=True)
def holiday_data_check(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    try:
        years = uncovered_years(local_date(timezone.now()))
    except DatabaseError:  # before the first migration there is no override table
        return []
    return [
        Warning(
            f"{year} 年的法定节假日和调休安排尚未录入，期限暂按周末计算。",
            hint="在后台“节假日调整”中录入该年国务院办公厅的放假通知。",
            id="workdays.W001",
        )
        for year in years
    ]
