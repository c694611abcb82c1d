"""Open311 API keys: issued once by the admin, stored only as a SHA-256 hash and an
8-character prefix (enough to tell keys apart in the admin and in logs)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction

from complaints.models import Open311Client
from zuofeng.audit.chain import record

PREFIX_CHARS = 8


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    """256 random bits, URL-safe (43 characters): long enough that guessing is hopeless, so
    a plain hash (no salt, no slow KDF) is enough and lookups stay one indexed query."""
    return secrets.token_urlsafe(32)


def set_key(client: Open311Client) -> str:
    """Give the (unsaved or saved) client a fresh key and return it; the caller shows it
    once. Only the hash and the prefix stay on the client."""
    key = new_key()
    client.key_hash = hash_key(key)
    client.key_prefix = key[:PREFIX_CHARS]
    return key


@transaction.atomic
def reissue_key(*, actor: Any, client: Open311Client) -> str:
    """Replace a client's key (the old one stops working at once); audited with the old and
    new prefixes, never the key."""
    client = Open311Client.objects.select_for_update().get(pk=client.pk)
    before = {"key_prefix": client.key_prefix}
    key = set_key(client)
    client.save(update_fields=["key_hash", "key_prefix"])
    record(
        actor=actor,
        action="complaints.reissue_open311_key",
        obj=client,
        before=before,
        after={"key_prefix": client.key_prefix},
    )
    return key


def client_for_key(key: str | None) -> Open311Client | None:
    """The active client holding this key, or None (missing, unknown or deactivated)."""
    key = (key or "").strip()
    if not key or len(key) > 200:
        return None
    return Open311Client.objects.filter(key_hash=hash_key(key), active=True).first()
