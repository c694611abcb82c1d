"""Background jobs of the complaints app (django-tasks; the database backend in production,
run by `manage.py db_worker`; immediate in tests). Tasks take ids, not objects."""

from __future__ import annotations

from django_tasks import task

from complaints import hotline
from complaints.models import HotlineImport


@task()
def import_hotline_file(import_id: int) -> None:
    job = HotlineImport.objects.select_related("source", "created_by").get(pk=import_id)
    if job.status != HotlineImport.Status.PENDING:
        return  # already run (a task may be delivered twice)
    hotline.run_import(job)
