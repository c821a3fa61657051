"""Real worker processes (`manage.py db_worker`, django-tasks-db) on a database of their
own, of the suite's kind (a SQLite file, or a PostgreSQL database beside the test one):
a worker killed in the middle of a declaration import leaves nothing written, the job
can be retried and a second worker finishes it; a job that fails records why."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

PROJECT = Path(__file__).resolve().parent.parent
# Parsing takes a few seconds and writing (one transaction) several more: long enough to
# stop the worker in the middle of the write.
# Enough paragraphs that writing them (one transaction) outlasts the wait before the kill,
# on a fast machine too.
OPERATIVE_CLAUSES = 1500


def large_declaration(clauses=OPERATIVE_CLAUSES):
    lines = [
        "Joint Declaration of the ADMM on a Very Long Work Programme",
        "",
        "The Nineteenth ASEAN Defence Ministers' Meeting was convened on 31 October 2025, "
        "in Kuala Lumpur, Malaysia;",
        *[f"RECOGNISING the regional matter number {n};" for n in range(1, 6)],
        "HEREBY DECLARES TO:",
        *[
            f"ADOPT the Concept Paper on Cooperation Area {n} (COOPA{n});"
            for n in range(1, clauses + 1)
        ],
        "ADOPTED in Kuala Lumpur, Malaysia on the Thirty-First Day of October in the Year Two "
        "Thousand and Twenty-Five.",
    ]
    return "\n".join(lines)


class WorkerDatabase:
    """A migrated database for worker processes, and plain SQL to watch it from here."""

    def __init__(self, tmp_path):
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.path = tmp_path / "worker.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            import psycopg

            params = connection.settings_dict
            self.name = f"{params['NAME']}_worker_{uuid.uuid4().hex[:6]}"
            self.dsn = {
                "host": params["HOST"] or "127.0.0.1",
                "port": params["PORT"] or "5432",
                "user": params["USER"],
                "password": params["PASSWORD"],
            }
            with psycopg.connect(dbname="postgres", autocommit=True, **self.dsn) as admin:
                admin.execute(f'CREATE DATABASE "{self.name}"')
            auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
            self.url = f"postgres://{auth}@{self.dsn['host']}:{self.dsn['port']}/{self.name}"
        self.env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "TASKS_BACKEND": "database",
            "SECRET_KEY": "test-only-not-secret",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver",
            "TRACKER_JOB_FILES_DIR": str(tmp_path / "job-files"),
        }
        self.manage("migrate", "--no-input", "--verbosity=0")

    def manage(self, *args, env=None, check=True):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT,
            env=self.env | (env or {}),
            capture_output=True,
            text=True,
            timeout=300,
            check=check,
        )

    def shell(self, code, env=None):
        return self.manage("shell", "--no-imports", "-c", code, env=env).stdout.strip()

    def worker(self, *args):
        return subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval=0.2", "--no-startup-delay",
             "--no-reload", *args],
            cwd=PROJECT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip

    def query(self, sql, params=()):
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path, timeout=30) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(dbname=self.name, autocommit=True, **self.dsn) as db:
            return db.execute(sql, params).fetchall()

    def job(self, job_id):
        [row] = self.query(
            "SELECT state, done, total, attempts, error FROM declarations_job WHERE id = %s",
            [job_id if self.vendor == "postgresql" else job_id.replace("-", "")],
        )
        return dict(zip(["state", "done", "total", "attempts", "error"], row, strict=True))

    def count(self, table):
        return self.query(f"SELECT COUNT(*) FROM {table}")[0][0]  # noqa: S608 - test tables

    def drop(self):
        if self.vendor == "postgresql":
            import psycopg

            with psycopg.connect(dbname="postgres", autocommit=True, **self.dsn) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


START_IMPORT = """
from django.contrib.auth import get_user_model
from declarations.intake.background import import_declaration_text
from declarations.jobs import start_job
from declarations.models import JobKind
editor = get_user_model().objects.create_user("eddie", password="a-long-test-password")
text = open({path!r}, encoding="utf-8").read()
job = start_job(import_declaration_text, kind=JobKind.DECLARATION_IMPORT, label="Large import",
                requested_by=editor, params={{"text": text}})
