"""Federation settings, read from the environment with safe defaults (a single district that
publishes nothing to anybody until an operator subscribes it), so the app runs without an
edit of the shared settings file.

- ZUOFENG_DISTRICT_CODE: this deployment's code (the administrative division code of the
  district, e.g. 330102). Every row that leaves the instance carries it.
- ZUOFENG_DISTRICT_NAME: its name as the level above shows it.
- ZUOFENG_LEVEL: district (default), city or province. The level above subscribes to the
  districts and issues directives downwards; the code base is the same.
- ZUOFENG_FEDERATION_UPPER_DSN: at the level above, its own connection string as the
  districts reach it (the districts subscribe to its directives with it).
- ZUOFENG_FEDERATION_WINDOW_DAYS: how many past days an ordinary refresh re-reads from the
  rollups (older days change rarely; `manage.py federation refresh --full` re-reads all).
- ZUOFENG_FEDERATION_LEAD_UNIT: at a district, the code of the unit that leads a directive
  from above until the office splits it (default: the first supervision-office unit).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from zuofeng.env import env_int, env_str

LEVELS = ("district", "city", "province")


def district_code() -> str:
    return env_str("ZUOFENG_DISTRICT_CODE", "990101")


def district_name() -> str:
    return env_str("ZUOFENG_DISTRICT_NAME", "示范区")


def level() -> str:
    value = env_str("ZUOFENG_LEVEL", "district").strip().lower()
    if value not in LEVELS:
        raise ImproperlyConfigured(f"ZUOFENG_LEVEL must be one of {LEVELS}, got {value!r}")
    return value


def is_upper_level() -> bool:
    return level() != "district"


def upper_dsn() -> str:
    return env_str("ZUOFENG_FEDERATION_UPPER_DSN", "")


def window_days() -> int:
    return env_int("ZUOFENG_FEDERATION_WINDOW_DAYS", 62, minimum=1, maximum=5000)


def lead_unit_code() -> str:
    return env_str("ZUOFENG_FEDERATION_LEAD_UNIT", "")
