"""Training: the labelled texts (the official corpus, the generated colloquial seed, staff-
confirmed labels), the scikit-learn fit that `model.Classifier` reproduces with numpy, the
calibration temperature, and the evaluation split by publisher.

    pairs = training_pairs(load_records(CORPUS_PATH), per_category=600, staff=[])
    clf, report = build_model(pairs, records=corpus, folds=5)

Every text of a publisher is predicted by a model that saw nothing of that publisher
(`cross_validate`, publishers dealt into folds); those out-of-fold scores also fit the
temperature, so a confidence of 0.7 means about seven in ten right on sources it never saw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from complaints.classifier import lexicon
from complaints.classifier.model import Classifier
from complaints.classifier.seed_corpus import CATEGORIES, generate
from complaints.classifier.text import normalise

# The official texts are few next to the generated ones; each counts this many times.
CORPUS_WEIGHT = 3.0
STAFF_WEIGHT = 3.0
C = 10.0
MAX_FEATURES = 60000
_PHRASE = "\x00"  # normalise() removes NUL, so no character n-gram starts with it


@dataclass(frozen=True)
class Example:
    label: str
    text: str
    weight: float = 1.0
    group: str = ""  # the publisher, for splitting by source; "" for generated/staff texts
    kind: str = ""


def training_pairs(
    records: Sequence, per_category: int, staff: Sequence[tuple[str, str]] = (), seed: int = 1
) -> list[Example]:
    """The official records (weighted CORPUS_WEIGHT, grouped by publisher), the generated
    colloquial seed texts (`per_category` a category, training templates only) and staff-
    confirmed (category, text) pairs."""
    examples = [
        Example(r.label, r.text, CORPUS_WEIGHT, r.source["publisher"], r.kind) for r in records
    ]
    if per_category:
        examples += [Example(c, t) for c, t in generate(per_category, seed=seed, split="train")]
    examples += [Example(c, t, STAFF_WEIGHT, "", "staff") for c, t in staff]
    unknown = sorted({e.label for e in examples} - set(CATEGORIES))
    if unknown:
        raise ValueError(f"unknown categories {unknown}; expected one of {list(CATEGORIES)}")
    return examples


def analyse(doc: str) -> list[str]:
    """The features of one normalised text, as `Classifier.transform` computes them:
    character 1–3-grams, then each phrase occurrence (marked with a leading NUL)."""
    grams = [doc[i : i + n] for n in (1, 2, 3) for i in range(len(doc) - n + 1)]
    grams += [_PHRASE + p for p in lexicon.phrases_in(doc)]
    return grams


def _word_mask(vocab: Sequence[str], docs: Sequence[str] = ()) -> np.ndarray:
    """Which n-grams are whole words, as int8: 2 = a word, 1 = a word only when nothing
    better is at hand, 0 = never shown. A word is in jieba's dictionary, has two characters
    or more and is not a function word; given the normalised training texts `docs`, it is a
    full word (2) when jieba segments it as a word of its own in at least half of the texts
    containing it, and never shown when in under a fifth (作人 is in the dictionary but
    nearly always the middle of 工作人员). Only these (and the phrases) are ever shown as
    the words behind a suggestion."""
    from complaints.classifier.words import STOP_WORDS, tokenizer

    jieba = tokenizer()
    freq = jieba.FREQ
    candidates = {
        g
        for g in vocab
        if len(g) >= 2
        and freq.get(g, 0) > 0
        and g not in STOP_WORDS
        and all(ch.isalnum() for ch in g)
        and not g.isdigit()
    }
    level = dict.fromkeys(candidates, 2)
    if docs:
        as_token: dict[str, int] = dict.fromkeys(candidates, 0)
        inside: dict[str, int] = dict.fromkeys(candidates, 0)
        for doc in dict.fromkeys(docs):  # each distinct text once
            tokens = set(jieba.lcut(doc))
            for g in candidates:
                if g in doc:
                    inside[g] += 1
                    as_token[g] += g in tokens
        for g in candidates:
            if inside[g] and as_token[g] * 2 < inside[g]:
                level[g] = 1 if as_token[g] * 5 >= inside[g] else 0
    return np.fromiter((level.get(g, 0) for g in vocab), dtype=np.int8, count=len(vocab))


def fit_sklearn(examples: Sequence[Example], c: float = C):
    """The fitted scikit-learn vectorizer and logistic regression, and the column order
    (n-grams first, phrases after) that `Classifier` stores them in."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(
        analyzer=analyse,
        min_df=2,
        max_features=MAX_FEATURES,
        sublinear_tf=True,
        dtype=np.float32,
    )
    X = vectorizer.fit_transform([normalise(e.text) for e in examples])
    model = LogisticRegression(C=c, max_iter=3000)
    model.fit(X, [e.label for e in examples], sample_weight=[e.weight for e in examples])
    names = vectorizer.get_feature_names_out().tolist()
    grams = [i for i, g in enumerate(names) if not g.startswith(_PHRASE)]
    phrases = [i for i, g in enumerate(names) if g.startswith(_PHRASE)]
    return vectorizer, model, grams + phrases


