"""Staff pages: triage, the handling unit's work, the office's overview (namespace
"complaints", set in complaints/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
