from __future__ import annotations

from django.urls import path

from ops import views

app_name = "ops"

urlpatterns = [
    path("staff/ops/", views.directive_list, name="directives"),
    path("staff/ops/new/", views.directive_create, name="directive_create"),
    path("staff/ops/<int:pk>/", views.directive_detail, name="directive"),
    path("staff/ops/<int:pk>/edit/", views.directive_edit, name="directive_edit"),
    path("staff/ops/import/", views.directive_import, name="directive_import_new"),
    path("staff/ops/<int:pk>/import/", views.directive_import, name="directive_import"),
    path("staff/ops/<int:pk>/export.xlsx", views.directive_export, name="directive_export"),
    path("staff/ops/<int:pk>/issue/", views.directive_issue, name="directive_issue"),
    path("staff/ops/<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("staff/ops/<int:pk>/weights/", views.weights_edit, name="weights"),
    path("staff/ops/mine/", views.my_tasks, name="my_tasks"),
    path("staff/ops/review/", views.review, name="review"),
    path("staff/ops/tasks/<int:pk>/", views.task_detail, name="task"),
    path("staff/ops/tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("staff/ops/tasks/<int:pk>/report/", views.report_create, name="report_create"),
    path("staff/ops/tasks/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path(
        "staff/ops/tasks/<int:pk>/close-request/", views.close_request, name="close_request"
    ),
    path("staff/ops/tasks/<int:pk>/close/", views.close_task, name="close"),
    path("staff/ops/tasks/<int:pk>/refuse-close/", views.refuse_close, name="refuse_close"),
    path("staff/ops/reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("staff/ops/reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("staff/ops/flags/<int:pk>/", views.flag_review, name="flag_review"),
    path("staff/ops/documents/<str:token>/", views.directive_file, name="directive_file"),
    path("staff/ops/files/<str:token>/", views.report_file, name="report_file"),
    path("ops/", views.public_list, name="public_list"),
    path("ops/<int:pk>/", views.public_detail, name="public"),
]
