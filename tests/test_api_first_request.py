"""The first request a fresh process serves costs the same queries as the later ones.

Django and this app load some things lazily, once per process (database features, content
types, cached settings): in a test process they have long been loaded by earlier tests, so
only a new process shows them. A new Python process, reading this test's database (a copy
on SQLite), asks for each list twice: whatever a list is the first to load shows in its
first count.
"""

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import make_clause, make_declaration, make_instrument, make_status
from tests.test_api import API, EXPECTED_QUERIES, LISTS, D

# Another process sees only committed rows: on PostgreSQL the test commits them (and, as
# the suite's other such tests, puts the migrations' rows back afterwards). SQLite's
# in-memory database is dumped by this connection, which sees its own transaction.
ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
pytestmark = [
    pytest.mark.django_db(transaction=ON_POSTGRESQL, serialized_rollback=ON_POSTGRESQL),
    pytest.mark.usefixtures("clear_api_throttles"),
]

PROJECT = Path(__file__).resolve().parent.parent

REQUEST_TWICE = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    key, *paths = sys.argv[1:]
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    counts = {}
    for path in paths:
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            sql = [query["sql"][:120] for query in queries]
            counts.setdefault(path, []).append([response.status_code, sql])
    print(json.dumps(counts))
    """
)


def database_url(tmp_path):
    """An address for a new process: this test's database itself on PostgreSQL (its rows
    are committed), a file copy of the in-memory one on SQLite."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        copy = tmp_path / "copy.sqlite3"
        connection.ensure_connection()
        # A dump read through this connection, which sees its own open transaction (the
        # backup API would wait for that transaction to end).
        target = sqlite3.connect(copy)
        target.executescript("\n".join(connection.connection.iterdump()))
        target.close()
        return f"sqlite:///{copy}"
    credentials = quote(settings["USER"], safe="")
    if settings["PASSWORD"]:
        credentials += ":" + quote(settings["PASSWORD"], safe="")
    host = f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{settings['NAME']}"


def test_a_fresh_process_pays_no_extra_query_on_its_first_request(
    api_client_for, consumer, malaysia, tmp_path
):
    declaration = make_declaration(slug="admm-2025-kuala-lumpur")
    instrument = make_instrument(make_clause(declaration), slug="acdn", acronym="ACDN")
    make_instrument(parent=instrument, slug="acdn-phase-1", kind="milestone")
    make_status(instrument, party=malaysia, as_of=D(2026, 1, 1))
    reader = api_client_for(consumer)
    reader.get(f"{API}/themes/")  # records the token's last use, once a minute
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DATABASE_URL": database_url(tmp_path),
    }
    paths = [f"{API}/{endpoint}/?page_size=10" for endpoint in LISTS]
    result = subprocess.run(
        [sys.executable, "-c", REQUEST_TWICE, reader.key, *paths],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    for endpoint, path in zip(LISTS, paths, strict=True):
        (first_status, first), (second_status, second) = counts[path]
        assert first_status == second_status == 200, endpoint
        assert len(first) == len(second) == EXPECTED_QUERIES[endpoint], (endpoint, first, second)
