"""What the detector reads (a report) and what it answers (a review item for a person)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ReportDoc:
    """One unit's report on one task for one period ('YYYY-MM'), as plain data."""

    key: int
    unit_id: int
    task_id: int
    directive_id: int
    period: str
    text: str
    evidence_count: int


@dataclass(frozen=True)
class Finding:
    """A reason for a person to look at a report; never a deduction by itself.

    kind: 'copy_own_earlier' | 'copy_other_unit' | 'copy_directive' | 'empty_claim'.
    score: for a copy, the share (0–1) of the report's non-boilerplate text found in the
    source; for an empty claim, the share of set phrases among set phrases and concrete facts.
    source_key: the key of the copied report (None for the directive and for empty claims).
    passages: (this report's passage, the source's passage), longest first.
    reason: in Chinese, why the report was flagged.
    """

    kind: str
    score: float
    source_key: int | None
    passages: list[tuple[str, str]] = field(default_factory=list)
    reason: str = ""


COPY_OWN_EARLIER = "copy_own_earlier"
COPY_OTHER_UNIT = "copy_other_unit"
COPY_DIRECTIVE = "copy_directive"
EMPTY_CLAIM = "empty_claim"
KINDS = (COPY_OWN_EARLIER, COPY_OTHER_UNIT, COPY_DIRECTIVE, EMPTY_CLAIM)
