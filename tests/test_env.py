"""The environment readers behind tracker/settings.py: every bad value stops start-up with a
message naming the variable; nothing silently falls back to a default."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from tracker.env import (
    PROJECT_DIR,
    cache_from_url,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_rate,
)


@pytest.mark.parametrize("raw", ["true", "1", "yes", "ON", " True "])
def test_a_boolean_accepts_the_true_words(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG") is True


@pytest.mark.parametrize("raw", ["false", "0", "no", "Off", ""])
def test_a_boolean_accepts_the_false_words_and_empty(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", default=True) is False


def test_an_unset_boolean_is_its_default(monkeypatch):
    monkeypatch.delenv("FLAG", raising=False)
    assert env_bool("FLAG") is False
    assert env_bool("FLAG", default=True) is True


@pytest.mark.parametrize("raw", ["ture", "enabled", "2", "y"])
def test_a_mistyped_boolean_is_refused_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match=f"FLAG='{raw}' is not a boolean"):
        env_bool("FLAG")


def test_a_whole_number_is_read_and_an_empty_one_is_the_default(monkeypatch):
    monkeypatch.setenv("COUNT", "42")
    assert env_int("COUNT", 5) == 42
    monkeypatch.setenv("COUNT", " ")
    assert env_int("COUNT", 5) == 5


def test_a_number_that_is_not_whole_is_refused(monkeypatch):
    monkeypatch.setenv("COUNT", "4.5")
    with pytest.raises(ImproperlyConfigured, match="COUNT='4.5' is not a whole number"):
        env_int("COUNT", 5)


def test_a_number_below_its_minimum_is_refused(monkeypatch):
    monkeypatch.setenv("COUNT", "-1")
    with pytest.raises(ImproperlyConfigured, match="COUNT='-1' is below the smallest allowed, 0"):
        env_int("COUNT", 5, minimum=0)


def test_a_list_drops_blanks(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example.org, ,b.example.org,")
    assert env_list("HOSTS") == ["a.example.org", "b.example.org"]
    monkeypatch.delenv("HOSTS")
    assert env_list("HOSTS", "localhost") == ["localhost"]


def test_a_rate_needs_a_number_and_a_known_period(monkeypatch):
    monkeypatch.setenv("RATE", "30/hour")
    assert env_rate("RATE", "60/minute") == "30/hour"
    monkeypatch.setenv("RATE", "")
    assert env_rate("RATE", "60/minute") == "60/minute"
    monkeypatch.setenv("RATE", "30/fortnight")
    with pytest.raises(ImproperlyConfigured, match="RATE='30/fortnight' is not a rate"):
        env_rate("RATE", "60/minute")


def test_a_relative_sqlite_path_lies_in_the_project_and_an_absolute_one_is_kept():
    relative = database_from_url("sqlite:///db.sqlite3")
    assert relative["ENGINE"] == "django.db.backends.sqlite3"
    assert relative["NAME"] == str(PROJECT_DIR / "db.sqlite3")
    assert database_from_url("sqlite:////srv/tracker/db.sqlite3")["NAME"] == (
        "/srv/tracker/db.sqlite3"
    )


def test_a_postgres_url_gives_every_part_decoded_and_its_options():
    config = database_from_url(
        "postgres://tracker:p%40ss%2Fword@db.internal:5433/tracker?options=-c%20jit%3Doff",
        conn_max_age=30,
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"]) == ("tracker", "p@ss/word")
    assert (config["HOST"], int(config["PORT"]), config["NAME"]) == (
        "db.internal",
        5433,
        "tracker",
    )
    assert config["OPTIONS"] == {"options": "-c jit=off"}
    assert config["CONN_MAX_AGE"] == 30 and config["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize("scheme", ["mysql", "oracle", "mssql"])
def test_a_database_the_tracker_does_not_support_is_refused(scheme):
    with pytest.raises(ImproperlyConfigured, match=f"DATABASE_URL scheme '{scheme}'"):
        database_from_url(f"{scheme}://root@localhost/tracker")


def test_each_cache_url_names_its_backend():
    assert cache_from_url("locmem://")["BACKEND"].endswith("LocMemCache")
    assert cache_from_url("db://tracker_cache") == {
        "BACKEND": "tracker.cache.DatabaseCache",
        "LOCATION": "tracker_cache",
    }
    assert cache_from_url("redis://127.0.0.1:6379/0")["BACKEND"] == "tracker.cache.RedisCache"
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL scheme 'memcached'"):
        cache_from_url("memcached://localhost")
