"""Background jobs of the complaints app (django-tasks; the database backend in production,
run by `manage.py db_worker`; immediate in tests). Tasks take ids, not objects."""

from __future__ import annotations

from django_tasks import task

from complaints.intake import hotline
from complaints.models import HotlineImport


@task()
def import_hotline_file(import_id: int) -> None:
    # Claimed with a conditional UPDATE: a task delivered twice, even to two workers at
    # once, runs the import once (a read-then-check would let both through).
    claimed = HotlineImport.objects.filter(
        pk=import_id, status=HotlineImport.Status.PENDING
    ).update(status=HotlineImport.Status.RUNNING)
    if not claimed:
        return
    job = HotlineImport.objects.select_related("source", "created_by").get(pk=import_id)
    hotline.run_import(job)
