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
_EMPTY_BYTES = _EMPTY.tobytes()
# The fewest equal values whose share reaches THRESHOLD.
_WINDOW_SECONDS = WINDOW_DAYS * 86400.0
_MIN_SAME = next(n for n in range(HASHES + 1) if n / HASHES >= THRESHOLD)


def signatures(texts: Sequence[str], chunk: int = 2000) -> list[bytes]:
    """One MinHash signature (HASHES × uint32, as bytes) per text."""
    return normalised_signatures([normalise(text) for text in texts], chunk)


def normalised_signatures(cleaned: Sequence[str], chunk: int = 2000) -> list[bytes]:
    """`signatures` of texts already passed through the classifier's `normalise`."""
    out: list[bytes] = []
    for start in range(0, len(cleaned), chunk):
        out.extend(_chunk_signatures(cleaned[start : start + chunk]))
    return out


_PUNCTUATION_CODES = np.array(sorted(map(ord, PUNCTUATION)), dtype=np.uint32)


def _mix32(grams: np.ndarray) -> np.ndarray:
    """Spread a bigram code over 32 bits before the permutations."""
    with np.errstate(over="ignore"):
        x = grams * np.uint64(0x9E3779B97F4A7C15)
        return (x >> np.uint64(32)).astype(np.uint32)


def _grams(cleaned: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The batch's grams, text after text, and how many each text has: every pair of
    neighbouring characters once punctuation is dropped (a text of one character is its own
    gram). Repeated grams are kept: they do not change a minimum."""
    lengths = np.fromiter(map(len, cleaned), dtype=np.int64, count=len(cleaned))
    codes = np.frombuffer("".join(cleaned).encode("utf-32-le"), dtype=np.uint32)
    keep = ~np.isin(codes, _PUNCTUATION_CODES)
    doc_of = np.repeat(np.arange(len(cleaned)), lengths)
    lengths = np.bincount(doc_of[keep], minlength=len(cleaned))
    codes = codes[keep].astype(np.uint64)
    ends = np.cumsum(lengths)
    # A bigram starts at every character but the last of its text.
    last = np.zeros(len(codes), dtype=bool)
    last[ends[lengths > 0] - 1] = True
    starts = np.flatnonzero(~last)
    bigrams = codes[starts] * np.uint64(0x110000) + codes[starts + 1]
    single = np.flatnonzero(lengths == 1)
    if len(single):  # rare: put each one-character text's code in its place
        position = np.searchsorted(starts, ends[single] - 1)
        bigrams = np.insert(bigrams, position, codes[ends[single] - 1])
    counts = np.where(lengths == 1, 1, np.maximum(lengths - 1, 0))
    return bigrams, counts


def _chunk_signatures(cleaned: Sequence[str]) -> list[bytes]:
    grams, counts = _grams(cleaned)
    if not len(grams):
        return [_EMPTY.tobytes()] * len(cleaned)
    # One row per hash function, so that the minimum runs along contiguous memory.
    with np.errstate(over="ignore"):
        hashed32 = _A[:, None] * _mix32(grams)[None, :] + _B[:, None]
    starts = np.cumsum(counts) - counts
    nonempty = np.flatnonzero(counts)
    minima = np.ascontiguousarray(np.minimum.reduceat(hashed32, starts[nonempty], axis=1).T)
    out = [_EMPTY.tobytes()] * len(cleaned)
    for row, i in enumerate(nonempty.tolist()):
        out[i] = minima[row].tobytes()
    return out


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
        self._buckets: dict[int | None, dict[int, int | list[int]]] = {}
        self._last: tuple[bytes, np.ndarray, list[int]] | None = None

    def add(
        self,
        unit_id: int | None,
        complaint_id: int,
        cluster_id: int | None,
        received_at: dt.datetime,
        signature: bytes,
    ) -> Member | None:
        if signature == _EMPTY_BYTES:
            return None
        values, keys = self._prepare(signature)
        row = len(self._members)
        if row == len(self._times):
            self._matrix = np.concatenate([self._matrix, np.empty_like(self._matrix)])
            self._times = np.concatenate([self._times, np.empty_like(self._times)])
        self._matrix[row] = values
        self._times[row] = received_at.timestamp()
        member = Member(complaint_id, cluster_id, received_at, values)
        self._members.append(member)
        buckets = self._buckets.get(unit_id)
        if buckets is None:
            buckets = self._buckets[unit_id] = {}
        # Most buckets never get a second member: a lone row is kept as the int itself
        # (an index over 100,000 complaints holds millions of buckets).
        get = buckets.get
        for key in keys:
            bucket = get(key)
            if bucket is None:
                buckets[key] = row
            elif type(bucket) is int:
                buckets[key] = [bucket, row]
            else:
                bucket.append(row)
        return member

    def match(
        self, unit_id: int | None, received_at: dt.datetime, signature: bytes
    ) -> Member | None:
        """The most similar recent complaint of the same unit at or above THRESHOLD."""
        if signature == _EMPTY_BYTES:
            return None
        buckets = self._buckets.get(unit_id)
        if not buckets:
            return None
        values, keys = self._prepare(signature)
        candidates: list[int] = []
        for bucket in map(buckets.get, keys):
            if bucket is None:
                continue
            if type(bucket) is int:
                candidates.append(bucket)
            else:
                candidates.extend(bucket[-CANDIDATES_PER_BAND:])
        if not candidates:
            return None
        # A near-duplicate shares many bands: score each member once (the first occurrence
        # kept, so that ties go to the same member).
        rows = np.fromiter(dict.fromkeys(candidates), dtype=np.int64)
        # Equal values counted, not averaged (the same order and the same threshold); a
        # member outside the time window counts -1, below any member inside it.
        same = (self._matrix[rows] == values).sum(axis=1)
        at = received_at.timestamp()
        times = self._times[rows]
        same[(times < at - _WINDOW_SECONDS) | (times > at + _WINDOW_SECONDS)] = -1
        best = int(same.argmax())
        return self._members[int(rows[best])] if same[best] >= _MIN_SAME else None

    def _prepare(self, signature: bytes) -> tuple[np.ndarray, list[int]]:
        """The signature's values and band keys; kept for the next call, since a new
        complaint is matched and then added with the same signature."""
        last = self._last
        if last is not None and last[0] is signature:
            return last[1], last[2]
        values = np.frombuffer(signature, dtype=np.uint32)
        keys = self._keys(values)
        self._last = (signature, values, keys)
        return values, keys

    @staticmethod
    def _keys(values: np.ndarray) -> list[int]:
        # BAND_ROWS = 2: each band's two uint32 values read as one uint64, salted per band.
        # A rare collision only adds a candidate, which is then scored exactly.
        return (values.view(np.uint64) ^ _BAND_SALT).tolist()


def window_start(at: dt.datetime) -> dt.datetime:
    return at - dt.timedelta(days=WINDOW_DAYS)
