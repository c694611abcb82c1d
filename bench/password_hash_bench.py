"""Password verification time, PBKDF2 (Django's default, what logins used) against scrypt
(now first in PASSWORD_HASHERS), with Django's default work factors for both.

A login verifies one hash, so this is the part of the login request that took 1-4 s on the
demo machine. Run: `.venv/bin/python bench/password_hash_bench.py [rounds]`. Prints the median
verify time of each hasher over `rounds` verifications (default 7) and the ratio, measured in
the same run on the same machine.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zuofeng.settings")
os.environ.setdefault("ZUOFENG_DEMO", "1")  # the public demo keys; production refuses them

import django

django.setup()

from django.contrib.auth.hashers import PBKDF2PasswordHasher, ScryptPasswordHasher  # noqa: E402

PASSWORD = "correct horse battery staple 1"


def median_verify(hasher: object, rounds: int) -> float:
    encoded = hasher.encode(PASSWORD, hasher.salt())  # type: ignore[attr-defined]
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        assert hasher.verify(PASSWORD, encoded)  # type: ignore[attr-defined]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    pbkdf2 = PBKDF2PasswordHasher()
    scrypt = ScryptPasswordHasher()
    old = median_verify(pbkdf2, rounds)
    new = median_verify(scrypt, rounds)
    print(f"PBKDF2-SHA256 ({pbkdf2.iterations:,} iterations): {old * 1000:8.1f} ms per verify")
    memory = 128 * scrypt.work_factor * scrypt.block_size // 2**20
    print(
        f"scrypt (N={scrypt.work_factor}, r={scrypt.block_size}, p={scrypt.parallelism}, "
        f"{memory} MiB): {new * 1000:8.1f} ms per verify"
    )
    print(f"ratio PBKDF2 / scrypt: {old / new:.1f}x  (median of {rounds} verifications each)")


if __name__ == "__main__":
    main()
