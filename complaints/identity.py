"""The complainant's identity, sealed at rest with Fernet (AES-128-CBC + HMAC-SHA256).

Keys come from ZUOFENG_IDENTITY_KEYS (comma-separated Fernet keys, newest first: old keys
still open what they sealed, so keys can be rotated). Without it, a key is derived from
SECRET_KEY so that the demo works out of the box; the deploy check complaints.W001 says so.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

from zuofeng.masking import mask_id_number, mask_name, mask_phone


@dataclass(frozen=True)
class Identity:
    name: str = ""
    phone: str = ""
    id_number: str = ""
    contact: str = ""  # address, e-mail or any other way to reach the complainant

    @property
    def is_empty(self) -> bool:
        return not any((self.name, self.phone, self.id_number, self.contact))

    def masked(self) -> Identity:
        return Identity(
            name=mask_name(self.name),
            phone=mask_phone(self.phone),
            id_number=mask_id_number(self.id_number),
            contact="***" if self.contact else "",
        )


def configured_keys() -> list[str]:
    return list(settings.ZUOFENG["IDENTITY_KEYS"])


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        derived = hashlib.sha256(b"zuofeng-identity:" + secret_key.encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    return MultiFernet([Fernet(key) for key in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(configured_keys()), settings.SECRET_KEY)


_FIELDS = tuple(f.name for f in fields(Identity))


def seal(identity: Identity) -> str:
    # The fields in order, as asdict() gives them, without its deep copy (an import seals
    # tens of thousands).
    payload = json.dumps(
        {name: getattr(identity, name) for name in _FIELDS}, ensure_ascii=False
    ).encode()
    return cipher().encrypt(payload).decode()


def unseal(sealed: str) -> Identity:
    return Identity(**json.loads(cipher().decrypt(sealed.encode())))


def reseal(sealed: str) -> str:
    """The same identity sealed with the newest key (key rotation: `reseal_identities`)."""
    return cipher().rotate(sealed.encode()).decode()


def reseal_original(stored: Any) -> None:
    """Re-encrypt a photo's sealed original (zuofeng.uploads) with the newest key. The new
    copy is written under a temporary name first, so that a crash never loses the original."""
    from django.core.files.base import ContentFile

    from zuofeng.uploads import SEALED_SUFFIX

    name = stored.name + SEALED_SUFFIX
    with stored.storage.open(name, "rb") as handle:
        rotated = cipher().rotate(handle.read())
    spare = stored.storage.save(name + ".rotating", ContentFile(rotated))
    stored.storage.delete(name)
    saved = stored.storage.save(name, ContentFile(rotated))
    if saved != name:
        raise RuntimeError(f"resealed original stored as {saved!r}, expected {name!r}")
    stored.storage.delete(spare)
