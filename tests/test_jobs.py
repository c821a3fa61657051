"""Background jobs with the immediate task backend: large report downloads, large
declaration imports, what the asker and staff see, failures and retries.
(tests/test_worker.py runs the same jobs on real worker processes.)"""

import datetime
import logging

import pytest
from django.core.files.storage import storages
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from declarations.intake.background import import_declaration_text
from declarations.jobs import job_task, retry_job, start_job
from declarations.models import (
    Clause,
    Declaration,
    Job,
    JobKind,
    JobState,
    prune_job_files,
)
from declarations.reports import downloads
from declarations.reports.downloads import build_download
from tests.samples import SAMPLE_DAY, SEED_SLUG, seed_with_sample_statuses
from tests.test_importing import SEED
from tests.test_security import inline_code

pytestmark = pytest.mark.django_db

SCORECARD = f"/reports/declarations/{SEED_SLUG}/?as_of={SAMPLE_DAY}"
IMPORT_URL = "/admin/declarations/declaration/import/"


@pytest.fixture
def seed():
    return seed_with_sample_statuses()


@pytest.fixture
def every_download_in_background(settings):
    settings.TRACKER_BACKGROUND_DOWNLOAD_ROWS = 0


def job_from(response):
    assert response.status_code == 302, response.content[:300]
    assert response["Location"].startswith("/jobs/")
    return Job.objects.get(pk=response["Location"].split("/")[2])


def download_job(owner, *, path=f"/reports/declarations/{SEED_SLUG}/", fmt="xlsx", label="Test"):
    return start_job(
        build_download,
        kind=JobKind.REPORT,
        label=label,
        requested_by=owner,
        params={
            "path": path,
            "query": f"as_of={SAMPLE_DAY}&format={fmt}",
            "host": "testserver",
            "secure": False,
            "format": fmt,
            "filename": f"test.{fmt}",
        },
    )


# Report downloads --------------------------------------------------------------------------


@pytest.mark.usefixtures("seed", "every_download_in_background")
class TestALargeDownload:
    def test_a_pdf_over_the_threshold_is_built_by_a_task_and_offered_when_ready(
        self, client, manager
    ):
        client.force_login(manager)
        job = job_from(client.get(SCORECARD + "&format=pdf"))
        assert job.state == JobState.DONE and job.requested_by == manager
        page = client.get(f"/jobs/{job.pk}/")
        assert "Ready." in page.text
        download = client.get(f"/jobs/{job.pk}/download/")
        assert download.status_code == 200
        assert download["Content-Type"] == "application/pdf"
        assert f'filename="{SEED_SLUG}-{SAMPLE_DAY}.pdf"' in download["Content-Disposition"]
        assert b"".join(download.streaming_content).startswith(b"%PDF")

    def test_an_xlsx_over_the_threshold_is_built_the_same_way(self, client, manager):
        client.force_login(manager)
        job = job_from(client.get(SCORECARD + "&format=xlsx"))
        download = client.get(f"/jobs/{job.pk}/download/")
        assert download["Content-Type"] == downloads.XLSX_CONTENT_TYPE
        assert b"".join(download.streaming_content).startswith(b"PK")  # a zip: the workbook

    def test_the_report_page_carries_a_notice_with_the_link(self, client, manager):
        client.force_login(manager)
        job = job_from(client.get(SCORECARD + "&format=xlsx"))
        page = client.get(SCORECARD)
        assert "is ready" in page.text
        assert f'href="/jobs/{job.pk}/download/"' in page.text
        other_report = client.get("/reports/")
        assert f"/jobs/{job.pk}/" not in other_report.text

    def test_csv_still_streams_at_once(self, client, manager):
        client.force_login(manager)
        response = client.get(SCORECARD + "&format=csv")
        assert response.status_code == 200 and response.streaming
        assert not Job.objects.exists()

    def test_an_anonymous_reader_of_public_reports_gets_the_file_at_once(self, client, settings):
        settings.TRACKER_PUBLIC_REPORTS = True
        response = client.get(SCORECARD + "&format=xlsx")
        assert response.status_code == 200
        assert response["Content-Type"] == downloads.XLSX_CONTENT_TYPE
        assert not Job.objects.exists()

    @pytest.mark.parametrize("persona", ["editor", "malaysia_editor", "administrator"])
    def test_nobody_but_the_asker_reads_the_job_or_its_file(
        self, client, manager, request, persona
    ):
        job = download_job(manager)
        client.force_login(request.getfixturevalue(persona))
        for suffix in ("", "status/", "download/"):
            assert client.get(f"/jobs/{job.pk}/{suffix}").status_code == 404
        assert client.post(f"/jobs/{job.pk}/retry/").status_code == 404

    def test_a_kept_file_expires_and_is_then_deleted(self, client, manager):
        client.force_login(manager)
        job = job_from(client.get(SCORECARD + "&format=xlsx"))
        name = job.file_name
        assert storages["jobs"].exists(name)
        Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
        assert client.get(f"/jobs/{job.pk}/download/").status_code == 410
        assert prune_job_files() == 1
        assert not storages["jobs"].exists(name)
        assert "has been deleted" in client.get(f"/jobs/{job.pk}/").text

    def test_files_are_kept_for_the_configured_hours(self, client, manager, settings):
        settings.TRACKER_JOB_FILES_KEEP_HOURS = 3
        client.force_login(manager)
        job = job_from(client.get(SCORECARD + "&format=xlsx"))
        kept = job.expires_at - job.finished_at
        assert datetime.timedelta(hours=2, minutes=59) < kept <= datetime.timedelta(hours=3)

    def test_no_public_address_serves_the_files(self, client, manager, settings):
        client.force_login(manager)
        job = job_from(client.get(SCORECARD + "&format=xlsx"))
        for prefix in ("/", "/media/", "/" + settings.STATIC_URL):
            assert client.get(prefix + job.file_name).status_code == 404


