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


def _signature_matrix(signatures: list[bytes]) -> np.ndarray:
    return np.frombuffer(b"".join(signatures), dtype=np.uint32).reshape(len(signatures), HASHES)


def matching_complaints(
    tasks: list[tuple[int, bytes, dt.datetime]], until: dt.datetime
) -> dict[int, list[str]]:
    """For each (task id, problem signature, closed at): the numbers of the complaints received
    after its closing (up to `until`) about the same problem. One pass over the complaints since
    the earliest closing, compared with every task's signature at once."""
    tasks = [t for t in tasks if t[1] and len(t[1]) == HASHES * 4]
    found: dict[int, list[str]] = {task_id: [] for task_id, _, _ in tasks}
    if not tasks:
        return found
    problems = _signature_matrix([sig for _, sig, _ in tasks])
    closed = np.array([closed_at.timestamp() for _, _, closed_at in tasks])
    rows = Complaint.objects.filter(
        received_at__gt=min(t[2] for t in tasks), received_at__lte=until
    ).values_list("number", "signature", "received_at")
    # Complaints compared per batch: the comparison holds tasks × batch × HASHES booleans.
    limit = max(50, min(CHUNK, 4_000_000 // (len(tasks) * HASHES)))
    numbers: list[str] = []
    batch: list[bytes] = []
    times: list[float] = []

    def flush() -> None:
        if not batch:
            return
        # same[i, j]: equal MinHash values of task i's problem and complaint j.
        same = (problems[:, None, :] == _signature_matrix(batch)[None, :, :]).sum(axis=2)
        after = np.array(times)[None, :] > closed[:, None]
        for i, j in zip(*np.nonzero((same >= _MIN_SAME) & after), strict=True):
            found[tasks[int(i)][0]].append(numbers[int(j)])
        numbers.clear()
        batch.clear()
        times.clear()

    for number, signature, received_at in rows.iterator(chunk_size=CHUNK):
        signature = bytes(signature)
        if len(signature) != HASHES * 4:
            continue
        numbers.append(number)
        batch.append(signature)
        times.append(received_at.timestamp())
        if len(batch) >= limit:
            flush()
    flush()
    return found


def sweep_reopen(now: dt.datetime) -> dict[str, int]:
    from supervision.actions import reopen_task

    window = dt.timedelta(days=int(conf("REOPEN_WINDOW_DAYS")))
    needed = int(conf("REOPEN_MIN_COMPLAINTS"))
    tasks = {
        task.pk: task
        for task in Task.objects.filter(
            status=Task.Status.CLOSED, closed_at__gte=now - window
        ).exclude(problem_text="")
    }
    matches = matching_complaints(
        [(task.pk, bytes(task.problem_signature), task.closed_at) for task in tasks.values()], now
    )
    reopened = 0
    for task_id, numbers in matches.items():
        if len(numbers) >= needed:
            reopen_task(
                tasks[task_id],
                actor=None,
                reason=f"销号后 {len(numbers)} 件新的同类投诉：{'、'.join(numbers[:10])}",
                complaint_numbers=numbers,
                now=now,
            )
            reopened += 1
    return {"reopened": reopened}
