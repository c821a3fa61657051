"""Email each party's editors what needs their attention: overdue and stale items, and
the open requests of reporting rounds on their reminder days (TRACKER_ROUND_REMINDER_DAYS).

The rules (whose items, at most one mail a person a day) are in `declarations.reminders`.
Run it from cron, e.g. daily; `--enqueue` hands the run to a worker instead, which is what
the schedule's line does (README, "Background work"). With the console backend (the demo)
the mail is printed.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from declarations.jobs import start_job
from declarations.models import JobKind, Party, ReportingRound, remind_round, reminder_due
from declarations.reminders import send_reminders, send_reminders_job
from tracker.progress import Progress


class Command(BaseCommand):
    help = "Email each party's editors their overdue milestones and stale instruments."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="The date to report as of, YYYY-MM-DD (default: today).")
        parser.add_argument(
            "--days",
            type=int,
            help="Stale after this many days without an update "
            "(default: TRACKER_STALE_AFTER_DAYS).",
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="Prefix for links in the emails, e.g. https://tracker.example.org",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say who would be emailed; send nothing."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the run for a worker (`manage.py db_worker`) and return at once.",
        )

    def handle(self, *args, at=None, days=None, base_url="", dry_run=False, **options):
        try:
            day = datetime.date.fromisoformat(at) if at else timezone.localdate()
        except ValueError:
            raise CommandError(f"--at {at!r} is not a date written YYYY-MM-DD.") from None
        days = settings.TRACKER_STALE_AFTER_DAYS if days is None else days
        base_url = base_url.rstrip("/")

        if options.get("enqueue"):
            if dry_run:
                raise CommandError("--dry-run and --enqueue do not go together.")
            job = start_job(
                send_reminders_job,
                kind=JobKind.REMINDERS,
                label=f"Reminders as of {day.isoformat()}",
                params={"at": at or "", "days": days, "base_url": base_url},
            )
            self.stdout.write(f"Queued the reminders as job {job.pk}.")
            return

        parties = Party.objects.filter(editors__is_active=True).distinct().count()
        with Progress(self.stderr, "parties", total=parties, unit="parties") as bar:
            outcome = send_reminders(
                at=day, days=days, base_url=base_url, dry_run=dry_run, progress=bar.report
            )
        for warning in outcome.warnings:
            self.stderr.write(warning)
        for line in outcome.lines:
            self.stdout.write(line)
        rounds = [r for r in ReportingRound.objects.filter(state="open") if reminder_due(r, day)]
        if dry_run:
            self.stdout.write(f"Dry run: {outcome.planned} reminder(s) not sent.")
            for round_ in rounds:
                self.stdout.write(f"Dry run: reminders for “{round_}” not sent.")
            return
        self.stdout.write(self.style.SUCCESS(f"Sent {outcome.sent} reminder(s)."))
        for round_ in rounds:
            count = remind_round(round_, today=day, base_url=base_url)
            self.stdout.write(self.style.SUCCESS(f"“{round_}”: sent {count} round reminder(s)."))
