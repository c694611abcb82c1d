"""The backup file's encryption: a streamed, authenticated AES-256-GCM envelope.

Layout (all integers big-endian):

    b"ZFBACKUP1\\n" | salt (16 bytes) | key check (16 bytes)
    then chunks: length (4 bytes) | AES-GCM ciphertext of up to 1 MiB, with its 16-byte tag

Each backup derives its own data key from the operator's key and a random salt (HKDF-SHA256),
so nonces never repeat across files. Chunk n is sealed under the nonce n (11 bytes) followed
by a "last chunk" flag byte, with the header as associated data: a chunk changed, swapped,
dropped, or cut off at the end (the last chunk carries the flag) fails to open. The key
check (an HMAC of the salt under the operator's key) tells a wrong key from a damaged file
before anything is decrypted.

The operator's key is 32 random bytes written in URL-safe base64 (`manage.py backup
--generate-key`), from ZUOFENG_BACKUP_KEY or a key file; never SECRET_KEY or another of the
application's keys.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"ZFBACKUP1\n"
SALT_BYTES = 16
CHECK_BYTES = 16
HEADER_BYTES = len(MAGIC) + SALT_BYTES + CHECK_BYTES
CHUNK = 1024 * 1024
TAG = 16
KEY_ENV = "ZUOFENG_BACKUP_KEY"


class BackupError(Exception):
    """A refusal with a message for the operator (in Chinese)."""


def generate_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def parse_key(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise BackupError(
            "备份密钥格式不对：应为 32 字节随机数的 URL 安全 base64 编码"
            "（用 manage.py backup --generate-key 生成）"
        )
    return raw


def load_key(key_file: str | None, *, forbidden: Sequence[str] = ()) -> bytes:
    """The operator's key: from `key_file` when given, else from ZUOFENG_BACKUP_KEY.
    `forbidden`: the application's own secrets, which must not double as the backup key."""
    if key_file:
        try:
            text = Path(key_file).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise BackupError(f"无法读取备份密钥文件 {key_file}：{exc}") from None
    else:
        text = os.environ.get(KEY_ENV, "")
        if not text.strip():
            raise BackupError(
                f"没有备份密钥：请设置环境变量 {KEY_ENV}，或用 --key-file 指定密钥文件"
                "（用 manage.py backup --generate-key 生成一个，并与备份分开保管）"
            )
    if text.strip() in {secret.strip() for secret in forbidden if secret}:
        raise BackupError(
            "备份密钥不能与 SECRET_KEY、举报人身份密钥或审计密钥相同：请单独生成一个备份密钥"
        )
    return parse_key(text)


def _derive(key: bytes, salt: bytes) -> tuple[bytes, bytes]:
    data_key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"zuofeng-backup-v1 data"
    ).derive(key)
    check = hmac.new(key, b"zuofeng-backup-v1 check" + salt, hashlib.sha256).digest()
    return data_key, check[:CHECK_BYTES]


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A write-only stream: what is written goes to `out` encrypted, chunk by chunk."""

    def __init__(self, out: IO[bytes], key: bytes) -> None:
        salt = secrets.token_bytes(SALT_BYTES)
        data_key, check = _derive(key, salt)
        self._aead = AESGCM(data_key)
        self._header = MAGIC + salt + check
        self._out = out
        self._buffer = bytearray()
        self._counter = 0
        self._closed = False
        out.write(self._header)

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._emit(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _emit(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._counter, last), plain, self._header)
        self._out.write(struct.pack(">I", len(sealed)) + sealed)
        self._counter += 1

    def close(self) -> None:
        if not self._closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._closed = True

    def flush(self) -> None:
        pass


class DecryptingReader:
    """A read-only stream of the plaintext of an encrypted backup; raises BackupError at the
    first chunk that does not open (never hands out unauthenticated bytes)."""

    def __init__(self, source: IO[bytes], key: bytes) -> None:
        header = source.read(HEADER_BYTES)
        if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
            raise BackupError("这不是作风平台的备份文件（文件头不对），或文件已损坏")
        salt = header[len(MAGIC) : len(MAGIC) + SALT_BYTES]
        data_key, check = _derive(key, salt)
        if not hmac.compare_digest(check, header[-CHECK_BYTES:]):
            raise BackupError("备份密钥不对：这个备份是用另一个密钥加密的，数据库和文件都没有改动")
        self._aead = AESGCM(data_key)
        self._header = header
        self._source = source
        self._counter = 0
        self._buffer = b""
        self._done = False

    def _next_chunk(self) -> None:
        length_bytes = self._source.read(4)
        if len(length_bytes) < 4:
            raise BackupError("备份文件不完整（末尾被截断）或已被篡改")
        (length,) = struct.unpack(">I", length_bytes)
        if length < TAG or length > CHUNK + TAG:
            raise BackupError("备份文件已损坏或被篡改（分块长度不对）")
        sealed = self._source.read(length)
        if len(sealed) < length:
            raise BackupError("备份文件不完整（末尾被截断）或已被篡改")
        for last in (False, True):
            try:
                plain = self._aead.decrypt(_nonce(self._counter, last), sealed, self._header)
            except InvalidTag:
                continue
            self._counter += 1
            if last:
                if self._source.read(1):
                    raise BackupError("备份文件已被篡改（结尾之后还有数据）")
                self._done = True
            self._buffer += plain
            return
        raise BackupError(f"备份文件已损坏或被篡改（第 {self._counter + 1} 块校验失败）")

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buffer) < size):
            self._next_chunk()
        if size < 0:
            out, self._buffer = self._buffer, b""
        else:
            out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out

    def drain(self) -> None:
        """Read (and so authenticate) everything that is left."""
        while not self._done:
            self._next_chunk()
            self._buffer = b""
