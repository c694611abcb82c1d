"""Deploy checks: an audit chain sealed with the public demo key, or checkpointed nowhere,
does not hold against someone with database access."""

from __future__ import annotations

from typing import Any

from django.core.checks import Warning, register

from zuofeng.audit.checkpoints import checkpoint_dir
from zuofeng.audit.keys import using_demo_key


@register(deploy=True)
def audit_key_check(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    warnings = []
    if using_demo_key():
        warnings.append(
            Warning(
                "未配置 ZUOFENG_AUDIT_KEY：审计链正用公开的演示密钥计算，"
                "能改数据库的人可以重算整条链。",
                hint=(
                    '生成密钥：python -c "import secrets; print(secrets.token_hex(32))"，'
                    "写入 ZUOFENG_AUDIT_KEY（或 ZUOFENG_AUDIT_KEY_FILE 指向的文件）后重启；"
                    "轮换时把新密钥放在最前，旧密钥保留在后面。"
                ),
                id="audit.W001",
            )
        )
    if checkpoint_dir() is None:
        warnings.append(
            Warning(
                "未配置 ZUOFENG_AUDIT_CHECKPOINT_DIR：审计链头不写外部检查点，"
                "删除末尾记录无法发现。",
                hint="设置检查点目录，并把其中的文件定期复制到本机以外。",
                id="audit.W002",
            )
        )
    return warnings
