from __future__ import annotations

app_name = "ops"

urlpatterns: list = []
