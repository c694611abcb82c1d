"""Chinese keyword search over the catalogue.

Residents type phrases such as "办理营业执照" or "怎么办身份证"; jieba splits them into words,
generic verbs and question words are dropped, and every remaining word must appear in the
matter's name, unit, legal basis or materials.
"""

from __future__ import annotations

import jieba
from django.db.models import Case, Q, QuerySet, Value, When

# Words that say "I want to do something" without saying what.
_GENERIC = frozenset(
    {"办理", "申请", "怎么", "怎么办", "怎样", "如何", "我要", "要", "办", "需要", "哪里", "哪些"}
    | {"什么", "可以", "手续", "流程", "材料", "的", "了", "吗", "呢", "在", "去", "我", "想"}
)

jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise


def query_terms(query: str) -> list[str]:
    query = query.strip()[:100]
    if not query:
        return []
    terms: list[str] = []
    for chunk in query.split():
        words = [
            word.strip()
            for word in jieba.cut_for_search(chunk)
            if word.strip() and word.strip() not in _GENERIC
        ]
        # Keep only the longest words: "营业执照" already covers "营业" and "执照".
        words = [w for w in words if not any(w != other and w in other for other in words)]
        terms.extend(words or [chunk])
    return list(dict.fromkeys(terms))


def search_matters(queryset: QuerySet, query: str) -> QuerySet:
    """Matters matching every term, those whose own name matches first."""
    terms = query_terms(query)
    name_matches_all = Q()
    for term in terms:
        name_matches_all &= Q(name__icontains=term)
        queryset = queryset.filter(
            Q(name__icontains=term)
            | Q(unit__name__icontains=term)
            | Q(legal_basis__icontains=term)
            | Q(materials__name__icontains=term)
        )
    return (
        queryset.annotate(name_rank=Case(When(name_matches_all, then=Value(0)), default=Value(1)))
        .distinct()
        .order_by("name_rank", "unit__sort_order", "code")
    )
