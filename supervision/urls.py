from __future__ import annotations

from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("staff/supervision/", views.directive_list, name="directives"),
    path("staff/supervision/new/", views.directive_create, name="directive_create"),
    path("staff/supervision/<int:pk>/", views.directive_detail, name="directive"),
    path("staff/supervision/<int:pk>/edit/", views.directive_edit, name="directive_edit"),
    path("staff/supervision/import/", views.directive_import, name="directive_import_new"),
    path("staff/supervision/<int:pk>/import/", views.directive_import, name="directive_import"),
    path("staff/supervision/<int:pk>/export.xlsx", views.directive_export, name="directive_export"),
    path("staff/supervision/<int:pk>/issue/", views.directive_issue, name="directive_issue"),
    path("staff/supervision/<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("staff/supervision/<int:pk>/weights/", views.weights_edit, name="weights"),
    path("staff/supervision/mine/", views.my_tasks, name="my_tasks"),
    path("staff/supervision/review/", views.review, name="review"),
    path("staff/supervision/burden/", views.burden_page, name="burden"),
    path("staff/supervision/tasks/<int:pk>/", views.task_detail, name="task"),
    path("staff/supervision/tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("staff/supervision/tasks/<int:pk>/report/", views.report_create, name="report_create"),
    path("staff/supervision/tasks/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path(
        "staff/supervision/tasks/<int:pk>/close-request/", views.close_request, name="close_request"
    ),
    path("staff/supervision/tasks/<int:pk>/close/", views.close_task, name="close"),
    path("staff/supervision/tasks/<int:pk>/refuse-close/", views.refuse_close, name="refuse_close"),
    path("staff/supervision/reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("staff/supervision/reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("staff/supervision/flags/<int:pk>/", views.flag_review, name="flag_review"),
    path("staff/supervision/documents/<str:token>/", views.directive_file, name="directive_file"),
    path("staff/supervision/files/<str:token>/", views.report_file, name="report_file"),
    path("supervision/", views.public_list, name="public_list"),
    path("supervision/<int:pk>/", views.public_detail, name="public"),
]