def test_a_small_download_is_answered_in_the_request(client, manager, seed):
    client.force_login(manager)
    response = client.get(SCORECARD + "&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == downloads.XLSX_CONTENT_TYPE
    assert not Job.objects.exists()


def test_the_threshold_counts_rows(seed, client, manager, settings):
    client.force_login(manager)
    settings.TRACKER_BACKGROUND_DOWNLOAD_ROWS = 10_000
    assert client.get(SCORECARD + "&format=xlsx").status_code == 200
    settings.TRACKER_BACKGROUND_DOWNLOAD_ROWS = 10
    assert client.get(SCORECARD + "&format=xlsx").status_code == 302


# The job page ------------------------------------------------------------------------------


def queued_job(owner):
    return Job.objects.create(
        kind=JobKind.REPORT,
        label="Scorecard (PDF)",
        requested_by=owner,
        task_path=build_download.module_path,
        total=5000,
        done=1200,
        state=JobState.RUNNING,
        started_at=timezone.now(),
        progressed_at=timezone.now(),
    )


def test_a_running_jobs_page_says_preparing_and_follows_it_with_a_static_script(client, manager):
    job = queued_job(manager)
    client.force_login(manager)
    page = client.get(f"/jobs/{job.pk}/")
    assert "Preparing" in page.text
    assert f'data-job-status-url="/jobs/{job.pk}/status/"' in page.text
    assert 'src="/static/declarations/job.js"' in page.text
    assert '<progress class="job-bar" max="5000" value="1200">' in page.text
    assert inline_code(page.text) == []
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]


def test_the_status_answer_gives_progress_as_done_of_total(client, manager):
    job = queued_job(manager)
    client.force_login(manager)
    status = client.get(f"/jobs/{job.pk}/status/").json()
    assert status | {"page": None} == {
        "state": "running",
        "state_label": "Running",
        "done": 1200,
        "total": 5000,
        "percent": 24,
        "error": "",
        "finished": False,
        "page": None,
        "download": None,
    }


def test_the_polling_script_is_a_static_file():
    from django.contrib.staticfiles import finders

    with open(finders.find("declarations/job.js"), encoding="utf-8") as handle:
        script = handle.read()
    assert "data-job-status-url" in script and "location.reload" in script


