from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from declarations import demo
from declarations.models import Party

# Demo sign-ins: for a local demonstration database only, printed on purpose.
DEMO_USERS = [
    # username, password, groups, parties, is_superuser
    ("admin", "demo-admin-password", ["Administrators"], [], True),
    ("editor", "demo-editor-password", ["Editors"], [], False),
    ("manager", "demo-manager-password", ["Managers"], [], False),
    ("malaysia", "demo-malaysia-password", ["Country editors"], ["MYS"], False),
    ("philippines", "demo-philippines-password", ["Country editors"], ["PHL"], False),
]


class Command(BaseCommand):
    help = "Load the demonstration data and users (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--port",
            type=int,
            default=8000,
            help="The port the demo server listens on, for the sign-in address printed.",
        )

    @transaction.atomic
    def handle(self, *args, port, **options):
        users = self.load_users()
        plan = demo.import_seed()
        self.stdout.write(
            f"Seed declaration {plan.slug}: "
            + ("already imported." if plan.unchanged else "imported.")
        )
        if demo.load_sample_progress(recorder=users["editor"]):
            round_ = demo.open_sample_round(editor=users["editor"])
            demo.submit_sample_draft(country_editor=users["malaysia"], round_=round_)

        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Sign in at http://127.0.0.1:{port}/admin/ with one of:")
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
