"""Chinese keyword search over the catalogue, ranked by relevance.

Residents type phrases such as "办理营业执照" or "怎么办身份证"; jieba splits them into words,
and generic verbs and question words (办理, 申请, 怎么 ...) are dropped: they say that
something is to be done, not what. A query of nothing but such words finds nothing.

Every remaining word of two or more characters must appear somewhere in the matter (its
name, unit, legal basis or materials); a lone character (金 in "失业金") only adds to the
rank. A word found in the matter's own name weighs most, then the unit's name, then the
legal basis, then a material. When some matters match by name or unit, those that match only
through their legal basis or a material are noise and are left out: "营业执照" is a material
of dozens of matters (an employer's 失业保险 declaration among them), but the resident wants
the licence itself. Plain `icontains` lookups and CASE expressions: the same on SQLite and
PostgreSQL, and fast enough for a district's few hundred matters.
"""

from __future__ import annotations

import jieba
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import CombinedExpression

from catalog.models import MATTER_CODE_PATTERN, Material

# Words that say "I want to do something" without saying what.
_GENERIC = frozenset(
    {"办理", "申请", "怎么", "怎么办", "怎样", "如何", "我要", "要", "办", "需要", "哪里", "哪些"}
    | {"什么", "可以", "手续", "流程", "材料", "的", "了", "吗", "呢", "在", "去", "我", "想"}
    | {"请问", "咨询", "办事", "业务", "相关", "一下", "哪个", "多久", "和", "与", "及", "或"}
)

# What residents say → what the catalogue calls it. Applied to the query before it is split.
_EVERYDAY_NAMES = {
    "社保卡": "社会保障卡",
    "失业金": "失业保险金",
    "低保": "最低生活保障",
    "驾照": "驾驶证",
    "医保卡": "医保电子凭证",
}

# Weight of a word found in each place; a matter's rank is the sum over the query's words
# of the best place each word was found in.
WEIGHT_NAME = 8
WEIGHT_UNIT = 4
WEIGHT_BASIS = 2
WEIGHT_MATERIAL = 1

jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise


def _official(query: str) -> str:
    query = query.strip()[:100]
    for everyday, official in _EVERYDAY_NAMES.items():
        if everyday in query and official not in query:
            query = query.replace(everyday, official)
    return query


def query_terms(query: str) -> list[str]:
    """The meaningful words of a query, longest first within each chunk; [] when the query
    holds nothing but generic words."""
    query = _official(query)
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
        terms.extend(words)
    return list(dict.fromkeys(terms))


def query_phrases(query: str) -> list[str]:
    """Each chunk of the query as typed, without its generic words ("我要申请营业执照变更" →
    "营业执照变更"): found as a whole, it says more than its words found apart."""
    phrases = []
    for chunk in _official(query).split():
        kept = "".join(w for w in jieba.cut(chunk) if w.strip() and w.strip() not in _GENERIC)
        if kept:
            phrases.append(kept)
    return list(dict.fromkeys(phrases))


def _material_has(term: str) -> Exists:
    return Exists(Material.objects.filter(matter=OuterRef("pk"), name__icontains=term))


def search_matters(queryset: QuerySet, query: str) -> QuerySet:
    """Matters matching the query's words, most relevant first (see the module's docstring).

    The queryset's own filters are kept; its ordering is replaced by relevance."""
    code = query.strip()
    if MATTER_CODE_PATTERN.fullmatch(code) and queryset.filter(code__iexact=code).exists():
        return queryset.filter(code__iexact=code)  # staff often search by the code
    phrases = query_phrases(query)
    terms = query_terms(query)
    if not terms or not phrases:
        return queryset.none()
    if phrases != terms:
        found = _ranked(queryset, phrases)
        if found.exists():
            return found
    return _ranked(queryset, terms)


def _ranked(queryset: QuerySet, terms: list[str]) -> QuerySet:
    strong = [term for term in terms if len(term) >= 2] or terms
    rank: CombinedExpression | Value = Value(0)
    meaningful = Q()  # found in a name or a unit's name: some word of the query
    for term in terms:
        in_name = Q(name__icontains=term)
        in_unit = Q(unit__name__icontains=term)
        in_basis = Q(legal_basis__icontains=term)
        in_material = Q(_material_has(term))
        rank = rank + Case(
            When(in_name, then=Value(WEIGHT_NAME)),
            When(in_unit, then=Value(WEIGHT_UNIT)),
            When(in_basis, then=Value(WEIGHT_BASIS)),
            When(in_material, then=Value(WEIGHT_MATERIAL)),
            default=Value(0),
            output_field=IntegerField(),
        )
        if term in strong:
            queryset = queryset.filter(in_name | in_unit | in_basis | in_material)
            meaningful |= in_name | in_unit
    found = queryset
    if found.filter(meaningful).exists():
        found = found.filter(meaningful)
    return found.annotate(relevance=rank).order_by("-relevance", "unit__sort_order", "code")
