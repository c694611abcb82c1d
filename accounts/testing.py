"""Test settings only (zuofeng/settings_test.py): the backend of sessions the test client makes.

`Client.login()` authenticates without a request, which django-axes' backend refuses, and
`Client.force_login()` names the first backend. Both end here, so a test's session can be
told apart from one made through the login form (which passes axes and ModelBackend).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class TestClientBackend(ModelBackend):
    def authenticate(self, request: Any, username: Any = None, password: Any = None, **kw: Any):
        if request is not None:
            return None  # a real request: axes and ModelBackend decide
        return super().authenticate(request, username=username, password=password, **kw)
