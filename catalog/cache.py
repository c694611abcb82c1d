"""Caching of the public catalogue (the list and each matter's guide).

Everything cached here is keyed by a catalogue *version*: a number held in the shared cache
that every change of a matter, its materials, its downloadable forms or a unit is followed
by a bump of, once the change is committed (`transaction.on_commit`: a rolled-back change
does not bump, and a bump made before the commit could let a concurrent request cache the
old data under the new version). Old entries are never deleted, they are simply no longer
asked for and expire.

Two layers:
- the page *content* (the part inside `{% block content %}`), the same for every visitor,
  anonymous or logged in, cached for all;
- the whole rendered page for anonymous visitors with no pending message: the navigation
  bar of an anonymous visitor holds no per-user content and no CSRF token (only the logout
  form of a logged-in user has one) and the pages use no CSP nonce. A logged-in user's
  page is always assembled afresh around the shared content.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

VERSION_KEY = "catalog:version"
# Safety net only: every change bumps the version, so entries need not expire soon.
PAGE_TIMEOUT = 600


def version() -> int:
    """The current catalogue version; started from the clock when the cache has none (an
    evicted or flushed counter must not resume at a number old entries were stored under)."""
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        current = cache.get(VERSION_KEY)
    return int(current)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no counter yet: any fresh value differs from the keys in use
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)


def bump_version() -> None:
    """Invalidate every cached catalogue page once the current transaction commits."""
    transaction.on_commit(_bump)


def key(kind: str, language: str, *parts: object, current: int | None = None) -> str:
    """A cache key for `kind` under the current version; the parts (normalised query values,
    a matter's code) are hashed so any text is a valid key."""
    raw = "\x1f".join(str(part) for part in parts)
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"catalog:{kind}:{version() if current is None else current}:{language}:{digest}"


def get(cache_key: str) -> Any:
    return cache.get(cache_key)


def put(cache_key: str, value: Any) -> None:
    cache.set(cache_key, value, PAGE_TIMEOUT)


def get_or_build(cache_key: str, build: Any) -> Any:
    value = cache.get(cache_key)
    if value is None:
        value = build()
        cache.set(cache_key, value, PAGE_TIMEOUT)
    return value


def _changed(sender: Any, **kwargs: Any) -> None:
    bump_version()


def connect_signals() -> None:
    """Changes made outside catalog's actions invalidate too: a matter saved in the admin (its
    materials and forms are inlines there, saved with it) and a unit renamed, archived or
    re-sorted in org. Materials are deliberately not watched: the actions and the import
    rewrite them in bulk and bump once themselves, and a delete signal receiver would make
    Django fetch and signal every deleted row."""
    from catalog.models import Matter
    from org.models import Unit

    for model in (Matter, Unit):
        post_save.connect(_changed, sender=model, dispatch_uid=f"catalog-cache-{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"catalog-cache-del-{model.__name__}"
        )
