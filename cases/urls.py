from __future__ import annotations

from cases.urls_public import urlpatterns as public_patterns
from cases.urls_staff import urlpatterns as staff_patterns

app_name = "cases"

urlpatterns = public_patterns + staff_patterns
