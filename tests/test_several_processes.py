"""Several app-server processes (gunicorn workers, or hosts behind a balancer) against one
database: nothing they must agree on may live in one process's memory. Sessions are rows in
the database; API throttle counters and anything else cached go to the cache named by
CACHE_URL, which must then be db:// or redis://; static files come from whitenoise."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command

from declarations.authentication import AnonThrottle, UserThrottle, WriteThrottle
from tracker.settings import cache_from_url


def test_sessions_are_rows_in_the_database():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


@pytest.mark.parametrize("throttle", [AnonThrottle, UserThrottle, WriteThrottle])
def test_throttles_count_in_the_configured_cache(throttle):
    assert throttle.cache is cache


@pytest.mark.django_db
def test_two_processes_with_a_database_cache_see_the_same_counters(settings):
    settings.CACHES = {"default": cache_from_url("db://shared_cache_test")}
    call_command("createcachetable", verbosity=0)
    # What two worker processes each build from the same CACHE_URL.
    first = DatabaseCache("shared_cache_test", {})
    second = DatabaseCache("shared_cache_test", {})

    first.set("throttle_user_1", [1700000000.0])
    assert second.get("throttle_user_1") == [1700000000.0]
    second.set("throttle_user_1", [1700000001.0, 1700000000.0])
    assert len(first.get("throttle_user_1")) == 2


def test_static_files_are_served_by_every_process():
    middleware = settings.MIDDLEWARE
    security = middleware.index("django.middleware.security.SecurityMiddleware")
    assert middleware[security + 1] == "whitenoise.middleware.WhiteNoiseMiddleware"
    assert settings.STORAGES["staticfiles"]["BACKEND"].startswith("whitenoise.")
