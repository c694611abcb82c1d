"""Handling: what happens to a complaint after it arrives. Triage and routing to the unit
that must answer (views/triage.py, routing.py), the handling unit's steps, the callback,
reopening and closing, the identity reveal (actions.py, views/staff.py, staff_forms.py), and
the office's overview: the three rates, hot spots and the export (stats.py, views/office.py)."""
