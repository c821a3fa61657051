"""Background downloads on a real worker: time from request to ready. Prints figures.

    .venv/bin/python -m bench.background                # PostgreSQL (BENCH_POSTGRES)
    .venv/bin/python -m bench.background --sqlite       # a SQLite file in var/
    .venv/bin/python -m bench.background --clauses 2000

It makes its own database (`bench_background`, or var/bench-background.sqlite3), migrates
it, writes one declaration of `--clauses` paragraphs (a quarter of them adopting an
instrument with a published status), starts one `manage.py db_worker` and, as a signed-in
manager, asks for the declaration's scorecard as PDF: the request answers at once with
the job's page; the figure is the time until the job's file is ready, split into the wait
for the worker and the build. For comparison it builds the same PDF inside a request (the
path below the threshold), and reads the worker's peak memory. See BENCHMARKS.md.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "bench_background"


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def environment(url):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "SECRET_KEY": "benchmark-only-not-secret",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": url,
        "TASKS_BACKEND": "database",
        # Whatever its size, the scorecard goes to the worker.
        "TRACKER_BACKGROUND_DOWNLOAD_ROWS": "0",
        "TRACKER_JOB_FILES_DIR": str(ROOT / "var" / "bench-job-files"),
        "LOG_LEVEL": "WARNING",
    }


def step(env, name, *args):
    done = subprocess.run(
        [sys.executable, "-m", "bench.background", name, *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare(args):
    if args.sqlite:
        path = ROOT / "var" / "bench-background.sqlite3"
        path.parent.mkdir(exist_ok=True)
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    server = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{NAME}"')
    return f"{server}/{NAME}?options=-c%20jit%3Doff"


def peak_rss_mb(pid):
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL.")
    parser.add_argument("--clauses", type=int, default=5000)
    args = parser.parse_args()

    url = prepare(args)
    env = environment(url)
    log("migrate")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    log(f"write a declaration of {args.clauses:,} clauses")
    filled = step(env, "fill", str(args.clauses))
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval=0.1",
         "--no-startup-delay", "--verbosity=0"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        log("request the PDF (worker)")
        background = step(env, "request", filled["slug"])
        rss = peak_rss_mb(worker.pid)
    finally:
        worker.terminate()
        worker.wait(timeout=120)
    log("build the same PDF inside a request")
    in_request = step(env, "in-request", filled["slug"])

    database = "SQLite" if args.sqlite else "PostgreSQL"
    print(f"Scorecard PDF of {filled['clauses']:,} clauses on {database}, one db_worker:")
    print(f"  request answered (job page)     {background['request_ms']:8.0f} ms")
    print(f"  request to ready                {background['ready_s']:8.1f} s")
    print(f"    waiting for the worker        {background['queued_s']:8.1f} s")
    print(f"    building on the worker        {background['build_s']:8.1f} s")
    print(f"  file                            {background['bytes'] / 1e6:8.1f} MB")
    print(f"  the same PDF inside a request   {in_request['seconds']:8.1f} s")
    if rss is not None:
        print(f"  worker peak RSS                 {rss:8.0f} MB")


# Steps run inside the benchmark's database (DATABASE_URL), each printing one JSON line.


def setup_django():
    import django

    django.setup()


def fill(clauses):
    import datetime

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from declarations.models import (
        Clause,
        Declaration,
        ImplementationStatus,
        Instrument,
        Kind,
        Part,
        Reference,
        Relation,
        ReviewState,
        Status,
        VerbClass,
    )

    manager = get_user_model().objects.create_user("bench-manager", password="bench-password")
    manager.groups.add(Group.objects.get(name="Managers"))
    declaration = Declaration.objects.create(
        slug="bench-long-declaration",
        title="A very long benchmark declaration",
        body="ADMM",
        meeting="Benchmark meeting",
        place="Kuala Lumpur, Malaysia",
        adopted_on=datetime.date(2025, 10, 31),
        text="Benchmark text.",
    )
    preamble = clauses // 10
    rows = [
        Clause(
            declaration=declaration,
            part=Part.PREAMBLE if n <= preamble else Part.OPERATIVE,
            number=n if n <= preamble else n - preamble,
            lead_word="RECOGNISING" if n <= preamble else "ADOPT",
            lead_verb="RECOGNISING" if n <= preamble else "ADOPT",
            verb_class=VerbClass.DECLARATORY if n <= preamble else VerbClass.ADOPTS,
            trackable=n > preamble,
            text=f"Paragraph {n} of the benchmark declaration, of an ordinary length for a "
            "joint declaration, naming the work that the ministers agree to carry out.",
        )
        for n in range(1, clauses + 1)
    ]
    Clause.objects.bulk_create(rows, batch_size=1000)
    operative = list(declaration.clauses.filter(part=Part.OPERATIVE).order_by("number"))
    cited = operative[::4]
    instruments = Instrument.objects.bulk_create(
        Instrument(slug=f"bench-{n}", name=f"Benchmark concept paper {n}", kind=Kind.CONCEPT_PAPER)
        for n in range(len(cited))
    )
    Reference.objects.bulk_create(
        Reference(clause=clause, instrument=instrument, relation=Relation.ADOPTS)
        for clause, instrument in zip(cited, instruments, strict=True)
    )
    stamp = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)
    ImplementationStatus.objects.bulk_create(
        ImplementationStatus(
            instrument=instrument,
            status=Status.IN_PROGRESS,
            progress=40,
            as_of=stamp.date(),
            recorded_at=stamp,
            review_state=ReviewState.PUBLISHED,
            published_at=stamp,
        )
        for instrument in instruments
    )
    return {"slug": declaration.slug, "clauses": clauses, "instruments": len(instruments)}


def scorecard_url(slug):
    return f"/reports/declarations/{slug}/?as_of=2026-11-30&format=pdf"


def signed_in_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-manager"))
    return client


def request(slug):
    from declarations.models import Job

    client = signed_in_client()
    started = time.monotonic()
    response = client.get(scorecard_url(slug))
    answered = time.monotonic()
    assert response.status_code == 302, response.status_code
    job = Job.objects.get(pk=response["Location"].split("/")[2])
    while not job.finished:
        time.sleep(0.1)
        job.refresh_from_db()
    ready = time.monotonic()
    assert job.state == "done", job.error
    return {
        "request_ms": 1000 * (answered - started),
        "ready_s": ready - started,
        "queued_s": (job.started_at - job.requested_at).total_seconds(),
        "build_s": (job.finished_at - job.started_at).total_seconds(),
        "bytes": job.result["bytes"],
    }


def in_request(slug):
    from django.test import override_settings

    client = signed_in_client()
    with override_settings(TRACKER_BACKGROUND_DOWNLOAD_ROWS=10**9):
        started = time.monotonic()
        response = client.get(scorecard_url(slug))
        seconds = time.monotonic() - started
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return {"seconds": seconds}


STEPS = {"fill": lambda arg: fill(int(arg)), "request": request, "in-request": in_request}

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in STEPS:
        setup_django()
        print(json.dumps(STEPS[sys.argv[1]](*sys.argv[2:])))
    else:
        main()
