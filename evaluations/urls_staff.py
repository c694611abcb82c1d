"""Staff pages of 好差评 (the app_name "evaluations" is set in evaluations/urls.py)."""

from __future__ import annotations

from django.urls import path

from evaluations.views import appeals, staff

urlpatterns = [
    path("staff/rectifications/", staff.rectifications, name="rectifications"),
    path("staff/rectifications/<int:pk>/", staff.rectification, name="rectification"),
    path(
        "staff/rectifications/<int:pk>/<str:action>/",
        staff.rectification_act,
        name="rectification_act",
    ),
    path("staff/ratings/", appeals.unit_ratings, name="unit_ratings"),
    path("staff/ratings/<int:pk>/appeal/", appeals.appeal_file, name="appeal_file"),
    path("staff/appeals/", appeals.appeals, name="appeals"),
    path("staff/appeals/<int:pk>/decide/", appeals.appeal_decide, name="appeal_decide"),
]
