from __future__ import annotations

from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("matters/", views.matter_list, name="list"),
    path("matters/<str:code>/", views.matter_detail, name="detail"),
    path(
        "matters/<str:code>/forms/<str:token>/",
        views.form_file_download,
        name="form_file",
    ),
    path("staff/matters/", views.staff_matter_list, name="staff_list"),
    path("staff/matters/import/", views.staff_matter_import, name="import"),
    path("staff/matters/export.xlsx", views.staff_matter_export, name="export"),
    path("staff/matters/<int:pk>/edit/", views.staff_matter_edit, name="edit"),
    path("staff/matters/<int:pk>/forms/", views.staff_form_file_add, name="form_file_add"),
    path(
        "staff/matters/<int:pk>/forms/<str:token>/delete/",
        views.staff_form_file_remove,
        name="form_file_remove",
    ),
]
