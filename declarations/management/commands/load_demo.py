import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify

from declarations.importing import import_text
from declarations.models import ImplementationStatus, Instrument, Kind, Party, record_status

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "kl-2025-admm-joint-declaration.txt"
SAMPLE = "Sample data: "

# Demo sign-ins: for a local demonstration database only, printed on purpose.
DEMO_USERS = [
    # username, password, groups, parties, is_superuser
    ("admin", "demo-admin-password", ["Administrators"], [], True),
    ("editor", "demo-editor-password", ["Editors"], [], False),
    ("manager", "demo-manager-password", ["Managers"], [], False),
    ("malaysia", "demo-malaysia-password", ["Country editors"], ["MYS"], False),
    ("philippines", "demo-philippines-password", ["Country editors"], ["PHL"], False),
]

D = datetime.date

# (parent acronym, milestone name, due, completed)
MILESTONES = [
    ("ACDN", "ACDN phase 1: national points of contact designated", D(2026, 3, 31), D(2026, 3, 15)),
    ("ACDN", "ACDN phase 2: information-sharing platform in operation", D(2026, 9, 30), None),
    ("ACDN", "ACDN phase 3: first joint cyber defence exercise", D(2027, 6, 30), None),
    ("ADSARX", "ADSARX initial planning conference", D(2026, 2, 28), D(2026, 2, 20)),
    ("ADSARX", "ADSARX main planning conference", D(2026, 6, 30), D(2026, 7, 10)),
    ("ADSARX", "ADSARX final planning conference", D(2026, 10, 31), None),
    ("ADSARX", "ADSARX conduct of the exercise", D(2027, 3, 31), None),
]

# (acronym or name, party code or None for the region, status, progress, as_of, note)
STATUSES = [
    ("ACDN", None, "planned", 10, D(2025, 11, 15), "Working group formed to draw up the plan."),
    (
        "ACDN",
        None,
        "in_progress",
        30,
        D(2026, 4, 1),
        "Phase 1 complete: all points of contact named.",
    ),
    (
        "ACDN",
        None,
        "in_progress",
        55,
        D(2026, 9, 15),
        "Platform procurement under way; phase 2 late.",
    ),
    ("ACDN", "MYS", "in_progress", 60, D(2026, 9, 1), "National node connected for testing."),
    ("ACDN", "PHL", "planned", 20, D(2026, 5, 1), "National node budgeted for 2027."),
    ("ADSARX", None, "in_progress", 25, D(2026, 3, 1), "Initial planning conference held."),
    ("ADSARX", None, "delayed", 50, D(2026, 11, 1), "Final planning conference postponed."),
    ("ADIC", None, "planned", 5, D(2026, 1, 15), "Terms for an industry forum under discussion."),
    ("ESMAWP", None, "in_progress", 40, D(2026, 5, 1), "First training course scheduled."),
    (
        "Maritime Cybersecurity Conference",
        None,
        "completed",
        100,
        D(2026, 6, 20),
        "Conference held; report circulated.",
    ),
]


class Command(BaseCommand):
    help = "Load the demonstration data and users (safe to run again)."

    @transaction.atomic
    def handle(self, *args, **options):
        users = self.load_users()
        plan = import_text(SEED.read_text(encoding="utf-8"))
        self.stdout.write(
            f"Seed declaration {plan.slug}: "
            + ("already imported." if plan.unchanged else "imported.")
        )
        self.load_samples(users["editor"], users["malaysia"])

        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("Sign in at http://127.0.0.1:8000/admin/ with one of:")
        for username, password, groups, parties, _ in DEMO_USERS:
            scope = f" for {', '.join(parties)}" if parties else ""
            self.stdout.write(f"  {username:<12} {password:<28} {groups[0]}{scope}")

    def load_users(self):
        User = get_user_model()
        users = {}
        for username, password, groups, parties, is_superuser in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.org"}
            )
            user.is_staff = True
            user.is_superuser = is_superuser
            if created:
                user.set_password(password)
            user.save()
            user.groups.set(Group.objects.filter(name__in=groups))
            for party in Party.objects.filter(code__in=parties):
                party.editors.add(user)
            users[username] = user
        return users

    def load_samples(self, editor, malaysia_editor):
        """Milestones and status entries, each plainly marked as sample data."""
        if ImplementationStatus.objects.filter(note__startswith=SAMPLE).exists():
            return
        for acronym, name, due, completed in MILESTONES:
            parent = Instrument.objects.get(acronym=acronym, parent=None)
            Instrument.objects.get_or_create(
                parent=parent,
                name=name,
                defaults={
                    "slug": slugify(name)[:110],
                    "kind": Kind.MILESTONE,
                    "due_on": due,
                    "completed_on": completed,
                    "description": SAMPLE + "an illustrative milestone.",
                },
            )
        parties = {party.code: party for party in Party.objects.filter(code__in=["MYS", "PHL"])}
        for key, code, status, progress, as_of, note in STATUSES:
            instrument = Instrument.objects.filter(acronym=key, parent=None).first() or (
                Instrument.objects.get(name=key)
            )
            entry = record_status(
                instrument=instrument,
                party=parties.get(code),
                status=status,
                progress=progress,
                as_of=as_of,
                note=SAMPLE + note,
                by=editor,
                publish=True,
            )
            # Sample entries are dated as if published on the day they describe, so that
            # reports "as of" past dates have a history to show.
            ImplementationStatus.objects.filter(pk=entry.pk).update(
                published_at=datetime.datetime.combine(
                    as_of, datetime.time(12), tzinfo=datetime.UTC
                )
            )
        record_status(
            instrument=Instrument.objects.get(acronym="ACDN", parent=None),
            party=parties["MYS"],
            status="in_progress",
            progress=70,
            as_of=D(2026, 11, 20),
            note=SAMPLE + "Awaiting review: national node passed acceptance tests.",
            by=malaysia_editor,
            submit=True,
        )
