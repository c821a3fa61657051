"""`manage.py backup FILE.json[.gz]`: every row the tracker needs, as a Django fixture.

The JSON format is this project's (declarations.fixture_format): timestamps keep their
microseconds. Not XML: Django's XML reader strips leading and trailing whitespace of text.

Works on any database (SQLite or PostgreSQL) and restores with `manage.py restore FILE`
into an empty, migrated database of either kind. A name ending in .json.gz, .json.bz2,
.json.xz or .json.lzma is compressed. Left out, because the target re-creates or does not
need them: content types and permissions (made by `migrate`, referred to by natural
keys), sessions, and django-axes' sign-in attempt records. For a large PostgreSQL
database, `pg_dump`/`pg_restore` is faster: see README, "Backups".
"""

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from tracker import fixture_format
from tracker.progress import Progress

# Background jobs and their tasks are left out too: they are passing work, and a job's
# file is not in the backup.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes"]
EXCLUDED += ["django_tasks_database", "declarations.job"]


def rows_to_write():
    """How many objects dumpdata will write: the progress bar's total."""
    total = 0
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or {meta.app_label, meta.label_lower} & set(EXCLUDED):
            continue
        total += model._default_manager.count()
    return total


class Command(BaseCommand):
    help = "Write every row of the tracker to a fixture file (restore with `restore`)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write, e.g. backup-2026-11-27.json.gz")

    def handle(self, *args, file, **options):
        if ".json" not in file.rsplit("/", 1)[-1]:
            raise CommandError(
                f"Name the backup *.json or *.json.gz, not {file!r}: JSON is the one format "
                "that keeps text and timestamps exactly (XML strips whitespace)."
            )
        with Progress(self.stderr, "backup", total=rows_to_write(), unit="objects") as bar:
            token = fixture_format.progress.set(bar)
            try:
                call_command(
                    "dumpdata",
                    *[f"--exclude={label}" for label in EXCLUDED],
                    "--natural-foreign",
                    "--format=json",
                    f"--output={file}",
                    verbosity=0,
                )
            finally:
                fixture_format.progress.reset(token)
        self.stdout.write(f"Backed up to {file}.")
