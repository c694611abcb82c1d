"""Every state change of the supervision module (see the submodules)."""

from __future__ import annotations

from supervision.actions.closing import (
    close_task,
    dismiss_flag,
    refuse_close,
    reopen_task,
    request_close,
    uphold_flag,
)
from supervision.actions.reports import accept_report, return_report, submit_report
from supervision.actions.tree import (
    add_milestone,
    add_task,
    create_directive,
    issue_directive,
    set_weights,
    update_directive,
    update_task,
)

__all__ = [
    "accept_report",
    "add_milestone",
    "add_task",
    "close_task",
    "create_directive",
    "dismiss_flag",
    "issue_directive",
    "refuse_close",
    "reopen_task",
    "request_close",
    "return_report",
    "set_weights",
    "submit_report",
    "update_directive",
    "update_task",
    "uphold_flag",
]
