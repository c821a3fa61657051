"""Background jobs: long work asked for by a user (or the schedule) and run by a worker.

A `Job` is what the person who asked sees: what it is, its state, how far it has got
(`done` of `total`), its result or its error, and a file to download when it makes one.
The task framework (`django.tasks`, stored by django-tasks-db) carries the job to a
worker; the job row is the record users and staff read, and what a retry starts from.

Rules:
- A job is readable by the user who asked for it and no one else (`visible_to`); staff
  with the permission to view jobs see every job's state in the admin, never its file.
- The work of a job is written in one transaction: a worker killed half-way leaves the
  job "running" with nothing written, and once its progress has not moved for
  `TRACKER_JOB_STALLED_MINUTES` it may be retried, as may a failed job.
- Each retry is a new attempt; a task started for an earlier attempt does nothing.
- A job's file is kept `TRACKER_JOB_FILES_KEEP_HOURS` after it is ready, then deleted.
"""

import datetime
import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import connection, connections, models
from django.db.models import Q
from django.utils import timezone

from ..text import validate_storable_text

JOB_FILES_STORAGE = "jobs"


class JobKind(models.TextChoices):
    REPORT = "report", "Report download"
    DECLARATION_IMPORT = "declaration_import", "Declaration import"
    STATUS_IMPORT = "status_import", "Status import"
    REMINDERS = "reminders", "Reminders"


class JobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


FINISHED = (JobState.DONE, JobState.FAILED)


