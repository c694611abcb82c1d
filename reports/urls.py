from __future__ import annotations

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("staff/reports/", views.index, name="index"),
    path("staff/reports/<int:pk>/", views.detail, name="detail"),
    path("staff/reports/<int:pk>/edit/", views.edit, name="edit"),
    path("staff/reports/<int:pk>/check/", views.check, name="check"),
    path("staff/reports/<int:pk>/report.docx", views.download_docx, name="docx"),
    path("staff/reports/<int:pk>/report.pdf", views.download_pdf, name="pdf"),
    path("staff/reports/<int:pk>/facts/<str:key>/", views.fact_records, name="fact"),
]
