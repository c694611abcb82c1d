from __future__ import annotations

from evaluations.urls_public import urlpatterns as public_patterns
from evaluations.urls_staff import urlpatterns as staff_patterns

app_name = "evaluations"

urlpatterns = public_patterns + staff_patterns