def test_signed_out_visitors_are_sent_to_sign_in(client, manager):
    job = queued_job(manager)
    response = client.get(f"/jobs/{job.pk}/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# Failures and retries ----------------------------------------------------------------------


def test_a_failing_task_records_the_error_and_the_asker_sees_it(client, manager, seed):
    job = download_job(manager, path="/reports/declarations/no-such-declaration/")
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error == "This report no longer exists; no file was made."
    client.force_login(manager)
    page = client.get(f"/jobs/{job.pk}/")
    assert "This report no longer exists; no file was made." in page.text
    assert "Try again" in page.text


def test_an_unexpected_error_is_told_plainly_and_logged_in_full(manager, seed, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("renderer exploded")

    monkeypatch.setattr("declarations.reports.exports.write_xlsx", broken)
    with caplog.at_level(logging.ERROR):
        job = download_job(manager)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error.startswith("The job stopped on an unexpected error (RuntimeError)")
    assert "renderer exploded" not in job.error
    assert "renderer exploded" in caplog.text
    assert not job.file_name


def test_a_failed_job_is_retried_as_a_new_attempt(client, manager, seed, monkeypatch):
    monkeypatch.setattr(
        "declarations.reports.exports.write_xlsx", lambda *a, **k: (_ for _ in ()).throw(OSError)
    )
    job = download_job(manager)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    monkeypatch.undo()
    client.force_login(manager)
    assert client.post(f"/jobs/{job.pk}/retry/").status_code == 302
    job.refresh_from_db()
    assert (job.state, job.attempts, job.error) == (JobState.DONE, 2, "")
    assert job.has_file


def test_a_task_of_a_superseded_attempt_does_nothing(manager, seed):
    job = download_job(manager)
    job.refresh_from_db()
    assert build_download.call(str(job.pk), job.attempts - 1) == {"skipped": True}
    assert build_download.call(str(job.pk), job.attempts) == {"skipped": True}  # already done


def test_a_running_job_is_retried_only_once_its_worker_has_gone_quiet(manager, settings):
    job = queued_job(manager)
    assert not job.can_retry and not retry_job(job)
    job.progressed_at = timezone.now() - datetime.timedelta(
        minutes=settings.TRACKER_JOB_STALLED_MINUTES + 1
    )
    job.save()
    assert job.stalled and job.can_retry


def test_a_done_job_is_not_retried(client, manager, seed):
    job = download_job(manager)
    job.refresh_from_db()
    client.force_login(manager)
    client.post(f"/jobs/{job.pk}/retry/")
    job.refresh_from_db()
    assert job.attempts == 1


@job_task
def count_to_three(job):
    for done in range(1, 4):
        job.report_progress(done, 3)
    return {"counted": 3}


def test_a_job_task_reports_progress_and_keeps_its_result(manager):
    job = start_job(count_to_three, kind=JobKind.REPORT, label="Count", requested_by=manager)
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.result) == ("done", 3, 3, {"counted": 3})
    assert job.task_path == "tests.test_jobs.count_to_three"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Needs a second connection.")
@pytest.mark.django_db(transaction=True)
def test_progress_inside_a_transaction_is_visible_at_once_on_postgresql(manager):
    job = queued_job(manager)
    observer = connections.create_connection("default")
    try:
        with transaction.atomic():
            job.report_progress(4321, 5000)
            with observer.cursor() as cursor:
                cursor.execute("SELECT done FROM declarations_job WHERE id = %s", [job.pk])
                assert cursor.fetchone() == (4321,)
    finally:
        observer.close()


# Declaration import ------------------------------------------------------------------------


@pytest.fixture
def every_import_in_background(settings):
    settings.TRACKER_BACKGROUND_IMPORT_BYTES = 0


@pytest.mark.usefixtures("every_import_in_background")
class TestALargeDeclarationImport:
    def test_the_confirm_step_hands_the_write_to_a_task(self, client, editor):
        client.force_login(editor)
        preview = client.post(IMPORT_URL, {"text": SEED, "preview": "1"})
        assert preview.status_code == 200 and not Declaration.objects.exists()
        job = job_from(client.post(IMPORT_URL, {"text": SEED, "confirm": "1"}))
        assert job.kind == JobKind.DECLARATION_IMPORT and job.state == JobState.DONE
        declaration = Declaration.objects.get()
        assert declaration.clauses.count() == 38
        page = client.get(f"/jobs/{job.pk}/")
        change = reverse("admin:declarations_declaration_change", args=[declaration.pk])
        assert f'href="{change}"' in page.text
        assert job.result["clauses"] == 38

    def test_a_rejected_import_says_why_and_writes_nothing(self, client, editor):
        client.force_login(editor)
        client.post(IMPORT_URL, {"text": SEED, "confirm": "1"})
        before = (Declaration.objects.count(), Clause.objects.count())
        job = start_job(
            import_declaration_text,
            kind=JobKind.DECLARATION_IMPORT,
            label="Import",
            requested_by=editor,
            params={"text": SEED, "slug": "kuala-lumpur-again"},
        )
        job.refresh_from_db()
        assert job.state == JobState.FAILED
        assert job.error == (
            "This text is already imported as 'admm-2025-kuala-lumpur'; import it under that "
            "slug to compare. Nothing was written."
        )
        assert (Declaration.objects.count(), Clause.objects.count()) == before
        assert job.error.replace("'", "&#x27;") in client.get(f"/jobs/{job.pk}/").text

    def test_an_unconfirmed_update_is_refused_at_once(self, client, editor):
        client.force_login(editor)
        client.post(IMPORT_URL, {"text": SEED, "confirm": "1"})
        changed = SEED.replace("ENHANCE", "STRENGTHEN", 1)
        response = client.post(IMPORT_URL, {"text": changed, "confirm": "1"})
        assert response.status_code == 200
        assert "already exists with a different text" in response.text
        assert Job.objects.count() == 1


def test_a_small_import_is_still_written_in_the_request(client, editor):
    client.force_login(editor)
    response = client.post(IMPORT_URL, {"text": SEED, "confirm": "1"})
    assert "/admin/declarations/declaration/" in response["Location"]
    assert not Job.objects.exists()


# The admin ---------------------------------------------------------------------------------


def test_administrators_see_every_jobs_state_with_who_asked_and_when(
    client, administrator, manager, seed
):
    download_job(manager, label="Manager's scorecard")
    queued_job(manager)
    client.force_login(administrator)
    page = client.get("/admin/declarations/job/")
    assert page.status_code == 200
    assert "Manager&#x27;s scorecard" in page.text and "meg" in page.text
    assert "Done" in page.text and "Running" in page.text


def test_other_staff_see_only_their_own_jobs_in_the_admin(client, editor, manager, seed):
    download_job(manager, label="Manager's scorecard")
    download_job(editor, label="Editor's scorecard")
    client.force_login(editor)
    page = client.get("/admin/declarations/job/")
    assert "Editor&#x27;s scorecard" in page.text
    assert "Manager&#x27;s scorecard" not in page.text


def test_a_stalled_job_is_shown_so_and_retried_from_the_admin(
    client, administrator, manager, settings
):
    job = queued_job(manager)
    Job.objects.filter(pk=job.pk).update(
        progressed_at=timezone.now() - datetime.timedelta(hours=1),
        params={"path": "/x/", "query": "format=pdf", "host": "testserver"},
    )
    client.force_login(administrator)
    assert "Stalled (worker gone)" in client.get("/admin/declarations/job/").text
    response = client.post(
        "/admin/declarations/job/", {"action": "retry", "_selected_action": [str(job.pk)]}
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.attempts == 1 and job.state == JobState.FAILED  # ran again; /x/ is no report


def test_prune_jobs_deletes_expired_files_and_old_finished_jobs(manager, seed):
    import io

    from django.core.management import call_command

    job = download_job(manager)
    old = download_job(manager)
    long_ago = timezone.now() - datetime.timedelta(days=40)
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    Job.objects.filter(pk=old.pk).update(finished_at=long_ago, expires_at=long_ago)
    out = io.StringIO()
    call_command("prune_jobs", stdout=out)
    assert out.getvalue() == "Deleted 2 expired file(s) and 1 finished job(s).\n"
    assert list(Job.objects.all()) == [job] and not storages["jobs"].listdir(str(job.pk))[1]
