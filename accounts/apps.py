from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账户安全"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.mfa import on_login

        user_logged_in.connect(on_login, dispatch_uid="accounts.on_login")
        self._chinese_admin_names()

    def _chinese_admin_names(self) -> None:
        """django-axes and django-otp ship no Chinese translation: name their admin pages."""
        from django.apps import apps

        names = {
            "axes": (
                "登录锁定",
                {
                    "accessattempt": "登录失败记录",
                    "accesslog": "登录记录",
                    "accessfailurelog": "登录失败日志",
                },
            ),
            "otp_totp": ("两步验证", {"totpdevice": "身份验证器"}),
            "otp_static": ("恢复码", {"staticdevice": "恢复码", "statictoken": "恢复码条目"}),
        }
        for label, (app_name, models) in names.items():
            config = apps.get_app_config(label)
            config.verbose_name = app_name
            for model_name, name in models.items():
                meta = config.get_model(model_name)._meta
                meta.verbose_name = meta.verbose_name_plural = name
