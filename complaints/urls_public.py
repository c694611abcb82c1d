"""Pages of the public and of applicants (namespace "complaints", set in complaints/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
