"""The complaint classifier: TF-IDF over character n-grams (1–3) of the normalised text plus
the set phrases of `lexicon` (one feature per phrase found), a multinomial logistic
regression, and a temperature that calibrates its probabilities (fitted on predictions for
publishers the model did not see, `train.calibrate`).

Character n-grams need no word segmentation, which keeps the hot path fast (jieba would cost
more than the whole 10,000 texts/s budget); the phrases add what three characters cannot
see whole (推诿扯皮, 以会议落实会议). The words shown to triage staff are features that are
whole words: the phrases, and the n-grams that are words of jieba's dictionary (marked at
training time, `word_mask`), strongest first, never a fragment such as 了也没人.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from complaints.classifier import lexicon
from complaints.classifier.seed_corpus import CATEGORIES
from complaints.classifier.text import normalise

MODEL_PATH = Path(__file__).with_name("model.npz")
EMPTY_ERROR = "空文本"
MAX_WORDS = 5
# Texts per numpy pass: a larger batch's arrays spill out of the CPU caches.
BATCH = 1000
# A category is offered as an alternative when its probability is at least this share of
# the top one's (0.30 next to 0.55: say so; 0.05 next to 0.90: do not).
CLOSE_SHARE = 0.5
# Below this confidence a suggestion is marked as unsure in triage and comes first there.
LOW_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Prediction:
    """`alternatives`: the other categories whose probability is close to the top one's,
    as (category, probability), most likely first; empty when the top one stands out."""

    category: str
    confidence: float
    words: list[str] = field(default_factory=list)
    error: str | None = None
    alternatives: list[tuple[str, float]] = field(default_factory=list)

    @property
    def low_confidence(self) -> bool:
        return self.confidence < LOW_CONFIDENCE

    def as_dict(self) -> dict:
        d = {
            "category": self.category,
            "confidence": self.confidence,
            "alternatives": [{"category": c, "confidence": p} for c, p in self.alternatives],
            "words": self.words,
        }
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
    """A trained model as plain arrays: the n-gram vocabulary and the phrases (columns
    ``len(vocab) + i``), their idf weights, the logistic regression's coefficients and the
    calibration temperature. Prediction needs numpy only; scikit-learn is imported for
    training alone, and the file is loaded without unpickling anything."""

    def __init__(
        self,
        vocab: Sequence[str],
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
        classes: Sequence[str],
        ngram_range: tuple[int, int] = (1, 3),
        meta: dict | None = None,
        *,
        phrases: Sequence[str] = (),
        temperature: float = 1.0,
        word_mask: np.ndarray | None = None,
    ):
        self._vocab = [str(v) for v in vocab]
        self.phrases = tuple(str(p) for p in phrases)
        self._idf = np.asarray(idf, dtype=np.float64)
        self._coef = np.asarray(coef, dtype=np.float64)
        self._intercept = np.asarray(intercept, dtype=np.float64)
        self.classes = [str(c) for c in classes]
        self._ngram = (int(ngram_range[0]), int(ngram_range[1]))
        self.meta = dict(meta or {})
        self.temperature = float(temperature)
        n_feat = len(self._vocab) + len(self.phrases)
        if self._coef.shape != (len(self.classes), n_feat) or len(self._idf) != n_feat:
            raise ValueError("coefficients and idf must cover the n-grams and the phrases")
        if self._ngram[1] > 3:
            raise ValueError("n-grams longer than 3 characters do not fit the 63-bit keys")
        if any("\x00" in g for g in self._vocab):
            raise ValueError("the vocabulary must not contain NUL characters")
        if not self.temperature > 0:
            raise ValueError("the calibration temperature must be positive")
        # Scores are coef · x / T: fold the temperature into the coefficients once.
        # float32: half the memory traffic of the hot path's largest arrays, and far more
        # precision than the four decimals a confidence is rounded to.
        self._coef_t = np.ascontiguousarray(self._coef.T / self.temperature, dtype=np.float32)
        self._intercept_t = self._intercept / self.temperature
        if word_mask is None:
            word_mask = np.fromiter((len(g.strip()) >= 2 for g in self._vocab), dtype=np.int8) * 2
        # 2: a whole word (phrases always), 1: a word shown only when a text has no better
        # one, 0: never shown (`train._word_mask`).
        self._shown = np.concatenate(
            [np.asarray(word_mask, dtype=np.int8), np.full(len(self.phrases), 2, dtype=np.int8)]
        )
        self._names = self._vocab + list(self.phrases)
        self._sorted_keys: dict | None = None
        self._single: np.ndarray | None = None
        self._idf32 = self._idf.astype(np.float32)

    @property
    def n_features(self) -> int:
        return len(self._names)

    # -- persistence -------------------------------------------------------------------
    def save(self, path: Path | str) -> None:
        with open(path, "wb") as f:  # a file object: np.savez would append ".npz" to a name
            np.savez_compressed(
                f,
                vocab=np.array(self._vocab, dtype="<U3"),
                phrases=np.array(self.phrases, dtype=f"<U{lexicon.MAX_LENGTH}"),
                idf=self._idf.astype(np.float32),
                coef=self._coef.astype(np.float32),
                intercept=self._intercept,
                classes=np.array(self.classes),
                ngram_range=np.array(self._ngram),
                temperature=np.array(self.temperature),
                word_mask=self._shown[: len(self._vocab)],
                meta=np.array(json.dumps(self.meta, ensure_ascii=False)),
            )

    @classmethod
    def load(cls, path: Path | str) -> Classifier:
        with np.load(path, allow_pickle=False) as data:
            files = set(data.files)
            return cls(
                data["vocab"].tolist(),
                data["idf"],
                data["coef"],
                data["intercept"],
                data["classes"].tolist(),
                tuple(data["ngram_range"].tolist()),
                json.loads(str(data["meta"])),
                phrases=data["phrases"].tolist() if "phrases" in files else (),
                temperature=float(data["temperature"]) if "temperature" in files else 1.0,
                word_mask=data["word_mask"] if "word_mask" in files else None,
            )

    # -- scoring -----------------------------------------------------------------------
    def _contributions(self, X: Features) -> np.ndarray:
        """Each stored feature's contribution to each (calibrated) class score:
        (non-zeros × classes)."""
        return X.data[:, None] * self._coef_t[X.cols]

    def decision(self, X: Features, contrib: np.ndarray | None = None) -> np.ndarray:
        """Calibrated linear scores (documents × classes)."""
        if contrib is None:
            contrib = self._contributions(X)
        n_docs = X.shape[0]
        bounds = np.searchsorted(X.rows, np.arange(n_docs + 1))
        scores = np.zeros((n_docs, contrib.shape[1]))
        nonempty = bounds[1:] > bounds[:-1]
        if nonempty.any():
            # Rows are sorted: one reduceat sums each document's contributions.
            scores[nonempty] = np.add.reduceat(contrib, bounds[:-1][nonempty], axis=0)
        scores += self._intercept_t
        return scores

    def predict_proba(self, X: Features, contrib: np.ndarray | None = None) -> np.ndarray:
        """Softmax of the calibrated scores (multinomial logistic regression / T)."""
        scores = self.decision(X, contrib)
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
        classes = self.classes
        for start in range(0, len(idx), BATCH):
            part = idx[start : start + BATCH]
            X = self.transform([cleaned[i] for i in part])
            contrib = self._contributions(X)
            proba = self.predict_proba(X, contrib)
            order = np.argsort(-proba, axis=1)
            best = order[:, 0]
            top = self._top_words(X, contrib, best) if words else [[] for _ in part]
            if words:
                self._fill_empty(X, contrib, best, top, [cleaned[i] for i in part])
            ranked = np.take_along_axis(proba, order, axis=1).round(4)
            close = ranked >= ranked[:, :1] * CLOSE_SHARE
            close[:, 0] = False
            order_l, ranked_l = order.tolist(), ranked.tolist()
            any_close = close.any(axis=1).tolist()
            for row, i in enumerate(part):
                alternatives = []
                if any_close[row]:
                    alternatives = [
                        (classes[order_l[row][k]], ranked_l[row][k])
                        for k in np.flatnonzero(close[row]).tolist()
                    ]
                results[i] = Prediction(
                    classes[order_l[row][0]], ranked_l[row][0], top[row], None, alternatives
                )
        return results  # type: ignore[return-value]

    def _fill_empty(
        self,
        X: Features,
        contrib: np.ndarray,
        best: np.ndarray,
        top: list[list[str]],
        docs: Sequence[str],
    ) -> None:
        """A text none of whose whole words pushed towards its category (short, ordinary
        wording) gets its strongest n-grams widened to the jieba words they touch
        (`words.whole_words`): still whole words, at the cost of segmenting that one text
        (jieba is loaded on first need, so a batch that never needs it never pays)."""
        empty = [r for r, words in enumerate(top) if not words]
        if not empty:
            return
        per_class = contrib[np.arange(len(X.rows)), best[X.rows]]
        bounds = np.searchsorted(X.rows, np.arange(X.shape[0] + 1))
        names = self._names
        for r in empty:
            lo, hi = bounds[r], bounds[r + 1]
            strongest = np.argsort(-per_class[lo:hi])[:8] + lo
            spans = [  # single characters too: 皮 widens to 眼皮
                names[c]
                for c, value in zip(
                    X.cols[strongest].tolist(), per_class[strongest].tolist(), strict=True
                )
                if value > 0
            ]
            if spans:
                top[r] = _widen(docs[r], spans)[:MAX_WORDS]
            if not top[r]:
                # Last resort: the text's own words, by the summed push of the features
                # inside each (就走了 alone is no word; 说好, 十分钟 are).
                push = dict(
                    zip(
                        [names[c] for c in X.cols[lo:hi].tolist()],
                        per_class[lo:hi].tolist(),
                        strict=True,
                    )
                )
                top[r] = _content_words(docs[r], push)

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

    def _vocab_keys(self) -> tuple[dict[int, tuple[np.ndarray, np.ndarray]], np.ndarray]:
        """Per n-gram length (2, 3): the sorted keys of the vocabulary's n-grams with their
        columns; and a direct code point → column table (-1: not in the vocabulary) for
        single characters."""
        if self._sorted_keys is None:
            chars = np.array(self._vocab, dtype="<U3").view(np.uint32).reshape(-1, 3)
            present = chars != 0  # normalise() removes NUL, so 0 is always padding
            shifted = (chars.astype(np.uint64) + 1) * present
            keys = (
                (shifted[:, 0] << np.uint64(42)) | (shifted[:, 1] << np.uint64(21)) | shifted[:, 2]
            )
            lengths = present.sum(axis=1)
            single = np.full(0x110000, -1, dtype=np.int32)
            ones = np.flatnonzero(lengths == 1)
            single[chars[ones, 0]] = ones
            by_length = {}
            for n in (2, 3):
                cols = np.flatnonzero(lengths == n)
                order = cols[np.argsort(keys[cols])]
                by_length[n] = (keys[order], order)
            self._sorted_keys, self._single = by_length, single  # type: ignore[assignment]
        return self._sorted_keys, self._single  # type: ignore[return-value]

    def transform(self, docs: Sequence[str]) -> Features:
        """TF-IDF features of already-normalised texts, computed for the whole batch at once.

        Same values as the scikit-learn vectorizer of `train.fit` with this vocabulary and
        idf (a test checks it), but no n-gram is ever built as a Python string: the batch's
        code points become one numpy array, each n-gram an exact 63-bit integer key (21 bits
        per character), looked up in the vocabulary's sorted keys; the phrases are found by
        `lexicon.find` on the same array.
        """
        lo, hi = self._ngram
        n_docs, n_feat = len(docs), self.n_features
        lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=n_docs)
        codes = np.frombuffer("".join(docs).encode("utf-32-le"), dtype=np.uint32)
        doc_of = np.repeat(np.arange(n_docs), lengths)
        room = np.cumsum(lengths)[doc_of] - np.arange(len(codes))  # chars left in the doc
        by_length, single = self._vocab_keys()
        parts = []
        if lo == 1:
            found = single[codes]
            hit = found >= 0
            parts.append(doc_of[hit] * n_feat + found[hit])
        # A trigram is looked up only where its first two characters are a vocabulary
        # bigram (a trigram that made the vocabulary has a prefix at least as frequent).
        where = np.flatnonzero(room >= 2)
        for n in range(max(lo, 2), hi + 1):
            if n > 2:
                where = where[room[where] >= n]
            keys = self._keys(codes, n)[where]
            vkeys, vcols = by_length[n]
            if not len(vkeys):
                where = where[:0]
                continue
            pos = np.searchsorted(vkeys, keys)
            pos[pos >= len(vkeys)] = 0
            hit = vkeys[pos] == keys
            where = where[hit]
            parts.append(doc_of[where] * n_feat + vcols[pos[hit]])
        if self.phrases:
            at, which = lexicon.find(codes, room, self.phrases)
            parts.append(doc_of[at] * n_feat + len(self._vocab) + which)
        cells = np.concatenate(parts)
        if n_docs * n_feat < 2**31:  # a batch's cells fit in 32 bits: a faster sort
            cells = cells.astype(np.int32)
        cells, tf = np.unique(cells, return_counts=True)
        rows, cols = np.divmod(cells.astype(np.int64), n_feat)
        data = (np.log(tf).astype(np.float32) + np.float32(1.0)) * self._idf32[cols]
        norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=n_docs))
        norms[norms == 0] = 1.0
        data /= norms[rows].astype(np.float32)
        return Features(rows, cols, data, (n_docs, n_feat))

    def classify(self, text: object) -> Prediction:
        return self.classify_many([text])[0]

    def explain(self, text: object) -> list[str]:
        return self.classify(text).words

    def _top_words(
        self, X: Features, contrib: np.ndarray, best: np.ndarray, per_row: int = 8
    ) -> list[list[str]]:
        """For each row, the whole words and phrases that pushed hardest towards its
        predicted class, strongest first; a word inside a stronger phrase already shown
        (推诿 inside 推诿扯皮) is left out. Candidates are chosen for the whole batch at once."""
        contrib = contrib[np.arange(len(X.rows)), best[X.rows]]
        shown = self._shown[X.cols]
        keep = (contrib > 0) & (shown > 0)
        rows, cols, contrib, shown = X.rows[keep], X.cols[keep], contrib[keep], shown[keep]
        # One sort: by row, whole words before fallback ones, then strongest first
        # (contributions are positive, so 0.49 / (1 + contribution) orders them).
        key = rows + 0.5 * (shown < 2) + 0.49 / (1.0 + contrib.astype(np.float64))
        order = np.argsort(key, kind="stable")
        rows, cols, shown = rows[order], cols[order], shown[order]
        starts = np.searchsorted(rows, np.arange(X.shape[0]))
        sel = (np.arange(len(rows)) - starts[rows]) < per_row
        out: list[list[str]] = [[] for _ in range(X.shape[0])]
        names = self._names
        for r, c, level in zip(
            rows[sel].tolist(), cols[sel].tolist(), shown[sel].tolist(), strict=True
        ):
            words = out[r]
            if len(words) >= MAX_WORDS or (level < 2 and words):
                continue  # a fallback word only for a text with no whole word at all
            name = names[c]
            if words:
                if name in "\x00".join(words):
                    continue  # inside a stronger word already shown
                # 好处费 replaces 好处 (a two-character name cannot contain another word)
                if len(name) > 2 and any(w in name for w in words):
                    words[:] = [w for w in words if w not in name]
            words.append(name)
        return out


def _widen(text: str, spans: list[str]) -> list[str]:
    from complaints.classifier.words import whole_words

    return whole_words(text, spans, normalised=True)


def _content_words(text: str, push: dict[str, float]) -> list[str]:
    """The words of `text` (jieba, function words left out) whose features' contributions
    sum to a push towards the category, strongest first."""
    from complaints.classifier.words import is_word, tokenizer

    words = dict.fromkeys(w for w, *_ in tokenizer().tokenize(text) if is_word(w))
    scored = [(sum(v for name, v in push.items() if name in w), w) for w in words]
    return [w for score, w in sorted(scored, key=lambda sw: -sw[0]) if score > 0][:MAX_WORDS]


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
