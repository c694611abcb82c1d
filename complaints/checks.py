"""Deploy check: identities sealed with a key derived from SECRET_KEY are only as safe as it."""

from __future__ import annotations

from typing import Any

from django.core.checks import Warning, register

from complaints.identity import configured_keys


@register(deploy=True)
def identity_key_check(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    if configured_keys():
        return []
    return [
        Warning(
            "未配置 ZUOFENG_IDENTITY_KEYS：举报人身份正用由 SECRET_KEY 派生的演示密钥加密。",
            hint=(
                '生成密钥：python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"，写入 ZUOFENG_IDENTITY_KEYS 后重启。'
            ),
            id="complaints.W001",
        )
    ]
