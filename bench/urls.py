"""The project's URLs plus `bench/bare/<pk>/`: the cheapest useful Django view, reading one
case row by primary key through the full middleware stack. Pages are measured as a share of
its throughput, which cancels out the machine, the server and the load generator."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from cases.models import Case
from zuofeng.urls import urlpatterns as project_urlpatterns


def bare_view(request: HttpRequest, pk: int) -> HttpResponse:
    number = Case.objects.filter(pk=pk).values_list("number", flat=True).first()
    if number is None:
        raise Http404
    return HttpResponse(number, content_type="text/plain; charset=utf-8")


urlpatterns = [*project_urlpatterns, path("bench/bare/<int:pk>/", bare_view, name="bench_bare")]
