from __future__ import annotations

from django.urls import path

from problems import views

app_name = "problems"

urlpatterns = [
    path("staff/problems/", views.problem_list, name="list"),
    path("staff/problems/receipt/", views.receipt, name="receipt"),
    path("staff/problems/<int:pk>/", views.detail, name="detail"),
    path("staff/problems/<int:pk>/<str:step>/", views.act, name="act"),
    path("problems/follow/", views.follow, name="follow"),
]
