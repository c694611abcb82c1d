from __future__ import annotations

from django.urls import path

from federation import views

app_name = "federation"

urlpatterns = [
    path("staff/federation/", views.dashboard, name="dashboard"),
    path("staff/federation/districts/<slug:code>/", views.district, name="district"),
    path("staff/federation/directives/", views.directives, name="directives"),
    path("staff/federation/directives/<uuid:pk>/", views.directive, name="directive"),
]
