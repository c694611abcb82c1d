from __future__ import annotations

from django.urls import path

from visits import views

app_name = "visits"

urlpatterns = [
    path("staff/visits/new/", views.log_visit, name="new"),
    path("staff/visits/logged/", views.logged, name="logged"),
    path("staff/visits/mine/", views.my_visits, name="mine"),
    path("staff/visits/unit/", views.unit_visits, name="unit"),
    path("staff/visits/all/", views.office_list, name="all"),
    path("staff/visits/flags/", views.flags, name="flags"),
    path("staff/visits/flags/<int:pk>/", views.flag_review, name="flag_review"),
    path("staff/visits/sites/", views.sites, name="sites"),
    path("staff/visits/plan/", views.my_plan, name="my_plan"),
    path("staff/visits/plans/", views.plans, name="plans"),
    path("staff/visits/photos/<str:token>/", views.photo, name="photo"),
    path("staff/visits/<int:pk>/", views.detail, name="detail"),
    path("staff/visits/<int:pk>/revise/", views.revise, name="revise"),
]
