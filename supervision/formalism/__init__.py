"""Formalism found in reports (issue 12, item 6), as review items for a person — never a
deduction by itself. Pure Python (numpy, no database): the supervision app stores
`fingerprint(text)` on each report and its `band_keys` in an indexed table, fetches the
reports sharing a key, and calls `find_formalism`.

Kinds of finding:
- copy_own_earlier: a large share of the report is the same unit's earlier report (跨期照抄);
- copy_other_unit: ... another unit's report of the same period;
- copy_directive: ... the directive's own text (以文件落实文件);
- empty_claim: "已完成" without evidence and with little concrete content.
See copying.py and claims.py for the rules and their constants.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .claims import MIN_CONCRETE_FACTS, SET_PHRASES, check_claims, empty_claim_finding
from .copying import (
    BOILERPLATE_MIN_UNITS,
    COPY_THRESHOLD,
    MIN_COPIED_CHARS,
    common_passages,
    copy_findings,
)
from .documents import (
    COPY_DIRECTIVE,
    COPY_OTHER_UNIT,
    COPY_OWN_EARLIER,
    EMPTY_CLAIM,
    KINDS,
    Finding,
    ReportDoc,
)
from .index import CopyIndex
from .shingles import Shingled, band_keys, fingerprint, fingerprints, normalise, similarity

__all__ = [
    "BOILERPLATE_MIN_UNITS",
    "COPY_DIRECTIVE",
    "COPY_OTHER_UNIT",
    "COPY_OWN_EARLIER",
    "COPY_THRESHOLD",
    "EMPTY_CLAIM",
    "KINDS",
    "MIN_CONCRETE_FACTS",
    "MIN_COPIED_CHARS",
    "SET_PHRASES",
    "CopyIndex",
    "Finding",
    "ReportDoc",
    "band_keys",
    "check_claims",
    "common_passages",
    "find_formalism",
    "fingerprint",
    "fingerprints",
    "normalise",
    "similarity",
]


def find_formalism(
    report: ReportDoc,
    candidates: Sequence[ReportDoc],
    directive_text: str,
    boilerplate_texts: Sequence[str],
    *,
    prepared: Mapping[int, Shingled] | None = None,
    common: np.ndarray | None = None,
) -> list[Finding]:
    """The review items for `report`: at most one per kind, copies first (largest share).

    candidates: reports that may be sources (those sharing a band key; also the other units'
    reports on the same task in the period, so that text most units write is recognised as
    boilerplate). Later reports, the report itself and the same unit's reports of the same
    period are never sources. directive_text: the directive's text (may be ''),
    boilerplate_texts: text that is never copying (required headings, a template, the
    `common_passages` of the directive's reports). prepared, common: see `CopyIndex.check`.
    """
    findings = copy_findings(
        report, candidates, directive_text, boilerplate_texts, prepared, common
    )
    findings.sort(key=lambda f: -f.score)
    claim = empty_claim_finding(report)
    if claim is not None:
        findings.append(claim)
    return findings
