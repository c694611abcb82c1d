from __future__ import annotations

from complaints.handling.urls import urlpatterns as handling_patterns
from complaints.intake.urls import urlpatterns as intake_patterns

app_name = "complaints"

urlpatterns = intake_patterns + handling_patterns
