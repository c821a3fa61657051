"""A report page's first request in a fresh process costs the queries pinned for it.

Like the API lists (tests/test_api_first_request.py): a test process has long loaded what
Django loads once per process, so only a new process shows a page that pays for it on its
first request. The new process reads this test's data (a copy on SQLite), signed in as the
manager through the session this test made, and asks for every pinned page twice.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings

from tests.test_api_first_request import ON_POSTGRESQL, PROJECT, database_url
from tests.test_views import PAGES, Growing

pytestmark = pytest.mark.django_db(transaction=ON_POSTGRESQL, serialized_rollback=ON_POSTGRESQL)

REQUEST_TWICE = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    session, *paths = sys.argv[1:]
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session
    counts = {}
    for path in paths:
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
                if response.streaming:
                    b"".join(response.streaming_content)
            counts.setdefault(path, []).append([response.status_code, len(queries)])
    print(json.dumps(counts))
    """
)


def test_a_fresh_process_pays_no_extra_query_on_a_report_pages_first_request(
    client, manager, tmp_path
):
    Growing().grow(3)
    client.force_login(manager)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DATABASE_URL": database_url(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", REQUEST_TWICE, session, *PAGES],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    for url, expected in PAGES.items():
        (first_status, first), (second_status, second) = counts[url]
        assert first_status == second_status == 200, url
        assert (first, second) == (expected, expected), url
