"""Open311 GeoReport v2 (namespace "open311")."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "open311"

urlpatterns: list[URLPattern] = []
