from __future__ import annotations

from django.urls import path

from surveys import imports, public_views, views

app_name = "surveys"

urlpatterns = [
    path("staff/surveys/", views.survey_list, name="list"),
    path("staff/surveys/new/", views.survey_new, name="new"),
    path("staff/surveys/import/", imports.import_new, name="import_new"),
    path("staff/surveys/<int:pk>/", views.builder, name="builder"),
    path("staff/surveys/<int:pk>/question/", views.question_edit, name="question"),
    path("staff/surveys/<int:pk>/question/<str:step>/", views.question_step, name="question_step"),
    path("staff/surveys/<int:pk>/quota/<str:step>/", views.quota_step, name="quota_step"),
    path("staff/surveys/<int:pk>/status/<str:step>/", views.status_step, name="status_step"),
    path("staff/surveys/<int:pk>/preview/", views.preview, name="preview"),
    path("staff/surveys/<int:pk>/tokens/", views.tokens, name="tokens"),
    path("staff/surveys/<int:pk>/tokens/<int:batch>/", views.token_sheets, name="token_sheets"),
    path("staff/surveys/<int:pk>/link/", views.link_sheet, name="link_sheet"),
    path("staff/surveys/<int:pk>/results/", views.results, name="results"),
    path("staff/surveys/<int:pk>/results/texts/<str:question>/", views.text_answers, name="texts"),
    path(
        "staff/surveys/<int:pk>/results/texts/<str:question>/problem/",
        views.text_to_problem,
        name="text_problem",
    ),
    path("staff/surveys/<int:pk>/import/", imports.import_into, name="import_into"),
    path("staff/surveys/<int:pk>/export/answers/", imports.export_answers, name="export_answers"),
    path("staff/surveys/<int:pk>/export/xlsform/", imports.export_form, name="export_form"),
    path("surveys/code/", public_views.token_entry, name="token_entry"),
    path("surveys/code/<str:code>/", public_views.token_answer, name="token_answer"),
    path("surveys/<str:key>/", public_views.answer, name="answer"),
    path("surveys/<str:key>/thanks/", public_views.thanks, name="thanks"),
]
