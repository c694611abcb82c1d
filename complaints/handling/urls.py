"""Handling pages: triage, the handling unit's work, the office's overview (namespace
"complaints", set in complaints/urls.py)."""

from __future__ import annotations

from django.urls import path

from complaints.handling.views import office, staff, triage, triage_bulk

urlpatterns = [
    path("staff/complaints/", staff.queue, name="staff_queue"),
    path("staff/complaints/export.xlsx", office.export, name="staff_export"),
    path("staff/complaints/rates/", office.rates, name="rates"),
    path("staff/complaints/hot-spots/", office.hot_spots, name="hot_spots"),
    path("staff/complaints/triage/", triage.triage_queue, name="triage_queue"),
    path("staff/complaints/triage/bulk/", triage_bulk.bulk_confirm, name="triage_bulk"),
    path("staff/complaints/triage/learning/", triage.triage_learning, name="triage_learning"),
    path("staff/complaints/triage/groups/<int:cluster>/", triage_bulk.group, name="triage_group"),
    path(
        "staff/complaints/triage/settings/",
        triage_bulk.threshold_setting,
        name="triage_settings",
    ),
    path("staff/complaints/<int:pk>/", staff.detail, name="staff_detail"),
    path("staff/complaints/<int:pk>/triage/", triage.triage, name="triage"),
    path("staff/complaints/<int:pk>/triage/preview/", triage.triage_preview, name="triage_preview"),
    path(
        "staff/complaints/<int:pk>/triage/confirm/",
        triage.confirm_suggestion,
        name="triage_confirm",
    ),
    path("staff/complaints/<int:pk>/reveal/", staff.reveal, name="reveal"),
    path("staff/complaints/<int:pk>/reveal/shown/", staff.reveal_shown, name="reveal_shown"),
    path(
        "staff/complaints/<int:pk>/attachments/<int:index>/",
        staff.attachment,
        name="staff_attachment",
    ),
    path("staff/complaints/<int:pk>/<str:step>/", staff.act, name="staff_act"),
]
