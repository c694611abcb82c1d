"""The complaint classifier: character n-grams (1–3) of the normalised text, TF-IDF weighted,
and a multinomial logistic regression. Confidence is the highest predicted probability.

Character n-grams need no word segmentation, which keeps the hot path fast (jieba would cost
more than the whole 10,000 texts/s budget). The words shown to triage staff are the spans of
the normalised text covered by the n-grams that pushed hardest towards the predicted category,
overlapping n-grams merged into one span.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

import numpy as np

from complaints.classifier.seed_corpus import CATEGORIES
from complaints.classifier.text import normalise

MODEL_PATH = Path(__file__).with_name("model.npz")
EMPTY_ERROR = "空文本"
MAX_WORDS = 5
# Texts per numpy pass: a larger batch's arrays spill out of the CPU caches (5,000 texts at
# once classify about a third slower than five passes of 1,000).
BATCH = 1000
_EDGE = " ，。,.!！?？~、：:；;"


@dataclass(frozen=True)
class Prediction:
    category: str
    confidence: float
    words: list[str] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict:
        d = {"category": self.category, "confidence": self.confidence, "words": self.words}
        if self.error:
            d["error"] = self.error
        return d


def _coerce(text: object) -> str:
    if text is None:
        return ""
    if isinstance(text, bytes):
        return text.decode("utf-8", errors="replace")
    if not isinstance(text, str):
        raise TypeError(f"a complaint text must be str, not {type(text).__name__}")
    return text


class Features(NamedTuple):
    """A batch's TF-IDF matrix in coordinate form, sorted by row then column."""

    rows: np.ndarray
    cols: np.ndarray
    data: np.ndarray
    shape: tuple[int, int]


