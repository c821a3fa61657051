"""The status import's page follows a running write in the browser: the bar and the
figures move without a reload (static/declarations/job.js), and the page shows the result
once the job is done. Screenshots (1366 px wide) go to docs/ under `make screenshots`."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from declarations.models import Job, JobKind, JobState
from tests.browser.conftest import sign_in
from tests.browser.screens import screenshot_dir

pytestmark = pytest.mark.django_db(transaction=True)

DOCS = screenshot_dir()


def test_the_import_page_follows_a_running_write_then_shows_the_result(page, editor):
    job = Job.objects.create(
        kind=JobKind.STATUS_IMPORT,
        label="Import of statuses-2026.csv",
        requested_by=editor,
        state=JobState.RUNNING,
        started_at=timezone.now(),
        progressed_at=timezone.now(),
        done=41_000,
        total=100_000,
        attempts=1,
        params={"check": "0", "state": "submitted", "filename": "statuses-2026.csv"},
        task_path="declarations.intake.status_jobs.import_status_file",
    )
    page.set_viewport_size({"width": 1366, "height": 700})
    sign_in(page, editor.username)
    page.goto(f"/admin/declarations/implementationstatus/import/{job.pk}/")
    assert page.locator("[data-job-progress]").inner_text() == "41,000 of 100,000"
    page.evaluate("window.notReloaded = true")

    Job.objects.filter(pk=job.pk).update(done=76_500, progressed_at=timezone.now())
    expect(page.locator("[data-job-progress]")).to_have_text("76,500 of 100,000", timeout=15_000)
    assert page.evaluate("window.notReloaded === true")  # moved in place
    assert page.evaluate("document.querySelector('progress.job-bar').value") == 76_500
    page.screenshot(path=str(DOCS / "status-import-running.png"), full_page=True)

    Job.objects.filter(pk=job.pk).update(
        state=JobState.DONE,
        done=100_000,
        finished_at=timezone.now(),
        result={"entries": 100_000, "url": "/admin/declarations/implementationstatus/",
                "url_text": "See the status entries"},
    )  # fmt: skip
    page.wait_for_selector("text=Imported 100,000 status entries.", timeout=15_000)
    page.screenshot(path=str(DOCS / "status-import-done.png"), full_page=True)
