"""Intake pages (namespace "complaints", set in complaints/urls.py): the public form and an
applicant's own complaints, the office's entry of letters and visits, and the 12345 hotline
import. Open311 has its own prefix (complaints/intake/open311/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from complaints.intake.views import hotline, public, staff_entry

urlpatterns: list[URLPattern] = [
    path("complaints/new/", public.new_complaint, name="file"),
    path("complaints/new/receipt/", public.receipt, name="receipt"),
    path("complaints/follow/", public.follow, name="follow"),
    path("my/complaints/", public.my_complaints, name="my_complaints"),
    path("my/complaints/<str:number>/", public.my_complaint, name="my_complaint"),
    path("staff/complaints/new/", staff_entry.file_entry, name="staff_file"),
    path("staff/complaints/hotline/", hotline.upload, name="hotline_upload"),
    path("staff/complaints/hotline/sources/", hotline.sources, name="hotline_sources"),
    path("staff/complaints/hotline/sources/new/", hotline.source_edit, name="hotline_source_new"),
    path(
        "staff/complaints/hotline/sources/<int:pk>/",
        hotline.source_edit,
        name="hotline_source_edit",
    ),
    path(
        "staff/complaints/hotline/imports/<int:pk>/", hotline.import_detail, name="hotline_import"
    ),
    path(
        "staff/complaints/hotline/imports/<int:pk>/progress/",
        hotline.import_progress,
        name="hotline_progress",
    ),
]
