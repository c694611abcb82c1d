from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账户安全"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.mfa import on_login

        user_logged_in.connect(on_login, dispatch_uid="accounts.on_login")
