"""The status import as jobs (the tests' immediate task backend): a check finds every
problem of a large file by row and column in a few queries, a confirmed file is written
by a second job all or nothing, and the bulk write leaves exactly the rows that
record_status leaves. (tests/test_worker.py kills a real worker in the middle of one.)"""

import datetime
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from declarations.intake import status_import, status_jobs
from declarations.intake.status_import import apply, read_table, validate
from declarations.models import (
    Evidence,
    ImplementationStatus,
    Job,
    JobKind,
    JobState,
    ReviewState,
    record_status,
)
from tests.test_status_import import TODAY, csv_file, row, upload

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:declarations_implementationstatus_import"


@pytest.fixture
def instruments():
    from tests.factories import make_instrument

    return [
        make_instrument(slug="acdn", name="ACDN Guidelines and Roadmap", acronym="ACDN"),
        make_instrument(slug="adsarx", name="ADSARX Concept Paper", acronym="ADSARX"),
    ]


def many_rows(count, **bad):
    """`count` good rows, with the cells of `bad` ({index: cells}) changed."""
    rows = [
        row("acdn" if n % 2 else "adsarx", party=("MYS", "PHL", "")[n % 3]) for n in range(count)
    ]
    for index, cells in bad.items():
        rows[int(index)] = row(**cells)
    return rows


# Checking a large file ----------------------------------------------------------------------


def queries_to_check(table, user):
    user = type(user).objects.get(pk=user.pk)  # no permissions cached from an earlier call
    with CaptureQueriesContext(connection) as queries:
        preview = validate(table, user=user, state=ReviewState.SUBMITTED)
    return preview, len(queries)


def test_every_problem_of_a_large_file_is_found_by_row_and_column_without_a_query_per_row(
    editor, instruments
):
    _, small = queries_to_check(read_table(csv_file(many_rows(10))), editor)
    rows = many_rows(5230)
    rows.append(row("ACDX"))  # spreadsheet row 5,232
    rows[4000] = row(progress="120")
    preview, queries = queries_to_check(read_table(csv_file(rows)), editor)
    assert [str(error) for error in preview.errors] == [
        "Row 4,002, column progress: 120 is not between 0 and 100.",
        "Row 5,232, column instrument: no instrument has the slug “ACDX”.",
    ]
    assert preview.count == 5231 and len(preview.rows) == status_import.SAMPLE_ROWS
    # Instruments, parties, and who reports for what, once per file: not a query per row.
    assert queries == small <= 6
    assert not ImplementationStatus.objects.exists()


def test_a_country_editor_sees_each_row_outside_their_scope_without_a_query_per_row(
    malaysia_editor, instruments
):
    _, small = queries_to_check(read_table(csv_file(many_rows(3))), malaysia_editor)
    preview, queries = queries_to_check(read_table(csv_file(many_rows(300))), malaysia_editor)
    assert len(preview.errors) == 200  # the Philippines' and the region's rows
    assert preview.errors[0].column == "party"
    assert queries == small


# Through the admin: check, confirm, write ---------------------------------------------------


