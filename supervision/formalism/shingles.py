"""Character shingles of a report and their MinHash signature.

A text is normalised first (NFKC, so full-width digits and letters become ordinary ones; lower
case; every character that is not a letter or a digit dropped: whitespace, punctuation,
symbols), so that re-punctuating or re-spacing a copied paragraph changes nothing. A shingle is
a run of `K` neighbouring characters of the normalised text, hashed to 64 bits with a
polynomial over the code points (a collision is as rare as a 64-bit hash collision).

The signature follows the house style of `complaints.intake.similarity` (numpy MinHash over a
batch of texts with a cheap multiply-add permutation family per hash, LSH bands of two uint32
values read as one uint64 and salted per band), with longer grams: 5 characters instead of 2,
since copying, not topic, is what is sought, and Chinese set phrases are four characters long.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

K = 5  # characters per shingle
HASHES = 128  # MinHash values per signature
BAND_ROWS = 2  # 64 bands of 2: a pair at Jaccard 0.2 shares some band 93 % of the time,
# one at 0.33 (half of a report copied from a report of the same length) 99.9 % of the time
BANDS = HASHES // BAND_ROWS

_KEEP_RE = re.compile(r"[^\W_]+")
_DROP_RE = re.compile(r"[\W_]+")
_RNG = np.random.default_rng(20261203)
_A = (_RNG.integers(0, 2**31, size=HASHES, dtype=np.uint32) << np.uint32(1)) | np.uint32(1)
_B = _RNG.integers(0, 2**32, size=HASHES, dtype=np.uint32)
_BAND_SALT = _RNG.integers(0, 2**63, size=BANDS, dtype=np.uint64)
_POLY = np.uint64(0x100000001B3)  # odd multiplier of the polynomial shingle hash
_POWERS = [np.uint64(pow(int(_POLY), K - 1 - j, 2**64)) for j in range(K)]
_EMPTY = np.full(HASHES, np.iinfo(np.uint32).max, dtype=np.uint32)
EMPTY_SIGNATURE = _EMPTY.tobytes()
_MASK63 = np.uint64(2**63 - 1)


def normalise(text: str) -> str:
    """The text as shingles see it: NFKC, lower case, letters and digits only."""
    if not text:
        return ""
    # Punctuation first: full-width commas and stops (in every Chinese text) are not NFKC
    # normal, and dropping them first spares the slow normalisation for most texts.
    text = _DROP_RE.sub("", text)
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        text = _DROP_RE.sub("", unicodedata.normalize("NFKC", text))
    return text.lower()


def positions(text: str) -> tuple[str, list[int]]:
    """A form of `text` to show a reviewer (the text as written, with its punctuation) and,
    for each character of `normalise(text)`, its index in that form."""
    index: list[int] = []
    for at, char in enumerate(text):
        if char.isascii():
            if char.isalnum():
                index.append(at)
        else:
            index.extend([at] * len(normalise(char)))
    if len(index) == len(normalise(text)):
        return text, index
    # Rare: NFKC joined characters (a letter and its combining accent); show the NFKC form.
    form = unicodedata.normalize("NFKC", text)
    index = []
    for match in _KEEP_RE.finditer(form):
        start, size = match.start(), match.end() - match.start()
        chunk = match.group().lower()
        index.extend(start + min(i, size - 1) for i in range(len(chunk)))
    return form, index


def shingle_hashes(cleaned: str) -> np.ndarray:
    """The 64-bit hash of the shingle starting at each position of a normalised text (in text
    order, repeats kept; a text shorter than K is one shingle; an empty text none)."""
    if not cleaned:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(cleaned.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    return _grams(codes)


def _grams(codes: np.ndarray) -> np.ndarray:
    n = len(codes)
    if n < K:
        codes = np.concatenate([codes, np.zeros(K - n, dtype=np.uint64)])
        n = K
    m = n - K + 1
    with np.errstate(over="ignore"):
        out = codes[:m] * _POWERS[0]
        for j in range(1, K):
            out += codes[j : j + m] * _POWERS[j]
    return out


@dataclass(frozen=True)
class Shingled:
    """One text's normalised form, its positional shingles and their sorted distinct set."""

    cleaned: str
    hashes: np.ndarray  # one per position, in text order
    distinct: np.ndarray  # sorted, unique

    @classmethod
    def of(cls, text: str) -> Shingled:
        cleaned = normalise(text)
        hashes = shingle_hashes(cleaned)
        return cls(cleaned, hashes, np.unique(hashes))


