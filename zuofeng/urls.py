from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from cases.api import CaseViewSet
from catalog.api import MatterViewSet
from complaints.api import ComplaintViewSet
from evaluations.api import RatingViewSet


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links (admin, API docs, files)."""
    return redirect(static("portal/favicon.ico"), permanent=True)


router = DefaultRouter()
router.register("matters", MatterViewSet, basename="matter")
router.register("cases", CaseViewSet, basename="case")
router.register("ratings", RatingViewSet, basename="rating")
router.register("complaints", ComplaintViewSet, basename="complaint")

urlpatterns = [
    path("", include("portal.urls")),
    path("favicon.ico", favicon),
    path("", include("catalog.urls")),
    path("", include("cases.urls")),
    path("", include("evaluations.urls")),
    path("", include("complaints.urls")),
    path("", include("scorecard.urls")),
    path("", include("supervision.urls")),
    path("", include("followup.urls")),
    path("", include("problems.urls")),
    path("", include("visits.urls")),
    path("", include("forums.urls")),
    path("", include("surveys.urls")),
    path("", include("reports.urls")),
    path("", include("federation.urls")),
    path("", include("ops.urls")),
    path("open311/v2/", include("complaints.intake.open311.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
