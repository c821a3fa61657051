"""The status import on a real worker: 100,000 rows checked and written. Prints figures.

    .venv/bin/python -m bench.status_import              # PostgreSQL (BENCH_POSTGRES)
    .venv/bin/python -m bench.status_import --rows 20000

Run by `make bench` after the page and API figures. It makes its own database
(`bench_status_import`), migrates it, creates 200 instruments and an editor, writes a CSV
of `--rows` rows (every party and the region, a quarter with an evidence link), uploads it
as the editor through the admin's import page, and starts one `manage.py db_worker`. The
check job (the preview: every row through the write path's rules) and then, confirmed
through the page, the write job (every row again, written in one transaction) are timed
from the jobs' own clocks; the worker's peak memory is read from /proc. See BENCHMARKS.md.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from .background import peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent
# BENCH_STATUS_IMPORT_DB names another database, for runs side by side.
NAME = os.environ.get("BENCH_STATUS_IMPORT_DB", "bench_status_import")
CSV = ROOT / "var" / f"{NAME.replace('_', '-')}.csv"


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
        "TRACKER_JOB_FILES_DIR": str(ROOT / "var" / "bench-job-files"),
        "LOG_LEVEL": "WARNING",
    }


def prepare():
    import psycopg

    server = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{NAME}"')
    return f"{server}/{NAME}?options=-c%20jit%3Doff"


def step(env, name, *args):
    done = subprocess.run(
        [sys.executable, "-m", "bench.status_import", name, *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    env = environment(prepare())
    log("migrate")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    log(f"write a CSV of {args.rows:,} rows and upload it")
    uploaded = step(env, "upload", str(args.rows))
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval=0.1",
         "--no-startup-delay", "--verbosity=0"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        log("check (the preview), on the worker")
        checked = step(env, "wait", uploaded["job"])
        log("confirm; write, on the worker")
        written = step(env, "confirm", uploaded["job"])
        rss = peak_rss_mb(worker.pid)
    finally:
        worker.terminate()
        worker.wait(timeout=120)

    rows = uploaded["rows"]
    print(f"Status import of {rows:,} rows ({uploaded['mb']:.1f} MB CSV) on PostgreSQL:")
    print(f"  upload answered (job page)      {uploaded['request_ms']:8.0f} ms")
    timed("check (preview), every row", checked["run_s"], rows)
    timed("write, one transaction", written["run_s"], rows)
    print(f"  entries written                 {written['entries']:8,}")
    timed("total on the worker", checked["run_s"] + written["run_s"], rows)
    print(f"  upload to written (wall)        {checked['wall_s'] + written['wall_s']:8.1f} s")
    if rss is not None:
        print(f"  worker peak RSS                 {rss:8.0f} MB")


def timed(label, seconds, rows):
    print(f"  {label:<31} {seconds:8.1f} s  {rows / seconds:8,.0f} rows/s")


# Steps run inside the benchmark's database (DATABASE_URL), each printing one JSON line.


def upload(rows):
    import csv
    import datetime

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from declarations.intake.status_import import COLUMNS
    from declarations.models import Instrument, Job, Kind, Party

    Instrument.objects.bulk_create(
        Instrument(slug=f"bench-{n}", name=f"Benchmark concept paper {n}", kind=Kind.CONCEPT_PAPER)
        for n in range(200)
    )
    parties = [*Party.objects.values_list("code", flat=True), ""]
    editor = get_user_model().objects.create_user("bench-editor", password="bench-password")
    editor.groups.add(Group.objects.get(name="Editors"))
    editor.is_staff = True
    editor.save()
    day = datetime.date(2026, 6, 1)
    CSV.parent.mkdir(exist_ok=True)
    with CSV.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for n in range(rows):
            link = n % 4 == 0
            writer.writerow([
                f"bench-{n % 200}", "", parties[n % len(parties)], "in_progress", n % 101,
                (day - datetime.timedelta(days=n % 365)).isoformat(),
                f"Benchmark row {n}: progress reported by the ministry.",
                "https://example.org/minutes" if link else "", "Minutes" if link else "",
            ])  # fmt: skip
    client = Client()
    client.force_login(editor)
    started = time.monotonic()
    response = client.post(
        reverse("admin:declarations_implementationstatus_import"),
        {"file": SimpleUploadedFile("statuses.csv", CSV.read_bytes()), "state": "submitted"},
    )
    answered = time.monotonic()
    assert response.status_code == 302, response.status_code
    job = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    return {
        "job": str(job.pk),
        "rows": rows,
        "mb": CSV.stat().st_size / 1e6,
        "request_ms": 1000 * (answered - started),
    }


def finished(job):
    started = time.monotonic()
    while not job.finished:
        time.sleep(0.2)
        job.refresh_from_db()
    assert job.state == "done", job.error
    return {
        "wall_s": time.monotonic() - started,
        "run_s": (job.finished_at - job.started_at).total_seconds(),
    }


def wait(job_id):
    from declarations.models import Job

    timing = finished(Job.objects.get(pk=job_id))
    job = Job.objects.get(pk=job_id)
    assert not job.result["problems"], job.result["shown_problems"][:3]
    return timing


def confirm(check_id):
    from django.test import Client
    from django.urls import reverse

    from declarations.models import Job

    check = Job.objects.get(pk=check_id)
    client = Client()
    client.force_login(check.requested_by)
    response = client.post(
        reverse("admin:declarations_implementationstatus_import_job", args=[check.pk]),
        {"confirm": "1"},
    )
    assert response.status_code == 302, response.status_code
    job = Job.objects.get(params__check=check_id)
    timing = finished(job)
    job.refresh_from_db()
    return {**timing, "entries": job.result["entries"]}


STEPS = {"upload": lambda arg: upload(int(arg)), "wait": wait, "confirm": confirm}

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in STEPS:
        import django

        django.setup()
        print(json.dumps(STEPS[sys.argv[1]](*sys.argv[2:])))
    else:
        main()
