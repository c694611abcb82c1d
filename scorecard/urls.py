"""Scorecard pages (namespace "scorecard"): the public rankings, the office's months,
review, overview, export and interviews, and each unit's own page with its drill-down."""

from __future__ import annotations

from django.urls import path

from scorecard.views import commitments, interviews, office, overview, public, unit

app_name = "scorecard"

urlpatterns = [
    path("rankings/", public.rankings, name="rankings"),
    path("staff/scorecard/", office.months, name="months"),
    path("staff/scorecard/compute/", office.compute, name="compute"),
    path("staff/scorecard/overview/", overview.overview, name="overview"),
    path("staff/scorecard/<int:pk>/", office.review, name="review"),
    path("staff/scorecard/<int:pk>/publish/", office.publish, name="publish"),
    path("staff/scorecard/<int:pk>/correct/", office.correct, name="correct"),
    path("staff/scorecard/<int:pk>/print/", office.printable, name="print"),
    path("staff/scorecard/<int:pk>/export.xlsx", office.export_xlsx, name="export"),
    path("staff/scorecard/unit/", unit.unit_page, name="my_unit"),
    path("staff/scorecard/unit/<int:unit_id>/", unit.unit_page, name="unit"),
    path("staff/scorecard/score/<int:pk>/", unit.drill_down, name="drill_down"),
    path("staff/scorecard/interviews/", interviews.interviews, name="interviews"),
    path("staff/scorecard/interviews/<int:pk>/", interviews.record, name="interview"),
    path("staff/scorecard/commitments/<int:pk>/", commitments.commitment, name="commitment"),
]
