"""Pages of the public and of applicants (namespace "cases", set in cases/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from cases.views import applicant, public

urlpatterns: list[URLPattern] = [
    path("cases/lookup/", public.lookup, name="lookup"),
    path("api/lookup/", public.LookupAPIView.as_view(), name="api_lookup"),
    path("accounts/register/", applicant.register, name="register"),
    path("apply/<str:code>/", applicant.apply, name="apply"),
    path("my/cases/", applicant.my_cases, name="my_cases"),
    path("my/cases/<str:number>/", applicant.my_case, name="my_case"),
    path("my/cases/<str:number>/receipt/", applicant.apply_done, name="apply_done"),
    path("attachments/<str:token>/", applicant.attachment, name="attachment"),
]
