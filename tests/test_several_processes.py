"""Several app-server processes (gunicorn workers, or hosts behind a balancer) against one
database: nothing they must agree on may live in one process's memory. Sessions are rows in
the database; API throttle counters and anything else cached go to the cache named by
CACHE_URL, which must then be db:// or redis://; static files come from whitenoise."""

import threading

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from declarations.api.throttling import AnonThrottle, UserThrottle, WriteThrottle
from tracker.cache import DatabaseCache
from tracker.env import cache_from_url


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

    assert first.add("throttle_user_1:29000000", 1)
    assert second.incr("throttle_user_1:29000000") == 2
    assert first.incr("throttle_user_1:29000000") == 3
    assert not second.add("throttle_user_1:29000000", 1)


class TestDatabaseCacheIncrement:
    """A throttle's count is one `incr` per request: two queries, and none lost."""

    @pytest.fixture
    def shared(self, settings):
        settings.CACHES = {"default": cache_from_url("db://shared_cache_test")}
        call_command("createcachetable", verbosity=0)
        return DatabaseCache("shared_cache_test", {})

    @pytest.mark.django_db
    def test_an_increment_is_a_read_and_one_conditional_update(
        self, shared, django_assert_num_queries
    ):
        shared.add("calls", 1, timeout=60)
        expires = self.expiry(shared, "calls")
        with django_assert_num_queries(2):
            assert shared.incr("calls", 5) == 6
        assert shared.get("calls") == 6 and self.expiry(shared, "calls") == expires
        with pytest.raises(ValueError, match="not found"):
            shared.incr("never-set")

    @pytest.mark.skipif(
        connection.vendor != "postgresql", reason="Needs PostgreSQL: concurrent writers."
    )
    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_processes_incrementing_at_the_same_moment_lose_no_count(self, shared):
        shared.add("calls", 0, timeout=60)
        workers, each = 6, 40
        barrier = threading.Barrier(workers)
        errors = []

        def work():
            # A cache object per thread, as each process has its own.
            mine = DatabaseCache("shared_cache_test", {})
            try:
                barrier.wait(timeout=30)
                for _ in range(each):
                    mine.incr("calls")
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=work) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert shared.get("calls") == workers * each

    @staticmethod
    def expiry(cache, key):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT expires FROM shared_cache_test WHERE cache_key = %s",
                [cache.make_key(key)],
            )
            return cursor.fetchone()[0]


@pytest.fixture
def redis_url():
    """A Redis database for the test (TEST_REDIS_URL). Where that variable is not set and no
    Redis answers on the default address the test is skipped; CI sets it, so there a
    missing Redis fails."""
    import os

    import redis

    url = os.environ.get("TEST_REDIS_URL")
    try:
        redis.Redis.from_url(url or "redis://127.0.0.1:6379/15").ping()
    except redis.ConnectionError:
        if url:
            raise
        pytest.skip("no Redis at redis://127.0.0.1:6379 (set TEST_REDIS_URL to require one)")
    return url or "redis://127.0.0.1:6379/15"


def test_two_processes_with_redis_see_the_same_counters(redis_url):
    from tracker.cache import RedisCache

    # What two worker processes each build from the same CACHE_URL.
    first = RedisCache(redis_url, {"KEY_PREFIX": "shared-test"})
    second = RedisCache(redis_url, {"KEY_PREFIX": "shared-test"})
    first.delete("throttle_user_1:29000000")
    try:
        assert first.add("throttle_user_1:29000000", 1, timeout=60)
        assert second.incr("throttle_user_1:29000000") == 2
        assert first.incr("throttle_user_1:29000000") == 3
        assert not second.add("throttle_user_1:29000000", 1)
        # One client object per connection pool, made once, not one per call.
        assert first._cache.get_client() is first._cache.get_client(write=True)
    finally:
        first.delete("throttle_user_1:29000000")


class TestCountingThrottle:
    """Throttles count requests per caller and clock window, one cache increment each."""

    @pytest.fixture
    def throttle(self, settings, clear_api_throttles):
        rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] | {"user": "3/minute"}
        settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": rates}

        def ask(user, at):
            throttle = UserThrottle()
            throttle.timer = lambda: at
            request = type("Request", (), {"user": user, "META": {}})()
            return throttle.allow_request(request, None), throttle.wait()

        return ask

    def test_a_caller_gets_the_rate_in_each_window_and_waits_for_the_next(self, throttle):
        reader = type("User", (), {"pk": 7, "is_authenticated": True})()
        start = 1_800_000_000.0  # the first second of a clock minute
        answers = [throttle(reader, start + second) for second in (0, 10, 20, 45)]
        assert [allowed for allowed, _ in answers] == [True, True, True, False]
        assert answers[-1][1] == 15  # seconds until the next minute
        assert throttle(reader, start + 60)[0] is True

    def test_callers_are_counted_apart(self, throttle):
        start = 1_800_000_000.0
        one = type("User", (), {"pk": 1, "is_authenticated": True})()
        two = type("User", (), {"pk": 2, "is_authenticated": True})()
        for _ in range(3):
            throttle(one, start)
        assert throttle(one, start)[0] is False
        assert throttle(two, start)[0] is True

    def test_the_counter_stays_small_however_many_requests(self, throttle):
        reader = type("User", (), {"pk": 9, "is_authenticated": True})()
        for _ in range(50):
            throttle(reader, 1_800_000_000.0)
        assert cache.get(f"throttle_user_9:{1_800_000_000 // 60}") == 50


def test_static_files_are_served_by_every_process():
    middleware = settings.MIDDLEWARE
    whitenoise = middleware.index("whitenoise.middleware.WhiteNoiseMiddleware")
    # Before everything that needs a session or a user: static answers need neither.
    assert whitenoise < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert settings.STORAGES["staticfiles"]["BACKEND"].startswith("whitenoise.")
