"""The status import on a worker: a file is checked by one job (the preview) and, once
its owner confirms, written by another.

The upload is kept as the checking job's file (the "jobs" storage, for
TRACKER_JOB_FILES_KEEP_HOURS) and both jobs read it from there, so either can be retried
from its row alone. The check finds every problem of every row; when there are any, the
upload is dropped and the job's file becomes the list of them. The write is one
transaction (`status_import.apply`): a worker stopped half-way, or a row refused because
the database changed since the preview, writes nothing, and the job says why.
"""

import csv
import io
import tempfile

from django.db import transaction
from django.urls import reverse

from ..jobs import JobFailed, ProgressReport, job_task, start_job
from ..models import Job, JobKind, JobState
from . import status_import
from .spreadsheets import ImportProblem

# Problems the import page lists; all of them are in the file the check job offers.
SHOWN_ERRORS = 500
NOTHING_WRITTEN = "nothing was written."


def import_page(job):
    return reverse("admin:declarations_implementationstatus_import_job", args=[job.pk])


def start_check(upload, *, user, state):
    """Keep the uploaded file and queue the job that checks it. Returns the job."""
    return start_job(
        check_status_file,
        kind=JobKind.STATUS_IMPORT,
        label=f"Check of {upload.name}",
        requested_by=user,
        params={"state": state, "filename": upload.name},
        upload=upload,
    )


def read_upload(job):
    """The table of the file a check job keeps (ImportProblem when it cannot be read);
    JobFailed when the file is no longer kept."""
    if not job.has_file:
        raise JobFailed(
            "The uploaded file is no longer kept; upload it again. " + NOTHING_WRITTEN.capitalize()
        )
    with job.open_file() as file:
        return status_import.read_table(file)


def write_problems(spool, errors):
    """Every problem as a CSV row (row, column, problem) into the binary file `spool`."""
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(["row", "column", "problem"])
    writer.writerows([error.row, error.column, error.message] for error in errors)
    text.detach()
    spool.seek(0)


@job_task
def check_status_file(job):
    """Check every row of the kept file; the result is what the preview shows."""
    try:
        preview = status_import.validate(
            read_upload(job),
            user=job.requested_by,
            state=job.params["state"],
            progress=ProgressReport(job),
        )
    except ImportProblem as problem:
        job.delete_file()  # a file that cannot be read cannot be confirmed
        raise JobFailed(f"{problem} Nothing was imported.") from None
    result = {
        "rows": preview.count,
        "problems": len(preview.errors),
        "shown_problems": [str(error) for error in preview.errors[:SHOWN_ERRORS]],
        "sample": [row.shown() for row in preview.rows],
        "url": import_page(job),
        "url_text": "Open the import's preview",
    }
    if preview.errors:
        # Nothing may be confirmed: the file is of no more use; the problems are.
        job.delete_file()
        with tempfile.TemporaryFile() as spool:
            write_problems(spool, preview.errors)
            stem = job.params["filename"].rsplit(".", 1)[0]
            job.store_file(spool, download_name=f"{stem}-problems.csv", content_type="text/csv")
    return result


def may_confirm(job):
    """Whether `job` is a finished check, without problems, whose file is still kept."""
    return (
        job.kind == JobKind.STATUS_IMPORT
        and "check" not in job.params
        and job.state == JobState.DONE
        and not job.result.get("problems")
        and job.has_file
    )


def import_of(check):
    """The write job started from a check, if any."""
    return Job.objects.filter(kind=JobKind.STATUS_IMPORT, params__check=str(check.pk)).first()


def start_import(check):
    """Queue the write of a checked file, once: a second confirmation (a double click, a
    second tab) gets the job the first one started."""
    with transaction.atomic():
        Job.objects.select_for_update().filter(pk=check.pk).first()
        started = import_of(check)
        if started is not None:
            return started
        return start_job(
            import_status_file,
            kind=JobKind.STATUS_IMPORT,
            label=f"Import of {check.params['filename']}",
            requested_by=check.requested_by,
            params={**check.params, "check": str(check.pk)},
            total=check.result.get("rows"),
        )


@job_task
def import_status_file(job):
    """Write every row of the checked file in one transaction, or none."""
    check = Job.objects.filter(pk=job.params["check"]).first()
    if check is None:
        raise JobFailed("The checked file is no longer kept; upload it again. Nothing was written.")
    try:
        written = status_import.apply(
            read_upload(check),
            user=job.requested_by,
            state=job.params["state"],
            progress=ProgressReport(job),
        )
    except ImportProblem as problem:
        raise JobFailed(f"{problem} {NOTHING_WRITTEN.capitalize()}") from None
    except status_import.ImportFailed as failure:
        raise JobFailed(f"{failure}; {NOTHING_WRITTEN}") from None
    check.delete_file()  # written: it cannot be confirmed again
    return {
        "entries": written,
        "url": reverse("admin:declarations_implementationstatus_changelist"),
        "url_text": "See the status entries",
    }
