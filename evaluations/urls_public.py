"""Rating pages of every channel and the published monthly results (the app_name
"evaluations" is set in evaluations/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from evaluations.views import public

urlpatterns: list[URLPattern] = [
    path("my/cases/<str:number>/rate/", public.rate_own, name="rate_own"),
    path("rate/<str:token>/", public.sms_rate, name="sms_rate"),
    path("hall/rate/<int:case_pk>/", public.hall_device, name="hall_device"),
    path("staff/rate-by-phone/<int:case_pk>/", public.phone_rate, name="phone_rate"),
    path("ratings/", public.results, name="results"),
    path("ratings/<int:year>/<int:month>/", public.results, name="results_month"),
]
