from __future__ import annotations

from django.urls import path

from forums import views

app_name = "forums"

urlpatterns = [
    path("staff/forums/", views.forum_list, name="list"),
    path("staff/forums/new/", views.new, name="new"),
    path("staff/forums/<int:pk>/", views.detail, name="detail"),
    path("staff/forums/<int:pk>/problems/", views.raise_problem, name="raise_problem"),
    path("staff/forums/<int:pk>/print/", views.printable, name="print"),
]
