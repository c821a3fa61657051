"""Running a `Job` as a Django task: start it, run it on a worker, retry it.

A kind of job is one function of the job, decorated with `@job_task`:

    @job_task
    def build_download(job):
        ...                      # the work; job.report_progress(done, total) as it goes
        return {"rows": 5000}    # the job's result

and is started with `start_job(build_download, kind=..., label=..., requested_by=user,
params={...})`. The task carries only the job's id and attempt number; everything the
work needs is in `job.params`, so a retry runs it again from the row alone.

With the database backend the job row and its task row are written by the same
connection: a job started inside a transaction reaches the workers when, and only when,
that transaction commits.
"""

import functools
import logging
import time

from django.tasks import task
from django.utils.module_loading import import_string

from .models import Job, JobState

logger = logging.getLogger(__name__)


class JobFailed(Exception):
    """The job cannot be done; the message is what the asker is told (say what was kept:
    "row 5,231: unknown instrument 'ACDX'; nothing was written")."""


def job_task(func=None, **task_options):
    """Make `func(job)` a task taking (job_id, attempt). It does nothing when the attempt
    has been superseded by a retry or the job is already done; a JobFailed becomes the
    job's error as it stands, any other exception a general message (and the log gets
    the traceback). Either way the task is recorded failed too."""

    def decorate(func):
        @functools.wraps(func)
        def run(job_id, attempt):
            job = Job.objects.filter(pk=job_id).first()
            if job is None or not job.claim(attempt):
                return {"skipped": True}
            try:
                result = func(job)
            except JobFailed as failure:
                job.fail(str(failure))
                raise
            except Exception as error:
                logger.exception("Job %s (%s) failed", job.pk, job.kind)
                job.fail(
                    f"The job stopped on an unexpected error ({type(error).__name__}); "
                    "nothing was written. Try again, or tell an administrator if it fails again."
                )
                raise
            job.succeed(result)
            return {"job": str(job.pk)}

        # functools.wraps keeps the function's name, so the task's module path leads back
        # to the task (the module attribute) that a worker imports.
        return task(**task_options)(run)

    return decorate(func) if func is not None else decorate


def start_job(job_task_, *, kind, label, requested_by=None, params=None, total=None, upload=None):
    """Record a job and queue its first attempt. Returns the job.

    `upload`, a file the job works from (an uploaded file object with its name and
    content type), is kept as the job's file before the job is queued, for the same
    keeping time as a download: a retry works from it again."""
    job = Job.objects.create(
        kind=kind,
        label=label[:300],
        requested_by=requested_by,
        params=params or {},
        total=total,
        task_path=job_task_.module_path,
    )
    if upload is not None:
        content_type = getattr(upload, "content_type", None) or ""
        job.store_file(upload, download_name=upload.name, content_type=content_type)
    _enqueue(job, job_task_)
    return job


class ProgressReport:
    """`job.report_progress`, called at most every `seconds` (and always for the end): for
    work that counts many small steps. Inside a transaction on PostgreSQL each report is
    a connection of its own."""

    def __init__(self, job, seconds=0.5):
        self.job, self.seconds = job, seconds
        self._last = 0.0

    def __call__(self, done, total=None):
        now = time.monotonic()
        end = total is not None or done == self.job.total
        if end or now - self._last >= self.seconds:
            self._last = now
            self.job.report_progress(done, total)


def retry_job(job):
    """Queue a new attempt of a failed or stalled job; False if it may not be retried."""
    if not job.can_retry:
        return False
    job.state, job.error, job.done = JobState.QUEUED, "", 0
    job.started_at = job.finished_at = job.progressed_at = None
    job.save(update_fields=["state", "error", "done", "started_at", "finished_at", "progressed_at"])
    _enqueue(job, import_string(job.task_path))
    return True


def _enqueue(job, job_task_):
    job.attempts += 1
    # The attempt is counted before the task can run (the immediate backend runs it here).
    Job.objects.filter(pk=job.pk).update(attempts=job.attempts)
    result = job_task_.enqueue(str(job.pk), job.attempts)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
