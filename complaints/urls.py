from __future__ import annotations

from complaints.urls_hotline import urlpatterns as hotline_patterns
from complaints.urls_public import urlpatterns as public_patterns
from complaints.urls_staff import urlpatterns as staff_patterns

app_name = "complaints"

urlpatterns = public_patterns + staff_patterns + hotline_patterns
