"""What other apps may react to without cases importing them (a registry, not an import)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside decide_case's transaction, with `case=` the decided case: 好差评 invites the
# applicant to rate (evaluations connects it).
case_decided = Signal()
