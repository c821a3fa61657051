"""Settings are read once at start-up, so each case runs in a fresh interpreter."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def start(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=PROJECT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "tracker.settings"} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_without_secret_key_when_debug_is_off():
    result = start(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = start()
    assert "SECRET_KEY is not set" in result.stderr


def test_it_starts_with_a_secret_key():
    result = start(SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def test_it_starts_in_debug_without_a_secret_key():
    assert start(DEBUG="true").returncode == 0


def test_a_bad_boolean_names_the_variable_and_value():
    result = start(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_an_unsupported_database_url_is_refused():
    result = start(SECRET_KEY="x" * 50, DATABASE_URL="mysql://root@localhost/db")
    assert "DATABASE_URL scheme 'mysql' is not supported" in result.stderr


def test_time_zone_is_utc():
    from django.conf import settings

    assert settings.TIME_ZONE == "UTC"


def test_production_settings_pass_the_deployment_checks():
    # Only what a production deployment would have: not the test run's own switches.
    dropped = {"DEBUG", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    env = clean | {
        "SECRET_KEY": "a-production-secret-" + "k" * 40,
        "ALLOWED_HOSTS": "tracker.example.org",
        "DEBUG": "false",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
