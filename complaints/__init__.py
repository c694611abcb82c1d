"""监督举报 (complaints), in three parts a newcomer finds from the tree:

- `intake/` — how a complaint arrives: the public form, the office's entry of letters and
  visits, the 12345 hotline import, Open311;
- `handling/` — triage, the handling unit's steps, the callback, the office's rates;
- `classifier/` — the category suggested at filing.

Shared by all three at this level: the models and migrations, the sealed identity
(identity.py), the admin, the API (api.py), the measures the scorecard reads (measures.py)
and `actions.py`, one import of every state change for callers outside the app.
"""
