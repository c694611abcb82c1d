"""The bulk-loaded complaints as plain rows in memory, and how a batch of them is written.

`Planner` (demo.complaints_history) fills these: the complaint with every field its
actions would set (`SimComplaint`, which the duty clock accepts as it accepts a
Complaint), its timeline, escalations and sealed identity (`Planned`), and the
near-duplicate groups formed in time order (`Clusters`). `write_planned` hands a batch to
demo.bulk. Apart from the planner so that each stays readable on its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from complaints.intake.similarity import ClusterIndex
from complaints.models import ComplainantIdentity, Complaint, ComplaintEvent
from demo.bulk import DutyRow, Row, write_batch
from zuofeng.duty.models import Escalation


class SimComplaint(DutyRow):
    """A complaint in memory (see DutyRow)."""

    model = Complaint


@dataclass
class Planned:
    """One complaint and what hangs off it, before it is written."""

    complaint: SimComplaint
    events: list[Row] = field(default_factory=list)
    escalations: dict[int, dt.datetime] = field(default_factory=dict)
    identity: Row | None = None

    def event(
        self, kind: str, at: dt.datetime, actor: int | None, *, note: str = "", public: str = ""
    ) -> None:
        self.events.append(
            Row(
                complaint_id=self.complaint.id,
                kind=kind,
                at=at,
                actor_id=actor,
                note=note,
                public_note=public[:500],
            )
        )

    def escalate(self, level: int, when: dt.datetime) -> None:
        # One escalation per level per duty (the sweep's unique constraint), even when the
        # clock restarts for the answer or a reopen.
        self.escalations.setdefault(level, when)


class Clusters:
    """Near-duplicate groups, formed in time order as _join_cluster forms them."""

    def __init__(self, first_pk: int) -> None:
        self.index = ClusterIndex()
        self.next_pk = first_pk
        self.rows: list[Row] = []
        self.members: dict[int, int] = {}  # complaint pk → cluster pk

    def join(self, pk: int, unit_id: int | None, at: dt.datetime, signature: bytes) -> int | None:
        match = self.index.match(unit_id, at, signature)
        cluster_id = None
        if match is not None:
            if match.cluster_id is None:
                row = Row(
                    id=self.next_pk,
                    unit_id=unit_id,
                    first_id=match.complaint_id,
                    size=1,
                    last_at=match.received_at,
                )
                self.next_pk += 1
                self.rows.append(row)
                self.members[match.complaint_id] = row.id
                match.cluster_id = row.id
            cluster_id = match.cluster_id
            self.members[pk] = cluster_id
            row = self.rows[cluster_id - self.rows[0].id]
            row.size += 1
            row.last_at = at
        self.index.add(unit_id, pk, cluster_id, at, signature)
        return cluster_id

    def finish(self, planned: list[Planned], first_pk: int) -> None:
        """Give the first member of each group (which joined before there was a group) its
        cluster."""
        for pk, cluster_id in self.members.items():
            planned[pk - first_pk].complaint.cluster_id = cluster_id


def write_planned(batch: list[Planned]) -> dict[str, int]:
    """Write one batch with its `demo.load_complaints` audit event; returns the row counts."""
    complaints = [one.complaint for one in batch]
    events = [event for one in batch for event in one.events]
    identities = [one.identity for one in batch if one.identity is not None]
    escalations = [
        Row(
            duty_type=Complaint._meta.label_lower,
            duty_id=str(one.complaint.id),
            duty_label=one.complaint.number,
            unit_id=one.complaint.handling_unit_id,
            level=level,
            created_at=when,
            due_at=one.complaint.due_at,
        )
        for one in batch
        for level, when in one.escalations.items()
    ]
    first, last = complaints[0], complaints[-1]
    return write_batch(
        {
            "complaints": (Complaint, complaints),
            "complaint_events": (ComplaintEvent, events),
            "complainant_identities": (ComplainantIdentity, identities),
            "complaint_escalations": (Escalation, escalations),
        },
        action="demo.load_complaints",
        object_type=Complaint._meta.label_lower,
        object_id=f"{first.id}-{last.id}",
        object_label=f"演示历史举报 {first.number} 至 {last.number}",
        reason="演示数据：按举报办理规则批量载入历史举报（每批一条审计记录）",
    )