class Classifier:
    """A trained model as plain arrays: the n-gram vocabulary, its idf weights, and the
    logistic regression's coefficients. Prediction needs numpy only; scikit-learn
    is imported for training alone, and the file is loaded without unpickling anything."""

    def __init__(
        self,
        vocab: Sequence[str],
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
        classes: Sequence[str],
        ngram_range: tuple[int, int] = (1, 3),
        meta: dict | None = None,
    ):
        self._vocab = [str(v) for v in vocab]
        self._index = {g: i for i, g in enumerate(self._vocab)}
        self._idf = np.asarray(idf, dtype=np.float64)
        self._coef = np.asarray(coef, dtype=np.float64)
        self._intercept = np.asarray(intercept, dtype=np.float64)
        self._coef_t = np.ascontiguousarray(self._coef.T)
        self.classes = [str(c) for c in classes]
        self._ngram = (int(ngram_range[0]), int(ngram_range[1]))
        self.meta = dict(meta or {})
        if self._ngram[1] > 3:
            raise ValueError("n-grams longer than 3 characters do not fit the 63-bit keys")
        self._sorted_keys: np.ndarray | None = None
        self._sorted_cols: np.ndarray | None = None
        self._single: np.ndarray | None = None
        if any("\x00" in g for g in self._vocab):
            raise ValueError("the vocabulary must not contain NUL characters")
        self._long = np.fromiter((len(g.strip()) >= 2 for g in self._vocab), dtype=bool)

    @classmethod
    def from_sklearn(cls, vectorizer, model, meta: dict | None = None) -> Classifier:
        return cls(
            vectorizer.get_feature_names_out(),
            vectorizer.idf_,
            model.coef_,
            model.intercept_,
            model.classes_,
            vectorizer.ngram_range,
            meta,
        )

    # -- persistence -------------------------------------------------------------------
    def save(self, path: Path | str) -> None:
        with open(path, "wb") as f:  # a file object: np.savez would append ".npz" to a name
            np.savez_compressed(
                f,
                vocab=np.array(self._vocab, dtype="<U3"),
                idf=self._idf.astype(np.float32),
                coef=self._coef.astype(np.float32),
                intercept=self._intercept,
                classes=np.array(self.classes),
                ngram_range=np.array(self._ngram),
                meta=np.array(json.dumps(self.meta, ensure_ascii=False)),
            )

    @classmethod
    def load(cls, path: Path | str) -> Classifier:
        with np.load(path, allow_pickle=False) as data:
            return cls(
                data["vocab"].tolist(),
                data["idf"],
                data["coef"],
                data["intercept"],
                data["classes"].tolist(),
                tuple(data["ngram_range"].tolist()),
                json.loads(str(data["meta"])),
            )

    def _contributions(self, X: Features) -> np.ndarray:
        """Each stored feature's contribution to each class score: (non-zeros × classes)."""
        return X.data[:, None] * self._coef_t[X.cols]

    def predict_proba(self, X: Features, contrib: np.ndarray | None = None) -> np.ndarray:
        """Softmax of the linear scores (multinomial logistic regression)."""
        if contrib is None:
            contrib = self._contributions(X)
        n_docs = X.shape[0]
        # Row sums of the contributions: rows are sorted, so differences of a running sum.
        running = np.vstack([np.zeros((1, contrib.shape[1])), np.cumsum(contrib, axis=0)])
        bounds = np.searchsorted(X.rows, np.arange(n_docs + 1))
        scores = running[bounds[1:]] - running[bounds[:-1]]
        scores += self._intercept
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores

    # -- prediction --------------------------------------------------------------------
    def classify_many(self, texts: Iterable[object], words: bool = True) -> list[Prediction]:
        return self.classify_normalised([normalise(_coerce(t)) for t in texts], words)

    def classify_normalised(self, cleaned: Sequence[str], words: bool = True) -> list[Prediction]:
        """`classify_many` for texts already passed through `normalise` (a caller that also
        needs the normalised text, such as the near-duplicate signatures, does it once)."""
        results: list[Prediction | None] = [None] * len(cleaned)
        idx = [i for i, t in enumerate(cleaned) if t]
        for i, t in enumerate(cleaned):
            if not t:
                results[i] = Prediction("other", 0.0, [], EMPTY_ERROR)
        for start in range(0, len(idx), BATCH):
            part = idx[start : start + BATCH]
            X = self.transform([cleaned[i] for i in part])
            contrib = self._contributions(X)
            proba = self.predict_proba(X, contrib)
            best = proba.argmax(axis=1).tolist()
            top = self._top_grams(X, contrib, best) if words else [[] for _ in part]
            conf = proba[np.arange(len(part)), best].round(4).tolist()
            for row, i in enumerate(part):
                ws = self._spans(top[row], cleaned[i]) if words else []
                results[i] = Prediction(self.classes[best[row]], conf[row], ws)
        return results  # type: ignore[return-value]

    @staticmethod
    def _keys(codes: np.ndarray, n: int) -> np.ndarray:
        """Exact 63-bit keys of the n-grams starting at each position (code point + 1 in
        21 bits each; positions past the end count as 0)."""
        m = len(codes)
        key = np.zeros(m, dtype=np.uint64)
        for j in range(n):
            part = np.zeros(m, dtype=np.uint64)
            part[: m - j] = codes[j:].astype(np.uint64) + 1
            key |= part << np.uint64(21 * (2 - j))
        return key

    def _vocab_keys(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sorted keys of the multi-character n-grams with their columns, and a direct
        code point → column table (-1: not in the vocabulary) for single characters."""
        if self._sorted_keys is None:
            chars = np.array(self._vocab, dtype="<U3").view(np.uint32).reshape(-1, 3)
            present = chars != 0  # normalise() removes NUL, so 0 is always padding
            shifted = (chars.astype(np.uint64) + 1) * present
            keys = (
                (shifted[:, 0] << np.uint64(42)) | (shifted[:, 1] << np.uint64(21)) | shifted[:, 2]
            )
            lengths = present.sum(axis=1)
            single = np.full(0x110000, -1, dtype=np.int64)
            ones = np.flatnonzero(lengths == 1)
            single[chars[ones, 0]] = ones
            multi = np.flatnonzero(lengths > 1)
            order = multi[np.argsort(keys[multi])]
            self._sorted_keys, self._sorted_cols, self._single = keys[order], order, single
        return self._sorted_keys, self._sorted_cols, self._single  # type: ignore[return-value]

    def transform(self, docs: Sequence[str]) -> Features:
        """TF-IDF features of already-normalised texts, computed for the whole batch at once.

        Same values as scikit-learn's TfidfVectorizer(analyzer="char", sublinear_tf=True)
        with this vocabulary and idf (a test checks it), but no n-gram is ever built as a
        Python string: the batch's code points become one numpy array, each n-gram an exact
        63-bit integer key (21 bits per character), looked up in the vocabulary's sorted keys.
        """
        lo, hi = self._ngram
        n_docs, n_feat = len(docs), len(self._vocab)
        lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=n_docs)
        codes = np.frombuffer("".join(docs).encode("utf-32-le"), dtype=np.uint32)
        doc_of = np.repeat(np.arange(n_docs), lengths)
        room = np.cumsum(lengths)[doc_of] - np.arange(len(codes))  # chars left in the doc
        vkeys, vcols, single = self._vocab_keys()
        parts = []
        if lo == 1:
            found = single[codes]
            hit = found >= 0
            parts.append(doc_of[hit] * n_feat + found[hit])
        for n in range(max(lo, 2), hi + 1):
            ok = room >= n
            keys = self._keys(codes, n)[ok]
            pos = np.searchsorted(vkeys, keys)
            pos[pos >= len(vkeys)] = 0
            hit = vkeys[pos] == keys
            parts.append(doc_of[ok][hit] * n_feat + vcols[pos[hit]])
        cells, tf = np.unique(np.concatenate(parts), return_counts=True)
        rows, cols = np.divmod(cells, n_feat)
        data = (np.log(tf) + 1.0) * self._idf[cols]
        norms = np.sqrt(np.bincount(rows, weights=data**2, minlength=n_docs))
        norms[norms == 0] = 1.0
        data /= norms[rows]
        return Features(rows, cols, data, (n_docs, n_feat))

    def classify(self, text: object) -> Prediction:
        return self.classify_many([text])[0]

    def explain(self, text: object) -> list[str]:
        return self.classify(text).words

    def _top_grams(
        self, X: Features, contrib: np.ndarray, best: list[int], per_row: int = 6
    ) -> list[list[str]]:
        """For each row, the n-grams (2+ characters) that pushed hardest towards its predicted
        class, strongest first; computed for the whole batch at once."""
        contrib = contrib[np.arange(len(X.rows)), np.asarray(best)[X.rows]]
        keep = (contrib > 0) & self._long[X.cols]
        rows, cols, contrib = X.rows[keep], X.cols[keep], contrib[keep]
        order = np.lexsort((-contrib, rows))
        rows, cols = rows[order], cols[order]
        starts = np.searchsorted(rows, np.arange(X.shape[0]))
        sel = (np.arange(len(rows)) - starts[rows]) < per_row
        out: list[list[str]] = [[] for _ in range(X.shape[0])]
        vocab = self._vocab
        for r, c in zip(rows[sel].tolist(), cols[sel].tolist(), strict=True):
            out[r].append(vocab[c])
        return out

    @staticmethod
    def _spans(grams: list[str], text: str) -> list[str]:
        """The spans of ``text`` covered by ``grams`` (strongest first), overlapping ones
        merged, in the order of each span's strongest n-gram."""
        spans = sorted(
            (pos, pos + len(g), rank) for rank, g in enumerate(grams) if (pos := text.find(g)) >= 0
        )
        merged: list[list[int]] = []
        for s, e, rank in spans:
            if merged and s <= merged[-1][1]:
                last = merged[-1]
                if e > last[1]:
                    last[1] = e
                if rank < last[2]:
                    last[2] = rank
            else:
                merged.append([s, e, rank])
        merged.sort(key=itemgetter(2))
        out: list[str] = []
        for s, e, _ in merged:
            w = text[s:e].strip(_EDGE)
            if w and w not in out:
                out.append(w)
        return out[:MAX_WORDS]


def fit_sklearn(texts: Sequence[str], labels: Sequence[str], c: float = 10.0):
    """The scikit-learn vectorizer and model fitted on raw texts (normalised here)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    unknown = sorted(set(labels) - set(CATEGORIES))
    if unknown:
        raise ValueError(f"unknown categories {unknown}; expected one of {list(CATEGORIES)}")
    vectorizer = TfidfVectorizer(
        analyzer="char",
        ngram_range=(1, 3),
        min_df=2,
        max_features=60000,
        sublinear_tf=True,
        lowercase=False,
        dtype=np.float32,
    )
    X = vectorizer.fit_transform([normalise(t) for t in texts])
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit(X, list(labels))
    return vectorizer, model


def build(
    texts: Sequence[str], labels: Sequence[str], meta: dict | None = None, c: float = 10.0
) -> Classifier:
    """Fit a classifier on raw texts (normalised here, exactly as at prediction time)."""
    vectorizer, model = fit_sklearn(texts, labels, c)
    return Classifier.from_sklearn(vectorizer, model, meta)


def accuracy_report(
    clf: Classifier, texts: Sequence[str], labels: Sequence[str]
) -> dict[str, tuple[int, int]]:
    """{category: (correct, total)} plus "overall"."""
    preds = clf.classify_many(texts, words=False)
    report: dict[str, list[int]] = {c: [0, 0] for c in CATEGORIES}
    for p, y in zip(preds, labels, strict=True):
        report[y][1] += 1
        report[y][0] += int(p.category == y)
    correct = sum(v[0] for v in report.values())
    total = sum(v[1] for v in report.values())
    out = {c: (v[0], v[1]) for c, v in report.items() if v[1]}
    out["overall"] = (correct, total)
    return out


def format_report(name: str, report: dict[str, tuple[int, int]]) -> list[str]:
    lines = []
    for cat, (ok, n) in report.items():
        if cat == "overall":
            continue
        lines.append(f"  {name} {cat:<14} {ok / n:6.1%}  ({ok}/{n})")
    ok, n = report["overall"]
    lines.append(f"{name} accuracy: {ok / n:.1%} ({ok}/{n})")
    return lines
