"""Global keys of the contract rows (no Django imports: the benchmark computes the same keys in
SQL with uuid-ossp's uuid_generate_v5)."""

from __future__ import annotations

import uuid

NAMESPACE = uuid.UUID("6b1f2a1e-6f0a-4e43-9d0e-7a1c2f0e1701")


def global_key(*parts: object) -> uuid.UUID:
    """The row's global key: the same natural key gives the same UUID at every instance."""
    return uuid.uuid5(NAMESPACE, "/".join(str(part) for part in parts))
