"""Django settings for Zuofeng.

Every value an operator may change comes from an environment variable with a safe
demo default; see README "Configuration" for the list.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from ops.logging import logging_config
from zuofeng.env import (
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
    require_secret,
    shared_cache,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ZUOFENG_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# The public demo (`make run` sets ZUOFENG_DEMO=1): the public demo keys and a per-process
# cache are allowed, and every page shows a 演示环境 banner. Outside DEBUG and the demo the
# settings refuse to load without real keys and a shared cache (zuofeng/env.py).
ZUOFENG_DEMO = env_bool("ZUOFENG_DEMO", False)
_INSECURE_OK = DEBUG or ZUOFENG_DEMO
DEMO_SECRET_KEY = "zuofeng-demo-insecure-key-change-me-in-production"
# The demo key only ever signs demo sessions; production must set SECRET_KEY.
SECRET_KEY = require_secret("SECRET_KEY", demo=DEMO_SECRET_KEY, allow_demo=_INSECURE_OK)
# Old keys still verify what they signed (receipt-code hashes, sessions) while a new key rolls
# out: comma-separated, kept until nothing signed with them matters.
SECRET_KEY_FALLBACKS = [
    key.strip() for key in env_secret("SECRET_KEY_FALLBACKS", "").split(",") if key.strip()
]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    # django-tasks-db under a Chinese admin name (portal/apps.py).
    "portal.apps.TaskResultsConfig",
    "zuofeng.audit",
    "zuofeng.workdays",
    "zuofeng.duty",
    "org",
    "catalog",
    "portal",
    "cases",
    "evaluations",
    "complaints",
    "scorecard",
    "supervision",
    "followup",
    "problems",
    "visits",
    "forums",
    "surveys",
    "reports",
    "federation",
    "ops",
    "sms",
    "demo",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Control characters in paths, query strings and field names, invalid UTF-8 and oversize
    # forms are answered 400/413 before any view runs (a NUL once reached PostgreSQL: 500).
    "zuofeng.middleware_input.RefuseBadInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle timeout, the second-factor gate and Cache-Control: no-store for staff (accounts/).
    "accounts.middleware.SessionSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # django-axes answers a locked-out login with its lockout page; last, as axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zuofeng.urls"
WSGI_APPLICATION = "zuofeng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "org.context_processors.staff_context",
                "org.context_processors.deployment",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'zuofeng.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded demo database lives in var/, which a fresh clone does not have yet.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the sweep loop and the web server write without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# scrypt first: as strong as PBKDF2's 1,000,000 iterations against guessing, yet verified in a
# fraction of the time (bench/password_hash_bench.py), so logging in no longer takes seconds on
# a small machine. PBKDF2 stays to verify older hashes; Django re-hashes them with scrypt at
# the user's next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:staff_home"
LOGOUT_REDIRECT_URL = "portal:home"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Front-end libraries come from npm (package.json); served from node_modules, never a CDN.
# Front-end libraries come from node_modules (npm), only the files pages use: see vendor.py.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "zuofeng.vendor.VendorFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files live outside the web root and are served only through views that check access.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "zuofeng.api_params.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env_str("API_ANON_RATE", "600/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "作风平台开放接口",
    "DESCRIPTION": (
        "政务服务与作风监督平台的开放接口：办事指南（事项）、办件查询、好差评与监督举报。"
        "公开数据无需登录即可读取；写入和单位数据需要登录，并按角色限定可见范围。"
    ),
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Sections named in Chinese (办件, 监督举报, ...) instead of the URL segment.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api_docs.chinese_tags",
    ],
    # Self-hosted Swagger UI (npm swagger-ui-dist): the docs page works offline.
    "SWAGGER_UI_DIST": "/" + STATIC_URL + "vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": "/" + STATIC_URL + "vendor/swagger-ui/favicon-32x32.png",
}

# Strict CSP: no inline script or style anywhere; all assets are self-hosted.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and env_bool("HTTPS", False))
SESSION_COOKIE_SECURE = env_bool("HTTPS", False)
CSRF_COOKIE_SECURE = env_bool("HTTPS", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0)
# Asking browsers to preload the domain is the operator's decision, never a default: a
# preloaded domain cannot serve any subdomain over plain HTTP for months, and leaving the list
# takes a browser release. Django's check advising preload (security.W021) is answered here.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Behind a reverse proxy every request comes from the proxy's address: per-client limits
# (the public lookup, the API) must read the client address the proxy passes on.
NUM_PROXIES = env_int("NUM_PROXIES", 0, minimum=0)
if NUM_PROXIES:
    REST_FRAMEWORK["NUM_PROXIES"] = NUM_PROXIES
    _real_ip_header = env_str("REAL_IP_HEADER", "X-Real-IP")
    RATELIMIT_IP_META_KEY = "HTTP_" + _real_ip_header.upper().replace("-", "_")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)

# Rate limits, login lockouts and OTP throttling must hold across workers: outside DEBUG and
# the demo CACHE_URL must name a shared cache (redis://..., rediss://..., or db://TABLE for
# Django's database cache after `manage.py createcachetable`).
CACHES = {"default": shared_cache(env_str("CACHE_URL", ""), allow_local=_INSECURE_OK)}

# Background jobs (the hotline import): django-tasks with its database backend, run by
# `manage.py db_worker` (started by `make run`; in production, next to `sweep --loop`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# SMS (sms/notify.py send_text): the backend, per-phone rate, and the HTTP gateway's address
# and key. The demo writes messages to var/sms/outbox.jsonl and sends nothing; production sets
# SMS_BACKEND=sms.backends.http.HttpGatewayBackend with SMS_GATEWAY_URL / SMS_GATEWAY_KEY
# (or SMS_GATEWAY_KEY_FILE). Tests always use the in-memory backend.
SMS_BACKEND = env_str("SMS_BACKEND", "sms.backends.file.FileBackend")
SMS_FILE_PATH = env_str("SMS_FILE_PATH", str(VAR_DIR / "sms" / "outbox.jsonl"))
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
SMS_GATEWAY_KEY = env_secret("SMS_GATEWAY_KEY", "")
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 10, minimum=1, maximum=120)
SMS_SIGNATURE = env_str("SMS_SIGNATURE", "")
# Texts one phone may receive per period (django-ratelimit syntax, e.g. "10/h").
SMS_RATE = env_str("SMS_RATE", "10/h")

# Everything to stdout; JSON lines in production (a collector parses them), plain lines when
# a developer reads runserver's output.
LOGGING = logging_config(
    env_str("LOG_LEVEL", "WARNING"), json_lines=env_bool("LOG_JSON", not _INSECURE_OK)
)

# --- Domain configuration: time limits and thresholds are settings, never literals in code.
ZUOFENG = {
    "DISTRICT_NAME": env_str("ZUOFENG_DISTRICT_NAME", "示范区"),
    # Duty clock: blue when this many working days or fewer remain.
    "DUTY_BLUE_WORKDAYS": env_int("ZUOFENG_DUTY_BLUE_WORKDAYS", 1, minimum=0),
    # Past the deadline, a duty goes to the unit head at once, and to the supervision office
    # after this many further working days.
    "DUTY_ESCALATE_OFFICE_AFTER_WORKDAYS": env_int(
        "ZUOFENG_DUTY_ESCALATE_OFFICE_AFTER_WORKDAYS", 3, minimum=0
    ),
    "IMPORT_MAX_ROWS": env_int("ZUOFENG_IMPORT_MAX_ROWS", 20000, minimum=1),
    "IMPORT_MAX_BYTES": env_int("ZUOFENG_IMPORT_MAX_BYTES", 10 * 1024 * 1024, minimum=1),
    "ATTACHMENT_MAX_BYTES": env_int("ZUOFENG_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1),
    # 好差评: a decided case unrated after this many natural days may get the default level
    # (0: no default rating, the national default; some provinces use 3, 基本满意).
    "RATING_DEFAULT_AFTER_DAYS": env_int("ZUOFENG_RATING_DEFAULT_AFTER_DAYS", 7, minimum=1),
    "RATING_DEFAULT_LEVEL": env_int("ZUOFENG_RATING_DEFAULT_LEVEL", 0, minimum=0, maximum=5),
    "RATING_LINK_MAX_AGE_DAYS": env_int("ZUOFENG_RATING_LINK_MAX_AGE_DAYS", 30, minimum=1),
    # A unit with fewer ratings in a month shows 样本不足 instead of a rate.
    "RATING_MIN_SAMPLE": env_int("ZUOFENG_RATING_MIN_SAMPLE", 10, minimum=1),
    # 差评整改: verify within N working days, finish within M (one city uses 5 for the whole).
    "RECTIFY_VERIFY_WORKDAYS": env_int("ZUOFENG_RECTIFY_VERIFY_WORKDAYS", 2, minimum=0),
    "RECTIFY_FINISH_WORKDAYS": env_int("ZUOFENG_RECTIFY_FINISH_WORKDAYS", 15, minimum=1),
    "RATING_COMMENT_MAX_CHARS": env_int("ZUOFENG_RATING_COMMENT_MAX_CHARS", 500, minimum=1),
    # 约谈: a unit in the bottom N of its group for M consecutive published months.
    "INTERVIEW_BOTTOM_N": env_int("ZUOFENG_INTERVIEW_BOTTOM_N", 3, minimum=1),
    "INTERVIEW_MONTHS": env_int("ZUOFENG_INTERVIEW_MONTHS", 2, minimum=1),
    # 考核发布: a month may be published this many days after it has ended (late data); a
    # unit whose indicators with enough data carry less than this share (%) of its weight
    # is listed as 数据不足, not ranked.
    "SCORECARD_PUBLISH_AFTER_DAYS": env_int("ZUOFENG_SCORECARD_PUBLISH_AFTER_DAYS", 0, minimum=0),
    "SCORECARD_MIN_VALID_WEIGHT": env_int(
        "ZUOFENG_SCORECARD_MIN_VALID_WEIGHT", 60, minimum=0, maximum=100
    ),
    # Public case lookups per client address (django-ratelimit syntax).
    "LOOKUP_RATE": env_str("ZUOFENG_LOOKUP_RATE", "30/m"),
    # 监督举报: the response limit (resolution limits are per category, in the admin), how
    # long a complaint may be, and how often one address may file or follow one up.
    "COMPLAINT_RESPOND_WORKDAYS": env_int("ZUOFENG_COMPLAINT_RESPOND_WORKDAYS", 1, minimum=1),
    "COMPLAINT_MAX_CHARS": env_int("ZUOFENG_COMPLAINT_MAX_CHARS", 2000, minimum=100),
    "COMPLAINT_FILE_RATE": env_str("ZUOFENG_COMPLAINT_FILE_RATE", "10/h"),
    "COMPLAINT_FOLLOW_RATE": env_str("ZUOFENG_COMPLAINT_FOLLOW_RATE", "30/m"),
    # 调研问卷: answers by the open link, and answer codes tried (typed or in a link), per
    # client address. A forum's participants may share one address: the answer rate is generous.
    "SURVEY_ANSWER_RATE": env_str("ZUOFENG_SURVEY_ANSWER_RATE", "60/h"),
    "SURVEY_CODE_RATE": env_str("ZUOFENG_SURVEY_CODE_RATE", "120/m"),
    # Open311: calls per client address; filings per API key (a client files for many people).
    "OPEN311_ADDRESS_RATE": env_str("ZUOFENG_OPEN311_ADDRESS_RATE", "120/m"),
    "OPEN311_KEY_RATE": env_str("ZUOFENG_OPEN311_KEY_RATE", "60/m"),
    # 12345 hotline exports: the largest file and the most data rows one import accepts.
    "HOTLINE_MAX_BYTES": env_int("ZUOFENG_HOTLINE_MAX_BYTES", 200 * 1024 * 1024, minimum=1),
    "HOTLINE_MAX_ROWS": env_int("ZUOFENG_HOTLINE_MAX_ROWS", 200_000, minimum=1),
    # Fernet keys sealing complainants' identities, newest first (see complaints/identity.py).
    "IDENTITY_KEYS": [
        key.strip()
        for key in require_secret("ZUOFENG_IDENTITY_KEYS", demo="", allow_demo=_INSECURE_OK).split(
            ","
        )
        if key.strip()
    ],
}

# Audit chain (zuofeng/audit): HMAC keys, newest first (ZUOFENG_AUDIT_KEY or ..._KEY_FILE;
# unset: the public demo key, flagged by `check --deploy`), and where checkpoints of the
# chain heads are appended (empty: none) and how often the sweep writes one.
AUDIT_KEYS = [
    key.strip()
    for key in require_secret("ZUOFENG_AUDIT_KEY", demo="", allow_demo=_INSECURE_OK).split(",")
    if key.strip()
]
AUDIT_CHECKPOINT_DIR = env_str("ZUOFENG_AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit-checkpoints"))
AUDIT_CHECKPOINT_MINUTES = env_int("ZUOFENG_AUDIT_CHECKPOINT_MINUTES", 60, minimum=1)

# --- /healthz (ops/health.py): how old the sweep's and the worker's heartbeats, a running
# task and the newest audit checkpoint may be before the check answers 503.
HEALTH_SWEEP_MAX_SECONDS = env_int("ZUOFENG_HEALTH_SWEEP_MAX_SECONDS", 300, minimum=1)
HEALTH_WORKER_MAX_SECONDS = env_int("ZUOFENG_HEALTH_WORKER_MAX_SECONDS", 300, minimum=1)
HEALTH_WORKER_MAX_RUN_SECONDS = env_int("ZUOFENG_HEALTH_WORKER_MAX_RUN_SECONDS", 3600, minimum=1)
HEALTH_AUDIT_CHECKPOINT_MAX_MINUTES = env_int(
    "ZUOFENG_HEALTH_AUDIT_CHECKPOINT_MAX_MINUTES", 2 * AUDIT_CHECKPOINT_MINUTES + 10, minimum=1
)

# --- Texts that leave the site (SMS links, QR codes on printed receipts) need the address
# residents reach the platform at, and the supervision hotline printed on documents.
ZUOFENG_PUBLIC_URL = env_str(
    "ZUOFENG_PUBLIC_URL",
    "http://127.0.0.1:8000" if _INSECURE_OK else f"https://{ALLOWED_HOSTS[0]}",
)
CASE_SUPERVISION_PHONE = env_str("ZUOFENG_SUPERVISION_PHONE", "0000-12345")
# 行政许可法 Art. 32: accept, refuse or give the one-time notice within this many working
# days of receipt, or the application counts as accepted from receipt.
CASE_ACCEPTANCE_WORKDAYS = env_int("ZUOFENG_CASE_ACCEPTANCE_WORKDAYS", 5, minimum=1)
# Complainants' and applicants' personal data is anonymised this many days after closing
# (`manage.py purge_personal_data`).
PERSONAL_DATA_RETENTION_DAYS = env_int("ZUOFENG_PERSONAL_DATA_RETENTION_DAYS", 1095, minimum=1)

# --- Accounts: brute-force lockout, second factor, idle sessions (accounts/, issue 13).
# django-axes: after AXES_FAILURE_LIMIT wrong passwords for one account, or from one address,
# that account / address is refused for AXES_COOLOFF_TIME hours (the security administrator
# unlocks earlier in the admin: 登录失败记录 → delete). Attempts live in the database, so every
# worker sees them.
AXES_FAILURE_LIMIT = env_int("ZUOFENG_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ZUOFENG_LOGIN_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# Behind a proxy the client address is the header the proxy sets (REAL_IP_HEADER), as for
# the other rate limits; otherwise REMOTE_ADDR (never a header a client could forge).
if NUM_PROXIES:
    AXES_CLIENT_IP_CALLABLE = "accounts.mfa.client_ip"
# TOTP second factor (django-otp): required for these roles, available to everyone. The demo
# requires it of nobody unless ZUOFENG_MFA_REQUIRED_ROLES says otherwise.
ZUOFENG_MFA_REQUIRED_ROLES = env_list(
    "ZUOFENG_MFA_REQUIRED_ROLES",
    [] if ZUOFENG_DEMO else ["supervisor", "discipline", "admin", "security_admin", "audit_admin"],
)
OTP_TOTP_ISSUER = env_str("ZUOFENG_OTP_ISSUER", "作风平台")
# Idle sessions end after this many minutes without a request (staff; residents longer).
ZUOFENG_STAFF_IDLE_MINUTES = env_int("ZUOFENG_STAFF_IDLE_MINUTES", 30, minimum=1)
ZUOFENG_RESIDENT_IDLE_MINUTES = env_int("ZUOFENG_RESIDENT_IDLE_MINUTES", 7 * 24 * 60, minimum=1)
