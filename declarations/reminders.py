"""Email each party's editors what needs their attention: overdue and stale items.

A party's items are the instruments it leads or has recorded a status entry for, and the
milestones of those instruments. Overdue and stale are the reports' rules
(`Instrument.objects.overdue()` / `.stale()`), so an email never disagrees with a report.

Nobody gets more than one reminder a day: an editor of several parties gets one mail with
a section per party, and each mail is first recorded as a `SentReminder` (unique per
user, day and kind) in its own committed transaction. A second run the same day, from
the schedule, a retry or a person, finds the record and skips that editor. A mail that
fails to send gives its record back, so a later run may send it.

`manage.py send_reminders` runs it on the spot; `manage.py send_reminders --enqueue`
(the schedule's cron line, README "Background work") hands it to a worker as a job.
"""

import dataclasses
import datetime

from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from .jobs import job_task
from .models import ImplementationStatus, Instrument, Party, ReminderKind, SentReminder


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


@dataclasses.dataclass
class Section:
    party: Party
    overdue: list
    stale: list


def compose(editor, sections, *, at, days, base_url):
    """One mail to `editor`, a section per party they report for."""
    names = ", ".join(section.party.name for section in sections)
    lines = [
        f"Dear {editor.get_full_name() or editor.get_username()},",
        "",
        f"As of {at.isoformat()}, these items you report on for {names} need an update.",
    ]
    for section in sections:
        if len(sections) > 1:
            lines += ["", f"== {section.party.name}"]
        if section.overdue:
            lines += ["", f"Overdue ({len(section.overdue)}): due date passed and not completed"]
            lines += [
                f"- due {item.due_on.isoformat()}  {describe(item, base_url)}"
                for item in section.overdue
            ]
        if section.stale:
            heading = f"Stale ({len(section.stale)}): no published update in the last {days} days"
            lines += ["", heading]
            lines += [
                f"- last update {item.current_as_of.isoformat() if item.current_as_of else 'never'}"
                f"  {describe(item, base_url)}"
                for item in section.stale
            ]
    lines += ["", "Record progress in the tracker's admin, on each item's page."]
    overdue = sum(len(section.overdue) for section in sections)
    stale = sum(len(section.stale) for section in sections)
    subject = f"[Declaration tracker] {names}: {overdue} overdue, {stale} stale"
    return EmailMessage(subject=subject, body="\n".join(lines), to=[editor.email])


def claim_today(editor, *, kind, party=None):
    """Record that `editor` is being reminded today; False if they already were."""
    try:
        with transaction.atomic():
            return SentReminder.objects.create(
                user=editor, day=timezone.localdate(), kind=kind, party=party
            )
    except IntegrityError:
        return None


@dataclasses.dataclass
class Outcome:
    sent: int = 0
    planned: int = 0  # the dry run's count
    already: int = 0  # reminded earlier today
    lines: list = dataclasses.field(default_factory=list)
    warnings: list = dataclasses.field(default_factory=list)


def send_reminders(*, at, days, base_url="", dry_run=False, progress=None):
    """Compose and send the day's reminders; `progress(done, total)` is told after each
    party. Returns an Outcome with a line per editor reminded (or skipped)."""
    outcome = Outcome()
    parties = list(Party.objects.filter(editors__is_active=True).distinct().order_by("name"))
    by_editor = {}
    for done, party in enumerate(parties, start=1):
        editors = [
            editor
            for editor in party.editors.filter(is_active=True).order_by("username")
            if editor.email
        ]
        if not editors:
            outcome.warnings.append(f"{party.name}: no editor has an email address; skipped.")
        else:
            overdue, stale = reminders_for(party, at=at, days=days)
            if overdue or stale:
                for editor in editors:
                    by_editor.setdefault(editor, []).append(Section(party, overdue, stale))
                    outcome.lines.append(
                        f"{party.name}: {editor.email}: {len(overdue)} overdue, {len(stale)} stale"
                    )
        if progress:
            progress(done, len(parties))
    for editor, sections in by_editor.items():
        if dry_run:
            outcome.planned += 1
            continue
        claim = claim_today(editor, kind=ReminderKind.OVERDUE_AND_STALE, party=sections[0].party)
        if claim is None:
            outcome.already += 1
            outcome.lines.append(f"{editor.email}: already reminded today; not sent again.")
            continue
        message = compose(editor, sections, at=at, days=days, base_url=base_url)
        try:
            outcome.sent += mailers.default.send_messages([message]) or 0
        except Exception:
            claim.delete()  # not sent: a later run may send it
            raise
    return outcome


@job_task
def send_reminders_job(job):
    """The scheduled run: today's reminders, as `manage.py send_reminders` would send."""
    params = job.params
    at = datetime.date.fromisoformat(params["at"]) if params.get("at") else timezone.localdate()
    outcome = send_reminders(
        at=at,
        days=params["days"],
        base_url=params.get("base_url", ""),
        progress=job.report_progress,
    )
    return {
        "sent": outcome.sent,
        "already_reminded": outcome.already,
        "warnings": outcome.warnings,
    }
