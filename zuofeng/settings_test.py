"""Test settings: the real settings, made fast (MD5 hashing) and deterministic."""

from __future__ import annotations

import os

# Playwright's sync API runs an event loop in the test thread; Django's ORM guard would
# otherwise refuse the test's own database calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The suite runs on the public demo keys and a per-process cache (outside DEBUG the settings
# refuse both unless ZUOFENG_DEMO is on); tests/test_security_settings.py checks the refusal.
os.environ.setdefault("ZUOFENG_DEMO", "1")

from zuofeng.settings import *  # noqa: F403
from zuofeng.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REST_FRAMEWORK = {**REST_FRAMEWORK}  # noqa: F405
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"anon": "10000/minute"}

# Background tasks (the hotline import) run at once, in the test's thread.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# A concrete duty model used only by the duty clock's own tests.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.dutyapp"]  # noqa: F405

# Let the suite flush its throw-away databases (TRUNCATE/DELETE of audit rows); the tests of
# the append-only triggers turn this off again for their own statements.
AUDIT_MAINTENANCE = True
# Checkpoints outlive a test's database: off here; the audit tests write theirs to tmp_path.
AUDIT_CHECKPOINT_DIR = ""
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c zuofeng.audit_maintenance=on"  # noqa: F405

# No text message ever leaves a test run: the in-memory backend keeps them for assertions.
SMS_BACKEND = "sms.backends.memory.MemoryBackend"

# Sessions the test client makes (Client.login without a request, Client.force_login) are
# logged in through accounts.testing.TestClientBackend: django-axes' backend needs a request
# and would refuse Client.login. Logins through the real form still pass axes and ModelBackend.
AUTHENTICATION_BACKENDS = [
    "accounts.testing.TestClientBackend",
    *AUTHENTICATION_BACKENDS,  # noqa: F405
]
# The demo setting (ZUOFENG_DEMO above) requires the second factor of no role, so the suite's
# browser journeys log the office in through the form; tests/test_security_mfa.py and the
# enrolment browser test require it for the production roles.
ZUOFENG_MFA_REQUIRED_ROLES = []
# ... and counts the test client's own sessions as having passed it (never set in production).
ZUOFENG_MFA_TRUSTED_BACKENDS = ["accounts.testing.TestClientBackend"]
