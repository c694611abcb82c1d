"""An in-memory copy index: reports added in time order, queried for the earlier reports a new
one may have copied. The app may keep the same data in the database instead (the signature on
the report row, the band keys in an indexed table); this class is what the benchmark times and
what a batch job can use.

A query takes the reports that share at least one LSH band with the new one, then keeps those
whose estimated containment (from the MinHash Jaccard estimate and the shingle counts) could
reach the threshold with a margin for the estimate's error, largest first, at most
MAX_CANDIDATES. Only those are compared exactly. The index also knows, per directive, the text
most units write in their reports on it (`common`, the base-file rule over every indexed
report, not only the candidates), which `check` passes on as boilerplate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from .copying import COPY_THRESHOLD, common_shingles
from .documents import Finding, ReportDoc
from .shingles import EMPTY_SIGNATURE, HASHES, Shingled, band_keys_of, signatures_of

# The estimated containment of a 128-value signature errs by up to ~0.1 at this size; the
# containment of non-boilerplate text is at least the raw one when the source holds the same
# boilerplate, and the exact comparison decides.
CANDIDATE_MARGIN = 0.2
MAX_CANDIDATES = 200
# The text most units write on a directive is recomputed when the directive's reports have
# grown by this share since the last computation (amortised: adding one report at a time
# does not redo the work each time).
COMMON_REFRESH_GROWTH = 0.1


class CopyIndex:
    def __init__(self) -> None:
        self._docs: list[ReportDoc] = []
        self._shingled: list[Shingled] = []
        self._sizes = np.empty(1024, dtype=np.float64)
        self._matrix = np.empty((1024, HASHES), dtype=np.uint32)
        self._buckets: dict[int, int | list[int]] = {}
        self._row_of: dict[int, int] = {}
        self._rows_by_directive: dict[int, list[int]] = {}
        # directive → (its report count when computed, the common shingles)
        self._common: dict[int, tuple[int, np.ndarray]] = {}
        # directive → unit → the distinct shingles of all its reports on the directive
        self._unit_shingles: dict[int, dict[int, np.ndarray]] = {}

    def __len__(self) -> int:
        return len(self._docs)

    def add(self, doc: ReportDoc) -> None:
        self.add_many([doc])

    def add_many(self, docs: Iterable[ReportDoc]) -> None:
        """Add reports (numpy signatures for the whole batch)."""
        docs = list(docs)
        shingled = [Shingled.of(doc.text) for doc in docs]
        matrix = signatures_of([s.distinct for s in shingled])
        needed = len(self._docs) + len(docs)
        if needed > len(self._sizes):
            size = max(needed, 2 * len(self._sizes))
            self._matrix = np.resize(self._matrix, (size, HASHES))
            self._sizes = np.resize(self._sizes, size)
        buckets = self._buckets
        get = buckets.get
        for doc, shingles, values in zip(docs, shingled, matrix, strict=True):
            row = len(self._docs)
            self._docs.append(doc)
            self._shingled.append(shingles)
            self._row_of[doc.key] = row
            self._rows_by_directive.setdefault(doc.directive_id, []).append(row)
            self._matrix[row] = values
            self._sizes[row] = len(shingles.distinct)
            # A lone row is kept as the int itself (most buckets never get a second one).
            for key in band_keys_of(values):
                bucket = get(key)
                if bucket is None:
                    buckets[key] = row
                elif type(bucket) is int:
                    buckets[key] = [bucket, row]
                else:
                    bucket.append(row)

        for directive_id in {doc.directive_id for doc in docs}:
            self.common(directive_id)

    def common(self, directive_id: int) -> np.ndarray:
        """The shingles most units write in their reports on a directive (boilerplate by the
        base-file rule), recomputed when its reports grew by COMMON_REFRESH_GROWTH. Each unit's
        shingles are merged incrementally, so a refresh costs one count over the units."""
        rows = self._rows_by_directive.get(directive_id, [])
        held = self._common.get(directive_id)
        if held is not None and len(rows) <= held[0] * (1 + COMMON_REFRESH_GROWTH):
            return held[1]
        units = self._unit_shingles.setdefault(directive_id, {})
        done = held[0] if held is not None else 0
        new: dict[int, list[np.ndarray]] = {}
        for row in rows[done:]:
            new.setdefault(self._docs[row].unit_id, []).append(self._shingled[row].distinct)
        for unit, parts in new.items():
            if unit in units:
                parts.append(units[unit])
            units[unit] = np.unique(np.concatenate(parts))
        common = common_shingles(list(units.items()))
        self._common[directive_id] = (len(rows), common)
        return common

    def prepared(self, key: int) -> Shingled | None:
        row = self._row_of.get(key)
        return None if row is None else self._shingled[row]

    def query(self, doc: ReportDoc) -> list[ReportDoc]:
        """The earlier (or same-period) indexed reports `doc` may have copied, best first."""
        row = self._row_of.get(doc.key)
        if row is not None:
            shingles, values = self._shingled[row], self._matrix[row]
        else:
            shingles = Shingled.of(doc.text)
            values = signatures_of([shingles.distinct])[0]
        if values.tobytes() == EMPTY_SIGNATURE:
            return []
        rows: list[int] = []
        for bucket in map(self._buckets.get, band_keys_of(values)):
            if bucket is None:
                continue
            if type(bucket) is int:
                rows.append(bucket)
            else:
                rows.extend(bucket)
        if not rows:
            return []
        found = np.unique(np.fromiter(rows, dtype=np.int64, count=len(rows)))
        if row is not None:
            found = found[found != row]
        jaccard = (self._matrix[found] == values).mean(axis=1)
        # |A ∩ B| = J (|A| + |B|) / (1 + J); containment of A in B = |A ∩ B| / |A|.
        mine = max(len(shingles.distinct), 1)
        containment = jaccard * (mine + self._sizes[found]) / (1 + jaccard) / mine
        keep = containment >= COPY_THRESHOLD - CANDIDATE_MARGIN
        found, containment = found[keep], containment[keep]
        order = np.argsort(-containment, kind="stable")[:MAX_CANDIDATES]
        docs = self._docs
        return [docs[i] for i in found[order].tolist() if docs[i].period <= doc.period]

    def check(
        self, doc: ReportDoc, directive_text: str = "", boilerplate_texts: Sequence[str] = ()
    ) -> list[Finding]:
        """`find_formalism` of `doc` against its candidates in this index."""
        from . import find_formalism

        candidates = self.query(doc)
        prepared = {c.key: s for c in candidates if (s := self.prepared(c.key)) is not None}
        own = self.prepared(doc.key)
        if own is not None:
            prepared[doc.key] = own
        return find_formalism(
            doc,
            candidates,
            directive_text,
            list(boilerplate_texts),
            prepared=prepared,
            common=self.common(doc.directive_id),
        )
