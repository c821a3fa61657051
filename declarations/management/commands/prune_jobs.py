"""`manage.py prune_jobs`: delete job files past their keeping time, and old finished jobs.

Run it from cron (hourly is plenty): README, "Background work". The task backend's own
rows are pruned by django-tasks-db's `prune_db_task_results`.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from declarations.models import Job, JobState, prune_job_files


class Command(BaseCommand):
    help = "Delete expired job files, and finished jobs older than --days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=30, help="Keep finished jobs this long (default 30)."
        )

    def handle(self, *args, days, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        files = prune_job_files()
        cutoff = timezone.now() - datetime.timedelta(days=days)
        old = Job.objects.filter(state__in=[JobState.DONE, JobState.FAILED], finished_at__lt=cutoff)
        for job in old.exclude(file_name=""):
            job.delete_file()
        deleted, _ = old.delete()
        self.stdout.write(f"Deleted {files} expired file(s) and {deleted} finished job(s).")