def test_a_checked_file_is_confirmed_and_written_by_a_second_job(client, editor, instruments):
    client.force_login(editor)
    preview = upload(client, csv_file(many_rows(2500)))
    check = preview.context["job"]
    assert (check.kind, check.state, check.requested_by) == (
        JobKind.STATUS_IMPORT,
        JobState.DONE,
        editor,
    )
    assert check.result["rows"] == 2500 and len(check.result["sample"]) == 100
    assert "Preview: 2,500 rows, every one checked" in preview.content.decode()
    assert check.has_file  # the upload, kept for the write

    done = client.post(
        reverse("admin:declarations_implementationstatus_import_job", args=[check.pk]),
        {"confirm": "1"},
        follow=True,
    )
    write = done.context["job"]
    assert (write.state, write.done, write.total, write.result["entries"]) == (
        JobState.DONE,
        2500,
        2500,
        2500,
    )
    assert "Imported 2,500 status entries." in done.content.decode()
    assert ImplementationStatus.objects.count() == 2500
    check.refresh_from_db()
    assert not check.has_file  # written: the file cannot be confirmed twice
    # A second confirmation (a double click) starts nothing.
    again = client.post(
        reverse("admin:declarations_implementationstatus_import_job", args=[check.pk]),
        {"confirm": "1"},
        follow=True,
    )
    assert "cannot be imported" in again.content.decode()
    assert ImplementationStatus.objects.count() == 2500

    # Both jobs are listed: on the import page, and in the admin's job list.
    listed = client.get(reverse(IMPORT_URL)).context["recent_jobs"]
    assert [job.label for job in listed] == ["Import of statuses.csv", "Check of statuses.csv"]
    jobs_page = client.get("/admin/declarations/job/").content.decode()
    assert "Import of statuses.csv" in jobs_page and editor.username in jobs_page


def test_a_file_with_problems_offers_every_problem_as_a_file(client, editor, instruments):
    client.force_login(editor)
    rows = many_rows(700, **{str(n): {"status": "finished"} for n in range(0, 700, 1)})
    preview = upload(client, csv_file(rows))
    check = preview.context["job"]
    assert check.result["problems"] == 700
    assert len(check.result["shown_problems"]) == status_jobs.SHOWN_ERRORS
    assert "Showing the first 500 of 700 problems." in preview.content.decode()
    download = client.get(reverse("job_download", args=[check.pk]))
    lines = b"".join(download.streaming_content).decode().splitlines()
    assert lines[0] == "row,column,problem" and len(lines) == 701
    assert lines[-1].startswith("701,status,")


def test_a_write_refused_by_the_database_as_it_is_now_writes_nothing_and_says_which_row(
    client, malaysia_editor, instruments, malaysia
):
    client.force_login(malaysia_editor)
    rows = [row(party="MYS") for _ in range(3000)]
    preview = upload(client, csv_file(rows))
    check = preview.context["job"]
    assert preview.context["may_confirm"]
    malaysia.editors.remove(malaysia_editor)

    status_jobs.start_import(check)

    write = Job.objects.get(params__check=str(check.pk))
    assert write.state == JobState.FAILED
    assert write.error.startswith(
        "Row 2, column party: you may not record status for Malaysia. You report for no party.; "
        "Row 3, column party:"
    )
    assert write.error.endswith("; and 2,997 more problems; nothing was written.")
    assert not ImplementationStatus.objects.exists()
    # The scope restored, the failed job is retried from the file it kept.
    malaysia.editors.add(malaysia_editor)
    page = client.post(
        reverse("admin:declarations_implementationstatus_import_job", args=[write.pk]),
        {"retry": "1"},
        follow=True,
    )
    assert page.context["job"].state == JobState.DONE
    assert ImplementationStatus.objects.count() == 3000


def test_a_failure_half_way_through_the_write_keeps_nothing(editor, instruments, monkeypatch):
    table = read_table(csv_file(many_rows(2500)))
    calls = []

    def fail_on_the_third_batch(prepared, **kwargs):
        calls.append(len(prepared))
        if len(calls) == 3:
            raise RuntimeError("the database went away")
        return original(prepared, **kwargs)

    original = status_import.record_statuses
    monkeypatch.setattr(status_import, "record_statuses", fail_on_the_third_batch)
    with pytest.raises(RuntimeError):
        apply(table, user=editor, state=ReviewState.SUBMITTED)
    assert calls == [1000, 1000, 500]
    assert not ImplementationStatus.objects.exists() and not Evidence.objects.exists()


def test_someone_elses_import_page_does_not_exist_for_them(client, editor, philippines_editor):
    job = Job.objects.create(
        kind=JobKind.STATUS_IMPORT, label="Check of theirs.csv", requested_by=philippines_editor,
        task_path="declarations.intake.status_jobs.check_status_file",
    )  # fmt: skip
    client.force_login(editor)
    url = reverse("admin:declarations_implementationstatus_import_job", args=[job.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "1"}).status_code == 404