def fit(
    examples: Sequence[Example], meta: dict | None = None, c: float = C, words: bool = True
) -> Classifier:
    """Fit the vectorizer and the logistic regression; the classifier as plain arrays,
    n-grams first, phrases after (temperature 1: `calibrate` sets it). `words=False` skips
    marking the whole words (a cross-validation fold shows none)."""
    vectorizer, model, columns = fit_sklearn(examples, c)
    names = vectorizer.get_feature_names_out().tolist()
    docs = [normalise(e.text) for e in examples] if words else []
    vocab = [names[i] for i in columns if not names[i].startswith(_PHRASE)]
    return Classifier(
        vocab,
        vectorizer.idf_[columns],
        model.coef_[:, columns],
        model.intercept_,
        model.classes_,
        (1, 3),
        meta,
        phrases=[names[i][1:] for i in columns if names[i].startswith(_PHRASE)],
        word_mask=_word_mask(vocab, docs) if words else np.zeros(len(vocab), dtype=np.int8),
    )


def calibrate(scores: np.ndarray, labels: Sequence[str], classes: Sequence[str]) -> float:
    """The temperature T minimising the log loss of softmax(scores / T) on out-of-fold
    scores (uncalibrated, T = 1); 1.0 when there are none."""
    if not len(labels):
        return 1.0
    y = np.array([list(classes).index(label) for label in labels])
    best, best_loss = 1.0, np.inf
    for t in np.exp(np.linspace(np.log(0.2), np.log(8.0), 161)):
        s = scores / t
        s = s - s.max(axis=1, keepdims=True)
        logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        loss = -logp[np.arange(len(y)), y].mean()
        if loss < best_loss:
            best, best_loss = float(t), loss
    return best


@dataclass
class CrossValidation:
    """Out-of-fold predictions for every grouped example (publisher never seen in training)."""

    labels: list[str] = field(default_factory=list)
    predictions: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    scores: np.ndarray | None = None
    folds: int = 0
    groups: int = 0


def cross_validate(
    examples: Sequence[Example], folds: int, c: float = C, progress=None
) -> CrossValidation:
    """Deal the publishers (sorted) into `folds` folds; for each fold, train on everything
    else (other publishers, the seed, staff labels) and predict that fold's texts."""
    groups = sorted({e.group for e in examples if e.group})
    cv = CrossValidation(folds=min(folds, len(groups)), groups=len(groups))
    if cv.folds < 2:
        return cv
    score_rows = []
    for k in range(cv.folds):
        held = set(groups[k :: cv.folds])
        train = [e for e in examples if e.group not in held]
        test = [e for e in examples if e.group in held]
        clf = fit(train, c=c, words=False)
        X = clf.transform([normalise(e.text) for e in test])
        scores = clf.decision(X)
        score_rows.append(scores)
        cv.labels += [e.label for e in test]
        cv.kinds += [e.kind for e in test]
        cv.predictions += [clf.classes[i] for i in scores.argmax(axis=1).tolist()]
        if progress:
            progress(k + 1, cv.folds)
    cv.scores = np.vstack(score_rows)
    return cv


def build_model(
    examples: Sequence[Example],
    folds: int = 5,
    meta: dict | None = None,
    c: float = C,
    progress=None,
) -> tuple[Classifier, CrossValidation]:
    """Cross-validate by publisher, fit the temperature on the out-of-fold scores, fit the
    final model on everything."""
    cv = cross_validate(examples, folds, c, progress)
    clf = fit(examples, meta, c)
    if cv.scores is not None:
        clf = Classifier(
            clf._vocab,
            clf._idf,
            clf._coef,
            clf._intercept,
            clf.classes,
            clf._ngram,
            clf.meta,
            phrases=clf.phrases,
            temperature=calibrate(cv.scores, cv.labels, clf.classes),
            word_mask=clf._shown[: len(clf._vocab)],
        )
    clf.meta["temperature"] = round(clf.temperature, 4)
    return clf, cv
