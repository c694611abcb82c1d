"""Settings helpers: read environment variables and fail loudly on bad values.

A typo in production configuration should stop the process at start-up, not
surface weeks later as a silently wrong default.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str) -> str:
    """Read a secret from NAME, or from the file named by NAME_FILE (Docker/K8s secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                return handle.read().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points to an unreadable file: {exc}") from exc
    return os.environ.get(name, default)


def require_secret(name: str, *, demo: str, allow_demo: bool) -> str:
    """A secret production must set: outside DEBUG and the demo (ZUOFENG_DEMO=1), an unset
    or demo value stops the process at start-up instead of serving on a public key."""
    value = env_secret(name, "")
    if value and value != demo:
        return value
    if allow_demo:
        return value or demo
    raise ImproperlyConfigured(
        f"{name} 未设置（或仍是公开的演示值）：生产环境必须配置自己的密钥"
        f"（{name} 或 {name}_FILE）。只想试用演示时请设置 ZUOFENG_DEMO=1（make run 已设置）。"
    )


def shared_cache(url: str, *, allow_local: bool) -> dict[str, object]:
    """CACHES["default"] from CACHE_URL: redis://, rediss:// or db://TABLE. Without it only
    DEBUG and the demo may fall back to a per-process cache: rate limits, login lockouts
    and OTP throttling held per worker would let N times the limit through."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("db://"):
        table = url.removeprefix("db://") or "zuofeng_cache"
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table}
    if url:
        raise ImproperlyConfigured(
            f"CACHE_URL 只支持 redis://、rediss://、unix:// 或 db://表名，收到 {url!r}"
        )
    if allow_local:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "zuofeng"}
    raise ImproperlyConfigured(
        "CACHE_URL 未设置：生产环境的限流、登录锁定和验证码防暴力破解必须使用各进程共享的缓存"
        "（redis://… 或 db://表名，后者先运行 manage.py createcachetable）。"
        "只想试用演示时请设置 ZUOFENG_DEMO=1（make run 已设置）。"
    )