def test_a_running_import_shows_its_progress_and_the_polling_script(client, editor):
    job = Job.objects.create(
        kind=JobKind.STATUS_IMPORT, label="Import of big.csv", requested_by=editor,
        state=JobState.RUNNING, done=40_000, total=100_000, params={"check": "x", "state": "draft"},
        task_path="declarations.intake.status_jobs.import_status_file",
    )  # fmt: skip
    client.force_login(editor)
    page = client.get(reverse("admin:declarations_implementationstatus_import_job", args=[job.pk]))
    html = page.content.decode()
    assert f'data-job-status-url="/jobs/{job.pk}/status/"' in html
    assert '<progress class="job-bar" max="100000" value="40000">' in html
    assert "40,000 of 100,000" in html
    assert "/static/declarations/job" in html and "<script>" not in html
    status = client.get(f"/jobs/{job.pk}/status/").json()
    assert (status["done"], status["total"], status["finished"]) == (40_000, 100_000, False)


# The bulk write is record_status's write ----------------------------------------------------


def written_rows():
    """Every row a status entry leaves, without the ids and clocks that must differ."""
    entries = [
        (
            e.instrument_id,
            e.party_id,
            e.status,
            e.progress,
            e.as_of,
            e.note,
            e.recorded_by_id,
            e.review_state,
            e.reviewed_by_id,
            e.published_at is not None,
            e.request_id,
            e.version,
            e.review_comment,
            [
                (link.title, link.url, link.kind, link.file.name)
                for link in e.evidence.order_by("pk")
            ],
        )  # fmt: skip
        for e in ImplementationStatus.objects.order_by("pk")
    ]
    history = [
        (
            h.history_type,
            h.history_user_id,
            h.history_change_reason,
            h.instrument_id,
            h.party_id,
            h.status,
            h.progress,
            h.as_of,
            h.note,
            h.review_state,
            h.version,
        )  # fmt: skip
        for h in ImplementationStatus.history.order_by("history_id")
    ]
    return entries, history


@pytest.mark.parametrize("state", [ReviewState.DRAFT, ReviewState.PUBLISHED])
def test_the_bulk_write_leaves_the_rows_and_audit_lines_record_status_leaves(
    editor, instruments, state, caplog, django_capture_on_commit_callbacks
):
    rows = [
        row("acdn", evidence_url="https://example.org/a https://example.org/b",
            evidence_title="Minutes | Press"),
        row("adsarx", party="", status="planned", progress="", note="Region-wide"),
        row("acdn", party="PHL", as_of=(TODAY - datetime.timedelta(days=3)).isoformat()),
    ]  # fmt: skip
    table = read_table(csv_file(rows))

    def audit_lines():
        return [r.getMessage().split(" at=")[0] for r in caplog.records]

    with (
        caplog.at_level(logging.INFO, logger="tracker.audit"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        for checked in validate(table, user=editor, state=state).rows:
            record_status(**checked.fields, by=editor, state=state)
    one_by_one, one_by_one_audit = written_rows(), audit_lines()
    ImplementationStatus.objects.all().delete()
    ImplementationStatus.history.all().delete()  # with the deletions' own history rows
    caplog.clear()

    with (
        caplog.at_level(logging.INFO, logger="tracker.audit"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert apply(table, user=editor, state=state) == 3
    in_bulk = written_rows()

    assert in_bulk == one_by_one
    assert len(in_bulk[0]) == 3 and len(in_bulk[1]) == 3
    assert in_bulk[1][0][:2] == ("+", editor.pk)  # the history names who imported
    # The same audit lines, but for the entries' ids.
    strip = [line.split(" object=")[0] for line in audit_lines()]
    assert strip == [line.split(" object=")[0] for line in one_by_one_audit]
    assert len(strip) == (3 if state == ReviewState.PUBLISHED else 0)
