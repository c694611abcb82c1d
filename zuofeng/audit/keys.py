"""The audit chain's keys and its two digests.

Events are sealed with HMAC-SHA256 under a key kept outside the database
(ZUOFENG_AUDIT_KEY, or the file named by ZUOFENG_AUDIT_KEY_FILE): someone who can write to
the database but does not hold the key cannot recompute a chain that verifies. The variable
holds comma-separated keys, newest first: new events use the first, and each event stores the
id of its key, so old events still verify after a rotation as long as their key stays listed.

Without a configured key the demo key below is used, so that the demo and the tests work out
of the box; the deploy check audit.W001 says so.

Events written before keyed hashing (key id empty) were plain SHA-256; `legacy_digest`
verifies them (see migration 0004 and the README's audit paragraph).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from functools import lru_cache
from typing import Any

from django.conf import settings

DEMO_KEY = "zuofeng-demo-audit-key-change-me-in-production"


def key_id(key: str) -> str:
    """A short public name of a key (stored on each event): not the key, not reversible for
    a random key."""
    return hashlib.sha256(b"zuofeng-audit-key-id:" + key.encode()).hexdigest()[:8]


def configured_keys() -> list[str]:
    return list(getattr(settings, "AUDIT_KEYS", []) or [])


def using_demo_key() -> bool:
    keys = configured_keys()
    return not keys or keys[0] == DEMO_KEY


@lru_cache(maxsize=8)
def _keyring(keys: tuple[str, ...]) -> tuple[str, dict[str, bytes]]:
    keys = keys or (DEMO_KEY,)
    ring: dict[str, bytes] = {}
    for key in keys:
        ring.setdefault(key_id(key), key.encode())
    return key_id(keys[0]), ring


def current_key() -> tuple[str, bytes]:
    """(key id, key) that new events and checkpoints are sealed with."""
    newest, ring = _keyring(tuple(configured_keys()))
    return newest, ring[newest]


def key_by_id(kid: str) -> bytes | None:
    """The key an event was sealed with, or None if it is not configured (any more)."""
    return _keyring(tuple(configured_keys()))[1].get(kid)


def _blob(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def keyed_digest(key: bytes, payload: dict[str, Any]) -> str:
    return hmac.new(key, _blob(payload), hashlib.sha256).hexdigest()


def legacy_digest(payload: dict[str, Any]) -> str:
    return hashlib.sha256(_blob(payload)).hexdigest()


def sign_line(key: bytes, body: dict[str, Any]) -> str:
    """The MAC of a checkpoint line's body."""
    return keyed_digest(key, {"checkpoint": body})
