from __future__ import annotations

from django.urls import path

from followup import views

app_name = "followup"

urlpatterns = [
    path("staff/followup/overdue/", views.overdue, name="overdue"),
    path("staff/followup/new/", views.new, name="new"),
    path("staff/followup/", views.followup_list, name="list"),
    path("staff/followup/<int:pk>/", views.detail, name="detail"),
    path("staff/followup/<int:pk>/<str:step>/", views.act, name="act"),
]
