"""Work the benchmark does inside one database, run as `python -m bench.tasks <task>` with
DATABASE_URL pointing at it; each task prints one JSON object."""

import json
import os
import resource
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import transaction  # noqa: E402

from declarations import exports  # noqa: E402
from declarations.intake.importing import decode_text, import_text  # noqa: E402
from declarations.models import ApiToken, ImplementationStatus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "declarations/fixtures/kl-2025-admm-joint-declaration.txt"


def setup():
    """A superuser with an API token and a signed-in session, made without the login form."""
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    _, key = ApiToken.issue(user=user, name="benchmark")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"token": key, "session": session.session_key, "cookie": settings.SESSION_COOKIE_NAME}


def import_rate(runs=5):
    """Declarations per second importing the seed text, each import rolled back."""
    text = decode_text(SEED.read_bytes())
    started = time.perf_counter()
    for n in range(runs):
        with transaction.atomic():
            import_text(text, slug=f"bench-import-{n}")
            transaction.set_rollback(True)
    elapsed = time.perf_counter() - started
    return {"runs": runs, "seconds": elapsed, "per_second": runs / elapsed}


def csv_memory():
    """Peak memory of streaming every status entry as CSV through the reports' exporter."""
    table = exports.Table(
        "Status entries",
        [
            exports.Column("Instrument", lambda e: e.instrument.name),
            exports.Column("Party", lambda e: e.party.code if e.party_id else "region"),
            exports.Column("Status", lambda e: e.status, "status"),
            exports.Column("Progress", lambda e: e.progress),
            exports.Column("As of", lambda e: e.as_of),
            exports.Column("Review", lambda e: e.review_state),
            exports.Column("Published", lambda e: e.published_at),
            exports.Column("Note", lambda e: e.note),
        ],
        ImplementationStatus.objects.select_related("instrument", "party").order_by("pk"),
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    response = exports.csv_response(tables=[table], filename="statuses")
    started = time.perf_counter()
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += 1
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "rows": lines - 2,
        "megabytes": size / 1e6,
        "seconds": elapsed,
        "rss_before_mb": before,
        "peak_rss_mb": peak,
    }


TASKS = {"setup": setup, "import": import_rate, "csv": csv_memory}

if __name__ == "__main__":
    print(json.dumps(TASKS[sys.argv[1]]()))