def stalled_before(now=None):
    now = now or timezone.now()
    return now - datetime.timedelta(minutes=settings.TRACKER_JOB_STALLED_MINUTES)


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The jobs `user` asked for: the only ones whose page, result and file they may read."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(requested_by=user)

    def expired(self, now=None):
        """Finished jobs whose file is past its keeping time."""
        return self.exclude(file_name="").filter(expires_at__lte=now or timezone.now())


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=30, choices=JobKind.choices)
    label = models.CharField(
        validators=[validate_storable_text],
        max_length=300,
        help_text="What the job does, in the asker's words.",
    )
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
        help_text="Empty for scheduled jobs (reminders from cron).",
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Moved on every progress report: a running job whose progress has stood still for
    # TRACKER_JOB_STALLED_MINUTES has lost its worker.
    progressed_at = models.DateTimeField(null=True, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    # The task that runs this kind of job, by module path, and what it needs: enough to
    # run the job again on a retry.
    task_path = models.CharField(validators=[validate_storable_text], max_length=200)
    params = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(
        validators=[validate_storable_text],
        max_length=64,
        blank=True,
        help_text="The latest attempt's task.",
    )
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(
        validators=[validate_storable_text],
        blank=True,
        help_text="Why it failed, as the asker is told.",
    )
    # A name in the "jobs" storage (STORAGES), never under a public address: the file is
    # served by the job's download view to the user who asked for it.
    file_name = models.CharField(validators=[validate_storable_text], max_length=300, blank=True)
    download_name = models.CharField(
        validators=[validate_storable_text], max_length=200, blank=True
    )
    content_type = models.CharField(validators=[validate_storable_text], max_length=100, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=JobState.values), name="job_state_valid"),
            models.CheckConstraint(condition=Q(kind__in=JobKind.values), name="job_kind_valid"),
        ]
        indexes = [
            # A user's own jobs, newest first (the notices on report pages).
            models.Index(fields=["requested_by", "-requested_at"], name="job_owner_idx"),
            # The admin's list filtered by state, and finding stalled running jobs.
            models.Index(fields=["state", "-requested_at"], name="job_state_idx"),
        ]

    def __str__(self):
        return f"{self.label} ({self.get_state_display().lower()})"

    # What the pages show ----------------------------------------------------------------

    @property
    def finished(self):
        return self.state in FINISHED

    @property
    def percent(self):
        if not self.total:
            return 100 if self.state == JobState.DONE else None
        return min(100, round(100 * self.done / self.total))

    @property
    def stalled(self):
        """Running, but its progress has not moved for a while: the worker has gone."""
        moved = self.progressed_at or self.started_at
        return self.state == JobState.RUNNING and moved is not None and moved < stalled_before()

    @property
    def can_retry(self):
        return self.state == JobState.FAILED or self.stalled

    @property
    def has_file(self):
        return bool(self.file_name) and not self.file_expired

    @property
    def file_expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()

    def status_dict(self):
        """The job page's polling answer."""
        return {
            "state": self.state,
            "state_label": self.get_state_display(),
            "done": self.done,
            "total": self.total,
            "percent": self.percent,
            "error": self.error,
            "finished": self.finished,
        }

    # Life cycle (the worker's side) -------------------------------------------------------

    def claim(self, attempt):
        """Mark the job running for `attempt`. False when that attempt is not the job's
        latest (a retry superseded it) or the job is already done: the task then does
        nothing."""
        now = timezone.now()
        claimed = (
            Job.objects.filter(pk=self.pk, attempts=attempt)
            .exclude(state=JobState.DONE)
            .update(state=JobState.RUNNING, started_at=now, progressed_at=now, error="")
        )
        if claimed:
            self.state, self.started_at, self.progressed_at, self.error = (
                JobState.RUNNING,
                now,
                now,
                "",
            )
        return bool(claimed)

    def report_progress(self, done, total=None):
        """Record how far the job has got, visible at once to the asker's page.

        Inside a transaction (a write that must be all-or-nothing), PostgreSQL takes the
        update through a connection of its own, so that it commits now while the write is
        still open. SQLite allows one writer at a time: there the progress is kept and
        shown when the transaction ends.
        """
        self.done, self.progressed_at = done, timezone.now()
        if total is not None:
            self.total = total
        values = {"done": self.done, "total": self.total, "progressed_at": self.progressed_at}
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.pk).update(**values)
        elif connection.vendor == "postgresql":
            _update_outside_transaction(self.pk, values)

    def succeed(self, result=None):
        self.state, self.finished_at, self.result = JobState.DONE, timezone.now(), result or {}
        if self.total is not None:
            self.done = self.total
        self.save(update_fields=["state", "finished_at", "result", "done", "total"])

    def fail(self, message):
        self.state, self.finished_at, self.error = JobState.FAILED, timezone.now(), message
        self.save(update_fields=["state", "finished_at", "error"])

    # Files ------------------------------------------------------------------------------

    def store_file(self, source, *, download_name, content_type):
        """Keep `source` (a file object) in the jobs storage under a name of this job's."""
        storage = storages[JOB_FILES_STORAGE]
        self.file_name = storage.save(f"{self.pk}/{download_name}", source)
        self.download_name, self.content_type = download_name, content_type
        hours = settings.TRACKER_JOB_FILES_KEEP_HOURS
        self.expires_at = timezone.now() + datetime.timedelta(hours=hours)
        self.save(update_fields=["file_name", "download_name", "content_type", "expires_at"])

    def open_file(self):
        return storages[JOB_FILES_STORAGE].open(self.file_name, "rb")

    def delete_file(self):
        if self.file_name:
            storages[JOB_FILES_STORAGE].delete(self.file_name)
            self.file_name = ""
            self.save(update_fields=["file_name"])


def _update_outside_transaction(pk, values):
    """One UPDATE through a second connection in autocommit mode, then closed."""
    side = connections.create_connection(connection.alias)
    try:
        with side.cursor() as cursor:
            table = connection.ops.quote_name(Job._meta.db_table)
            assignments = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in values)
            cursor.execute(
                f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608 - names above
                [*values.values(), pk],
            )
    finally:
        side.close()


def prune_job_files(now=None):
    """Delete the files of jobs past their keeping time; returns how many."""
    count = 0
    for job in Job.objects.expired(now):
        job.delete_file()
        count += 1
    return count


def stalled_jobs():
    return Job.objects.filter(state=JobState.RUNNING).filter(
        Q(progressed_at__lt=stalled_before())
        | Q(progressed_at__isnull=True, started_at__lt=stalled_before())
    )


__all__ = [
    "FINISHED",
    "JOB_FILES_STORAGE",
    "Job",
    "JobKind",
    "JobQuerySet",
    "JobState",
    "prune_job_files",
    "stalled_jobs",
]
