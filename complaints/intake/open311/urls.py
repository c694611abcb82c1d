"""Open311 GeoReport v2 (namespace "open311"): /open311/v2/services.json and so on. The
format is the URL's extension; an unsupported one gets a 400 in the spec's error format."""

from __future__ import annotations

from django.urls import URLPattern, re_path

from complaints.intake.open311 import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>[A-Za-z0-9]{1,10})$"

urlpatterns: list[URLPattern] = [
    re_path(r"^services" + FORMAT, views.services, name="services"),
    re_path(r"^services/(?P<code>[^/]{1,40}?)" + FORMAT, views.service_definition, name="service"),
    re_path(r"^requests" + FORMAT, views.requests, name="requests"),
    re_path(r"^requests/(?P<number>[^/]{1,40}?)" + FORMAT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]{1,64}?)" + FORMAT, views.token, name="token"),
    # Anything else (an unknown endpoint, an over-long id): a 404 in the spec's format.
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
