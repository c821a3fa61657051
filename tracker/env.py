"""Reading settings from environment variables, failing closed.

Each reader takes the variable's name so that its error can name it: a typo in a value stops
start-up with a message saying which variable holds what, instead of silently meaning a
default. `DATABASE_URL` is parsed by dj-database-url; only the schemes the tracker supports
(SQLite and PostgreSQL) get that far, and a relative SQLite path is taken from the project
directory, not from wherever the process was started.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent.parent

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off", ""})

POSTGRES_SCHEMES = frozenset({"postgres", "postgresql", "pgsql"})
RATE_PERIODS = ("second", "minute", "hour", "day")


def env_bool(name, default=False):
    """A boolean variable: anything but a recognised true/false word is an error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of true/false, 1/0, yes/no, on/off."
    )


def env_int(name, default, *, minimum=None):
    """A whole number; unset or empty gives the default."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} is below the smallest allowed, {minimum}.")
    return value


def env_list(name, default=""):
    """A comma-separated list; blanks around and between items are dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int_list(name, default=""):
    """A comma-separated list of whole numbers (negative allowed); a typo stops start-up."""
    items = env_list(name, default)
    try:
        return [int(item) for item in items]
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={os.environ.get(name)!r} is not a comma-separated list of whole numbers."
        ) from None


def env_rate(name, default):
    """A throttle rate such as 600/minute; a typo stops start-up instead of at the first call."""
    value = os.environ.get(name, "").strip() or default
    count, _, period = value.partition("/")
    if not count.isdigit() or period not in RATE_PERIODS:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a rate: use a number, a slash and second, minute, hour "
            "or day (600/minute)."
        )
    return value


def database_from_url(url, *, conn_max_age=60):
    """A DATABASES entry from sqlite:///path (relative to the project, or sqlite:////absolute)
    or postgres://user:pass@host:port/name?option=value (psycopg 3, connections kept for
    `conn_max_age` seconds and checked before reuse)."""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        config = dj_database_url.parse(url)
        name = config["NAME"]
        if name != ":memory:" and not os.path.isabs(name):
            config["NAME"] = str(PROJECT_DIR / name)
        return config
    if scheme in POSTGRES_SCHEMES:
        return dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {scheme!r} is not supported: use sqlite:/// or postgres://."
    )


def cache_from_url(url):
    """A CACHES entry: locmem:// (one process), db://table_name (shared through the database;
    `manage.py createcachetable` creates the table, and `restore` does so too) or
    redis://host:port/db."""
    parts = urlsplit(url)
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if parts.scheme == "db":
        table = parts.netloc or parts.path.strip("/") or "tracker_cache"
        return {"BACKEND": "tracker.cache.DatabaseCache", "LOCATION": table}
    if parts.scheme in {"redis", "rediss"}:
        return {"BACKEND": "tracker.cache.RedisCache", "LOCATION": url}
    raise ImproperlyConfigured(
        f"CACHE_URL scheme {parts.scheme!r} is not supported: use locmem://, db://table or redis://."
    )