def contains(distinct: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """For each of `hashes`, whether it is in the sorted array `distinct`."""
    if not len(distinct) or not len(hashes):
        return np.zeros(len(hashes), dtype=bool)
    at = np.searchsorted(distinct, hashes)
    at[at == len(distinct)] = 0
    return distinct[at] == hashes


def _mix32(grams: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = grams * np.uint64(0x9E3779B97F4A7C15)
        return (x >> np.uint64(32)).astype(np.uint32)


def signatures_of(shingle_sets: Sequence[np.ndarray], chunk_grams: int = 200_000) -> np.ndarray:
    """The MinHash signatures (one row of HASHES uint32 per set) of distinct-shingle arrays,
    computed in batches of about `chunk_grams` shingles so memory stays small."""
    out = np.empty((len(shingle_sets), HASHES), dtype=np.uint32)
    start = 0
    while start < len(shingle_sets):
        stop, total = start, 0
        while stop < len(shingle_sets) and (stop == start or total < chunk_grams):
            total += len(shingle_sets[stop])
            stop += 1
        batch = shingle_sets[start:stop]
        counts = np.fromiter(map(len, batch), dtype=np.int64, count=len(batch))
        out[start:stop] = _EMPTY
        nonempty = np.flatnonzero(counts)
        if len(nonempty):
            grams = np.concatenate([batch[i] for i in nonempty.tolist()])
            with np.errstate(over="ignore"):
                hashed = _A[:, None] * _mix32(grams)[None, :] + _B[:, None]
            offsets = np.cumsum(counts[nonempty]) - counts[nonempty]
            minima = np.minimum.reduceat(hashed, offsets, axis=1).T
            out[start + nonempty] = minima
        start = stop
    return out


def fingerprint(text: str) -> bytes:
    """The text's MinHash signature over character shingles: HASHES uint32 values as bytes
    (512 bytes), to store on the report row. An empty text has EMPTY_SIGNATURE."""
    return signatures_of([Shingled.of(text).distinct])[0].tobytes()


def fingerprints(texts: Sequence[str]) -> list[bytes]:
    """`fingerprint` of many texts at once (numpy over the whole batch)."""
    rows = signatures_of([Shingled.of(t).distinct for t in texts])
    return [row.tobytes() for row in rows]


def band_keys_of(values: np.ndarray) -> list[int]:
    """The LSH bucket keys of a signature's values (see `band_keys`)."""
    if values.tobytes() == EMPTY_SIGNATURE:
        return []
    with np.errstate(over="ignore"):
        mixed = (np.ascontiguousarray(values).view(np.uint64) ^ _BAND_SALT) * np.uint64(
            0xBF58476D1CE4E5B9
        )
    return (mixed & _MASK63).tolist()


def band_keys(signature: bytes) -> list[int]:
    """The signature's LSH bucket keys, one per band of BAND_ROWS values: non-negative ints
    below 2**63 (they fit a signed BigIntegerField). Two texts that share a key are candidates
    for the exact comparison; an empty text has no keys. Keys are salted per band, so equal
    values in different bands do not meet."""
    return band_keys_of(np.frombuffer(signature, dtype=np.uint32))


def similarity(signature_a: bytes, signature_b: bytes) -> float:
    """The Jaccard similarity of two texts' shingle sets, estimated from their signatures."""
    a = np.frombuffer(signature_a, dtype=np.uint32)
    b = np.frombuffer(signature_b, dtype=np.uint32)
    if signature_a == EMPTY_SIGNATURE or signature_b == EMPTY_SIGNATURE:
        return 0.0
    return float((a == b).mean())
