"""Deploy check: warn the operator when deadlines fall in a year whose holidays are predicted.

A deploy check (not run before every management command) so that the demo is not noisy;
the same warning shows on the office's 工作台 every day until an admin enters the year's
notice (its swapped working days).
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
            f"{year} 年的放假安排是系统预测的：已按《全国年节及纪念日放假办法》计入法定节假日，"
            "调休上班日尚待国务院办公厅的放假通知。",
            hint="通知发布后，在后台“节假日调整”中录入该年的调休上班日（及通知另行安排的放假日）。",
            id="workdays.W001",
        )
        for year in years
    ]
