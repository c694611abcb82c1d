from __future__ import annotations

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/mfa/verify/", views.verify, name="verify"),
    path("accounts/mfa/setup/", views.setup, name="setup"),
    path("accounts/security/", views.security, name="security"),
]
