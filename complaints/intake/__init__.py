"""Intake: how a complaint arrives. The public form and an applicant's own complaints
(views/public.py, public_forms.py), the office's entry of letters and visits
(views/staff_entry.py, staff_forms.py), the 12345 hotline import (hotline.py, tasks.py,
views/hotline.py), Open311 GeoReport v2 (open311/), and what every channel shares: filing,
the receipt code and near-duplicate groups (actions.py, similarity.py)."""
