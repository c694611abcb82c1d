"""Staff pages of cases (the app_name "cases" is set in cases/urls.py)."""

from __future__ import annotations

from django.urls import path

from cases.views import documents, staff

urlpatterns = [
    path("staff/cases/", staff.queue, name="staff_queue"),
    path("staff/cases/escalated/", staff.escalated, name="staff_escalated"),
    path("staff/cases/measures/", staff.unit_measures, name="unit_measures"),
    path("staff/cases/<int:pk>/", staff.detail, name="staff_detail"),
    path("staff/cases/<int:pk>/receipt/", documents.receipt, name="receipt"),
    path(
        "staff/cases/<int:pk>/notices/<int:notice_pk>/print/",
        documents.supplement_notice,
        name="print_supplement_notice",
    ),
    path("staff/cases/<int:pk>/refusal/print/", documents.refusal_decision, name="print_refusal"),
    path("staff/cases/<int:pk>/<str:action>/", staff.act, name="staff_act"),
    path("staff/counter/", staff.counter, name="counter"),
]
