from __future__ import annotations

from django.urls import path

from portal import inbox, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("staff/", views.staff_home, name="staff_home"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/read-all/", inbox.read_all, name="inbox_read_all"),
    path("inbox/<int:pk>/", inbox.open_notification, name="inbox_open"),
    path("inbox/<int:pk>/read/", inbox.read_one, name="inbox_read"),
]
