"""A closed task reopens itself when new complaints about the same problem arrive.

A task records the problem it fixes (`problem_text`), signed with the complaints'
near-duplicate index (`complaints.intake.similarity`: MinHash over character bigrams). The
sweep step compares the complaints received since each task was closed (within
`REOPEN_WINDOW_DAYS`) with the task's signature; when `REOPEN_MIN_COMPLAINTS` of them reach the
index's threshold, the task reopens (`reopen_task`) and the office is notified. Idempotent: a
reopened task is no longer closed, and only complaints after the latest closing count.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from complaints.intake.similarity import _MIN_SAME, HASHES
from complaints.models import Complaint
from supervision.conf import conf
from supervision.models import Task

CHUNK = 2000


def matching_complaints(signature: bytes, since: dt.datetime, until: dt.datetime) -> list[str]:
    """Numbers of the complaints received in [since, until] about the same problem."""
    if not signature or len(signature) != HASHES * 4:
        return []
    values = np.frombuffer(signature, dtype=np.uint32)
    found: list[str] = []
    rows = Complaint.objects.filter(received_at__gte=since, received_at__lte=until).values_list(
        "number", "signature"
    )
    batch_numbers: list[str] = []
    batch: list[bytes] = []

    def flush() -> None:
        if not batch:
            return
        matrix = np.frombuffer(b"".join(batch), dtype=np.uint32).reshape(len(batch), HASHES)
        same = (matrix == values).sum(axis=1)
        found.extend(n for n, s in zip(batch_numbers, same.tolist(), strict=True) if s >= _MIN_SAME)
        batch_numbers.clear()
        batch.clear()

    for number, sig in rows.iterator(chunk_size=CHUNK):
        sig = bytes(sig)
        if len(sig) != HASHES * 4:
            continue
        batch_numbers.append(number)
        batch.append(sig)
        if len(batch) >= CHUNK:
            flush()
    flush()
    return found


def sweep_reopen(now: dt.datetime) -> dict[str, int]:
    from supervision.actions import reopen_task

    window = dt.timedelta(days=int(conf("REOPEN_WINDOW_DAYS")))
    needed = int(conf("REOPEN_MIN_COMPLAINTS"))
    reopened = 0
    tasks = Task.objects.filter(status=Task.Status.CLOSED, closed_at__gte=now - window).exclude(
        problem_text=""
    )
    for task in tasks:
        numbers = matching_complaints(bytes(task.problem_signature), task.closed_at, now)
        if len(numbers) >= needed:
            reopen_task(
                task,
                actor=None,
                reason=f"销号后 {len(numbers)} 件新的同类投诉：{'、'.join(numbers[:10])}",
                complaint_numbers=numbers,
                now=now,
            )
            reopened += 1
    return {"reopened": reopened}
