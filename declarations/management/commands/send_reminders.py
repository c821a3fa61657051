"""Email each party's editors what needs their attention: overdue and stale items, and
the open requests of reporting rounds on their reminder days (TRACKER_ROUND_REMINDER_DAYS).

A party's items are the instruments it leads or has recorded a status entry for, and the
milestones of those instruments. Overdue and stale are the reports' rules
(`Instrument.objects.overdue()` / `.stale()`), so an email never disagrees with a report.
Run it from cron, e.g. weekly; with the console backend (the demo) the mail is printed.
"""

import datetime

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from declarations.models import ImplementationStatus, Instrument, Party, ReportingRound
from declarations.models.rounds import remind_round, reminder_due


def items_of(party):
    """The instruments `party` leads or has reported on, and their milestones."""
    entries = ImplementationStatus.objects.filter(party=party)
    return (
        Q(lead_parties=party)
        | Q(parent__lead_parties=party)
        | Exists(entries.filter(instrument=OuterRef("pk")))
        | Exists(entries.filter(instrument=OuterRef("parent")))
    )


def reminders_for(party, *, at, days=None):
    """(overdue, stale) instruments of `party` as of `at`."""
    mine = Instrument.objects.filter(items_of(party)).values("pk")
    overdue = list(
        Instrument.objects.overdue(at=at)
        .filter(pk__in=mine)
        .select_related("parent")
        .order_by("due_on", "name")
    )
    stale = list(
        Instrument.objects.stale(days=days, at=at)
        .filter(pk__in=mine)
        .select_related("parent")
        .order_by("current_as_of", "name")
    )
    return overdue, stale


def describe(instrument, base_url):
    name = f"{instrument.parent.acronym or instrument.parent.name}: " if instrument.parent else ""
    link = base_url + reverse("admin:declarations_instrument_change", args=[instrument.pk])
    return f"{name}{instrument}\n    {link}"


def compose(party, editor, overdue, stale, *, at, days, base_url):
    lines = [
        f"Dear {editor.get_full_name() or editor.get_username()},",
        "",
        f"As of {at.isoformat()}, these items you report on for {party.name} need an update.",
    ]
    if overdue:
        lines += ["", f"Overdue ({len(overdue)}): due date passed and not completed"]
        lines += [
            f"- due {item.due_on.isoformat()}  {describe(item, base_url)}" for item in overdue
        ]
    if stale:
        lines += ["", f"Stale ({len(stale)}): no published update in the last {days} days"]
        lines += [
            f"- last update {item.current_as_of.isoformat() if item.current_as_of else 'never'}"
            f"  {describe(item, base_url)}"
            for item in stale
        ]
    lines += ["", "Record progress in the tracker's admin, on each item's page."]
    subject = f"[Declaration tracker] {party.name}: {len(overdue)} overdue, {len(stale)} stale"
    return EmailMessage(subject=subject, body="\n".join(lines), to=[editor.email])


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

    def handle(self, *args, at=None, days=None, base_url="", dry_run=False, **options):
        try:
            at = datetime.date.fromisoformat(at) if at else timezone.localdate()
        except ValueError:
            raise CommandError(f"--at {at!r} is not a date written YYYY-MM-DD.") from None
        days = settings.TRACKER_STALE_AFTER_DAYS if days is None else days
        base_url = base_url.rstrip("/")

        messages = []
        parties = Party.objects.filter(editors__is_active=True).distinct().order_by("name")
        for party in parties:
            editors = [
                editor
                for editor in party.editors.filter(is_active=True).order_by("username")
                if editor.email
            ]
            if not editors:
                self.stderr.write(f"{party.name}: no editor has an email address; skipped.")
                continue
            overdue, stale = reminders_for(party, at=at, days=days)
            if not overdue and not stale:
                continue
            for editor in editors:
                messages.append(
                    compose(party, editor, overdue, stale, at=at, days=days, base_url=base_url)
                )
                self.stdout.write(
                    f"{party.name}: {editor.email}: {len(overdue)} overdue, {len(stale)} stale"
                )

        rounds = [r for r in ReportingRound.objects.filter(state="open") if reminder_due(r, at)]
        if dry_run:
            self.stdout.write(f"Dry run: {len(messages)} reminder(s) not sent.")
            for round_ in rounds:
                self.stdout.write(f"Dry run: reminders for “{round_}” not sent.")
            return
        sent = mailers.default.send_messages(messages) if messages else 0
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} reminder(s)."))
        for round_ in rounds:
            count = remind_round(round_, today=at, base_url=base_url)
            self.stdout.write(self.style.SUCCESS(f"“{round_}”: sent {count} round reminder(s)."))