print(job.pk)
"""

RETRY = """
from declarations.jobs import retry_job
from declarations.models import Job
print(retry_job(Job.objects.get(pk={job_id!r})))
"""


@pytest.fixture
def database(tmp_path):
    db = WorkerDatabase(tmp_path)
    yield db
    db.drop()


def wait_for(predicate, *, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"Timed out waiting for {what}")


def test_a_worker_killed_mid_import_leaves_nothing_written_and_a_retry_finishes(database, tmp_path):
    text_file = tmp_path / "declaration.txt"
    text_file.write_text(large_declaration(), encoding="utf-8")
    job_id = database.shell(START_IMPORT.format(path=str(text_file)))
    assert database.job(job_id)["state"] == "queued"

    worker = database.worker()
    try:
        # Parsed (step 1 of 2, committed outside the write); now inside the transaction.
        wait_for(lambda: database.job(job_id)["done"] == 1, timeout=120, what="the parse step")
        time.sleep(0.2)
        assert worker.poll() is None, worker.stdout.read()
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()

    killed = database.job(job_id)
    assert killed["state"] == "running", "the worker finished before it was killed"
    assert database.count("declarations_declaration") == 0
    assert database.count("declarations_clause") == 0
    assert database.count("declarations_instrument") == 0

    # Once its progress has stood still long enough (here: at once), the job may be retried.
    assert database.shell(RETRY.format(job_id=job_id), env={"TRACKER_JOB_STALLED_MINUTES": "0"})
    finished = database.worker("--batch")
    output, _ = finished.communicate(timeout=300)
    assert finished.returncode == 0, output

    done = database.job(job_id)
    assert (done["state"], done["attempts"], done["error"]) == ("done", 2, "")
    assert database.count("declarations_declaration") == 1
    assert database.count("declarations_clause") == 5 + OPERATIVE_CLAUSES
    assert database.count("declarations_instrument") == OPERATIVE_CLAUSES


def test_a_job_that_fails_on_a_worker_records_why(database, tmp_path):
    text_file = tmp_path / "declaration.txt"
    text_file.write_text("A Declaration\nRECOGNISING the need for peace;\n", encoding="utf-8")
    job_id = database.shell(START_IMPORT.format(path=str(text_file)))
    worker = database.worker("--batch")
    output, _ = worker.communicate(timeout=300)
    assert worker.returncode == 0, output

    failed = database.job(job_id)
    assert failed["state"] == "failed"
    assert failed["error"].endswith("Nothing was written.")
    assert database.count("declarations_declaration") == 0
    [(status,)] = database.query("SELECT status FROM django_tasks_database_dbtaskresult")
    assert status == "FAILED"


# The status import: a large checked file, written in one transaction --------------------

STATUS_ROWS = 30_000

START_STATUS_IMPORT = """
import csv, io
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from declarations.intake import status_jobs
from declarations.intake.status_import import COLUMNS
from declarations.models import Instrument, Job, JobState
for n in range(20):
    Instrument.objects.create(slug=f"paper-{{n}}", name=f"Concept paper {{n}}")
editor = get_user_model().objects.create_user("eddie", password="a-long-test-password")
editor.groups.add(Group.objects.get(name="Editors"))
buffer = io.StringIO()
writer = csv.writer(buffer)
writer.writerow(COLUMNS)
day = timezone.localdate().isoformat()
for n in range({rows}):
    writer.writerow([f"paper-{{n % 20}}", "", "MYS", "in_progress", n % 101, day, f"Row {{n}}",
                     "https://example.org/minutes", "Minutes"])
upload = SimpleUploadedFile("statuses.csv", buffer.getvalue().encode(), content_type="text/csv")
# The check as its job would have finished it (tests/test_status_import_jobs.py runs it).
check = Job.objects.create(kind="status_import", label="Check of statuses.csv", requested_by=editor,
    state=JobState.DONE, task_path="declarations.intake.status_jobs.check_status_file",
    params={{"state": "submitted", "filename": "statuses.csv"}},
    result={{"rows": {rows}, "problems": 0}})
check.store_file(upload, download_name="statuses.csv", content_type="text/csv")
print(status_jobs.start_import(check).pk)
"""


def test_a_worker_killed_mid_status_import_writes_nothing_and_a_retry_writes_every_row(database):
    job_id = database.shell(START_STATUS_IMPORT.format(rows=STATUS_ROWS))
    assert database.job(job_id)["state"] == "queued"

    worker = database.worker()
    try:
        if database.vendor == "postgresql":
            # Progress inside the transaction is committed on a connection of its own.
            wait_for(lambda: database.job(job_id)["done"] >= 2000, timeout=180, what="rows")
        else:
            # SQLite shows no progress before the transaction ends: the write has begun
            # once the job runs and its total is known; it takes seconds at this size.
            wait_for(
                lambda: database.job(job_id)["state"] == "running", timeout=120, what="the start"
            )
            time.sleep(3)
        assert worker.poll() is None, worker.stdout.read()
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()

    killed = database.job(job_id)
    assert killed["state"] == "running", "the worker finished before it was killed"
    assert database.count("declarations_implementationstatus") == 0
    assert database.count("declarations_historicalimplementationstatus") == 0
    assert database.count("declarations_evidence") == 0

    assert database.shell(RETRY.format(job_id=job_id), env={"TRACKER_JOB_STALLED_MINUTES": "0"})
    finished = database.worker("--batch")
    output, _ = finished.communicate(timeout=600)
    assert finished.returncode == 0, output

    done = database.job(job_id)
    assert (done["state"], done["attempts"], done["error"]) == ("done", 2, "")
    assert done["done"] == done["total"] == STATUS_ROWS
    assert database.count("declarations_implementationstatus") == STATUS_ROWS
    assert database.count("declarations_historicalimplementationstatus") == STATUS_ROWS
    assert database.count("declarations_evidence") == STATUS_ROWS
