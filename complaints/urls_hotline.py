"""The office's 12345 hotline import pages (namespace "complaints", set in complaints/urls.py)."""

from __future__ import annotations

from django.urls import path

from complaints.views import hotline

urlpatterns = [
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
