"""gunicorn's configuration for Zuofeng: `gunicorn -c deploy/gunicorn.conf.py zuofeng.wsgi`.

Every value can be overridden from the environment (GUNICORN_BIND, WEB_CONCURRENCY, ...), so
the systemd unit, the container and the production test share this one file. Logs are JSON
lines on stdout (ops/logging.py), access log included, without client addresses or query
strings.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# The checkout (where manage.py is), whatever directory gunicorn was started from.
ROOT = Path(__file__).resolve().parent.parent
chdir = str(ROOT)
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ops.logging import gunicorn_logconfig  # noqa: E402

wsgi_app = "zuofeng.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# Synchronous workers (the views are plain Django, the database does the waiting); two per
# core plus one is gunicorn's rule of thumb. A few threads each let slow clients not block.
workers = int(os.environ.get("WEB_CONCURRENCY", str((os.cpu_count() or 1) * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# Load the app before forking: a configuration error stops the master at once, and workers
# share the imported code's memory.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in {"1", "true", "yes", "on"}
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (a slow leak in any library cannot grow for ever).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Only the reverse proxy on this host may set X-Forwarded-* (the settings' NUM_PROXIES and
# BEHIND_TLS_PROXY say how much of them Django trusts).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Request line and headers: plain limits against oversized requests.
limit_request_line = 8190
limit_request_fields = 100

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = gunicorn_logconfig(loglevel.upper())
# The access log's JSON fields come from these atoms (ops/logging.py reads them by name).
access_log_format = "%(m)s %(U)s %(s)s %(B)s %(D)s"
# /tmp may be a disk in a container; the heartbeat files of workers belong in memory.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
