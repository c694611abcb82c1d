"""Near-duplicate complaints: the same problem reported by many people becomes one hot spot.

Two complaints about the same unit, received within `WINDOW_DAYS` of each other, are the same
problem when the Jaccard similarity of their character bigrams (after the classifier's
normalisation, so traditional and simplified texts agree) reaches `THRESHOLD`. Paraphrases
of one problem score 0.2–0.4 and unrelated complaints below 0.12 on our samples.

Similarity is estimated with MinHash signatures (`HASHES` values per text, computed with
numpy for a whole batch) and candidates are found with LSH bands, so one complaint or a
100,000-row hotline import costs a few microseconds per row, not a scan of the window.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from complaints.classifier.text import normalise

WINDOW_DAYS = 30
THRESHOLD = 0.25
HASHES = 64
BAND_ROWS = 2  # 32 bands of 2 (ClusterIndex._keys relies on 2): a pair at the threshold
# shares some band 87% of the time
PUNCTUATION = set("，。！？、；：,.!?;:（）()【】[]“”\"' \u3000-—…")
# h_k(x) = a_k * x + b_k (mod 2^32) with odd a_k: a cheap permutation family per hash.
_RNG = np.random.default_rng(20261126)
_A = (_RNG.integers(0, 2**31, size=HASHES, dtype=np.uint32) << np.uint32(1)) | np.uint32(1)
_B = _RNG.integers(0, 2**32, size=HASHES, dtype=np.uint32)
_BAND_SALT = _RNG.integers(0, 2**63, size=HASHES // BAND_ROWS, dtype=np.uint64)
_EMPTY = np.full(HASHES, np.iinfo(np.uint32).max, dtype=np.uint32)


def signatures(texts: Sequence[str], chunk: int = 2000) -> list[bytes]:
    """One MinHash signature (HASHES × uint32, as bytes) per text."""
    out: list[bytes] = []
    for start in range(0, len(texts), chunk):
        out.extend(_chunk_signatures(texts[start : start + chunk]))
    return out


def _bigrams(text: str) -> np.ndarray:
    chars = [c for c in normalise(text) if c not in PUNCTUATION]
    codes = np.fromiter((ord(c) for c in chars), dtype=np.uint64, count=len(chars))
    if len(codes) < 2:
        return codes
    return np.unique(codes[:-1] * np.uint64(0x110000) + codes[1:])


def _mix32(grams: np.ndarray) -> np.ndarray:
    """Spread a bigram code over 32 bits before the permutations."""
    with np.errstate(over="ignore"):
        x = grams * np.uint64(0x9E3779B97F4A7C15)
        return (x >> np.uint64(32)).astype(np.uint32)


def _chunk_signatures(texts: Sequence[str]) -> list[bytes]:
    grams = [_bigrams(text) for text in texts]
    lengths = [len(g) for g in grams]
    if sum(lengths) == 0:
        return [_EMPTY.tobytes()] * len(texts)
    allgrams = _mix32(np.concatenate(grams))
    with np.errstate(over="ignore"):
        hashed32 = allgrams[:, None] * _A[None, :] + _B[None, :]
    starts = np.cumsum([0, *lengths[:-1]])
    nonempty = [i for i, n in enumerate(lengths) if n]
    minima = np.minimum.reduceat(hashed32, starts[nonempty], axis=0)
    out = [_EMPTY.tobytes()] * len(texts)
    for row, i in enumerate(nonempty):
        out[i] = minima[row].tobytes()
    return out


def similarity(a: bytes, b: bytes) -> float:
    x, y = np.frombuffer(a, dtype=np.uint32), np.frombuffer(b, dtype=np.uint32)
    return float((x == y).mean())


@dataclass
class Member:
    complaint_id: int
    cluster_id: int | None
    received_at: dt.datetime
    signature: np.ndarray


# A query scores only the most recent members of each of its LSH buckets: a hot spot (the
# same problem from hundreds of people) would otherwise make every new report scan it all.
CANDIDATES_PER_BAND = 8


class ClusterIndex:
    """The recent complaints of each unit, indexed by LSH band, to find a new complaint's
    near-duplicate. Built once per batch from the database (oldest first), then fed each new
    complaint in time order, so an import and a single filing group complaints the same way.
    Candidates are scored together with numpy against one signature matrix."""

    def __init__(self) -> None:
        self._members: list[Member] = []
        self._matrix = np.empty((256, HASHES), dtype=np.uint32)
        self._times = np.empty(256, dtype=np.float64)
        # unit → band key → rows of the members in that bucket, oldest first.
        self._buckets: dict[int | None, dict[int, list[int]]] = defaultdict(dict)

    def add(
        self,
        unit_id: int | None,
        complaint_id: int,
        cluster_id: int | None,
        received_at: dt.datetime,
        signature: bytes,
    ) -> Member | None:
        values = np.frombuffer(signature, dtype=np.uint32)
        if (values == _EMPTY).all():
            return None
        row = len(self._members)
        if row == len(self._times):
            self._matrix = np.concatenate([self._matrix, np.empty_like(self._matrix)])
            self._times = np.concatenate([self._times, np.empty_like(self._times)])
        self._matrix[row] = values
        self._times[row] = received_at.timestamp()
        member = Member(complaint_id, cluster_id, received_at, values)
        self._members.append(member)
        buckets = self._buckets[unit_id]
        for key in self._keys(values):
            bucket = buckets.get(key)
            if bucket is None:
                buckets[key] = [row]
            else:
                bucket.append(row)
        return member

    def match(
        self, unit_id: int | None, received_at: dt.datetime, signature: bytes
    ) -> Member | None:
        """The most similar recent complaint of the same unit at or above THRESHOLD."""
        values = np.frombuffer(signature, dtype=np.uint32)
        if (values == _EMPTY).all():
            return None
        buckets = self._buckets.get(unit_id)
        if not buckets:
            return None
        candidates: list[int] = []
        for key in self._keys(values):
            bucket = buckets.get(key)
            if bucket:
                candidates.extend(bucket[-CANDIDATES_PER_BAND:])
        if not candidates:
            return None
        rows = np.array(candidates, dtype=np.int64)
        at, window = received_at.timestamp(), WINDOW_DAYS * 86400.0
        times = self._times[rows]
        rows = rows[(times >= at - window) & (times <= at + window)]
        if not len(rows):
            return None
        scores = (self._matrix[rows] == values).mean(axis=1)
        best = int(scores.argmax())
        return self._members[rows[best]] if scores[best] >= THRESHOLD else None

    @staticmethod
    def _keys(values: np.ndarray) -> list[int]:
        # BAND_ROWS = 2: each band's two uint32 values read as one uint64, salted per band.
        # A rare collision only adds a candidate, which is then scored exactly.
        return (values.view(np.uint64) ^ _BAND_SALT).tolist()


def window_start(at: dt.datetime) -> dt.datetime:
    return at - dt.timedelta(days=WINDOW_DAYS)
