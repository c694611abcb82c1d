"""Whole words behind a suggestion, for triage staff.

The classifier shows only features that are whole words (`train._word_mask`: words jieba
segments as such in the training texts, and the set phrases of `lexicon`), so what it stores
is already words. Complaints filed under the earlier model carry character spans that cut
across words (了也没人, 民、了); `whole_words` widens each span to the jieba words it touches
and drops function words (了, 也, 我们 ...), single characters and punctuation: 了也没人 →
没人修, 为民、了 → 为民. Segmentation costs about 0.1 ms a text, paid by the pages that show
the words, never by the classifier's hot path or the hotline import.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

from complaints.classifier.text import normalise

MAX_WORDS = 5
# Words of the taxonomy jieba's general dictionary would split (design §1).
DOMAIN_WORDS = (
    "门难进",
    "脸难看",
    "事难办",
    "吃拿卡要",
    "走过场",
    "走马观花",
    "一刀切",
    "一关了之",
    "两张皮",
    "各行其是",
    "报喜不报忧",
    "一问三不知",
    "找熟人",
    "不作为",
    "慢作为",
    "乱作为",
    "推诿",
    "扯皮",
    "好处费",
    "不耐烦",
    "态度恶劣",
)
# Function words that say nothing about the category, whatever their length.
_STOP = """
    一个 一些 一下 一直 一样 一次 一点 上面 下面 不是 不要 为了 之后 之前 也是 了解 什么 今天
    他们 以后 以前 们 但是 你们 值得 关于 其他 其实 再次 出来 可以 可能 各位 同时 后来 因为
    她们 如果 它们 就是 已经 很多 怎么 怎样 总是 我们 所以 所有 把 然后 现在 当时 的话 相关
    真的 知道 而且 而是 自己 虽然 这个 这些 这么 这样 这种 这里 那个 那些 那么 那样 那里 还是
    还有 进行 通过 非常 哪里 为什么 是否 或者 还要 只是 只有 没有 有的 一般 每次 几次 多次
    别的 这事 那事 这件 那件 事情 东西 时候 好几 一下子 问题 情况 工作 有关 相关 方面
"""
STOP_WORDS = frozenset(_STOP.split())

_lock = threading.Lock()
_tokenizer: Any = None


def tokenizer() -> Any:
    """One jieba tokenizer of our own (the global one is left as other code set it up),
    with the taxonomy's words added; loaded on first use."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                made = jieba.Tokenizer()
                made.initialize()
                from complaints.classifier.lexicon import PHRASES

                for word in (*DOMAIN_WORDS, *PHRASES):
                    made.add_word(word)
                _tokenizer = made
    return _tokenizer


def is_word(token: str) -> bool:
    """A token worth showing: two characters or more, not a function word or a number."""
    if len(token) < 2 or token in STOP_WORDS:
        return False
    if token.isdigit():
        return False
    return any(ch.isalnum() for ch in token)


def whole_words(text: str, spans: Iterable[str], *, normalised: bool = False) -> list[str]:
    """The words of ``text`` that the classifier's ``spans`` (strongest first) touch, in the
    spans' order, function words and fragments left out, at most MAX_WORDS."""
    cleaned = text if normalised else normalise(text)
    spans = [span for span in spans if span]
    if not cleaned or not spans:
        return []
    tokens = list(tokenizer().tokenize(cleaned))
    out: list[str] = []
    for span in spans:
        start = cleaned.find(span.lower())
        if start < 0:
            continue
        end = start + len(span)
        for word, begin, finish in tokens:
            if finish <= start or begin >= end:
                continue
            if is_word(word) and word not in out:
                out.append(word)
        if len(out) >= MAX_WORDS:
            break
    return out[:MAX_WORDS]
