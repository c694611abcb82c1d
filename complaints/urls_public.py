"""Pages of the public and of applicants (namespace "complaints", set in complaints/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from complaints.views import public

urlpatterns: list[URLPattern] = [
    path("complaints/new/", public.new_complaint, name="file"),
    path("complaints/new/receipt/", public.receipt, name="receipt"),
    path("complaints/follow/", public.follow, name="follow"),
    path("my/complaints/", public.my_complaints, name="my_complaints"),
    path("my/complaints/<str:number>/", public.my_complaint, name="my_complaint"),
]
