"""`manage.py restore FILE`: load a backup written by `manage.py backup`.

The target must be migrated (`manage.py migrate`) and hold no tracker data: the rows that
`migrate` itself writes (parties, themes, roles) are replaced by those in the backup, and
anything else makes the command stop rather than mix two databases. `--replace` empties a
database that has data first. Everything happens in one transaction: on any error the
database is left as it was.

A database cache (`CACHE_URL=db://...`) keeps its rows in a table that no migration creates:
restore creates it (as `createcachetable` does, which leaves an existing one alone) inside the
same transaction, so the restored site answers its first request instead of a 500. Cached
values computed from the data that was there before are then cleared.
"""

from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction
from django.test.utils import override_settings

from declarations.models import Declaration, ImplementationStatus, Instrument
from tracker import fixture_format
from tracker.progress import Progress


class Command(BaseCommand):
    help = "Load a backup written by `manage.py backup` into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete every row of the target first, even if it holds tracker data.",
        )

    def handle(self, *args, file, replace, **options):
        has_data = any(
            model.objects.exists() for model in (Declaration, Instrument, ImplementationStatus)
        )
        if has_data and not replace:
            raise CommandError(
                f"The database {connection.settings_dict['NAME']!r} already holds declarations, "
                "instruments or status entries. Restore into an empty database, or pass "
                "--replace to delete them first."
            )
        with transaction.atomic():
            # Rows written by migrations (parties, themes, groups) are in the backup too,
            # possibly under other ids: start from no rows at all. Content types and
            # permissions are re-created by flush's post-migrate step.
            self.settle_deferred_checks()
            call_command("flush", interactive=False, verbosity=0)
            # The backup holds the history tables as they were; loading many-to-many
            # fields would otherwise add history rows of its own, under clashing ids.
            with (
                override_settings(SIMPLE_HISTORY_ENABLED=False),
                Progress(self.stderr, "restore", unit="objects") as bar,
            ):
                token = fixture_format.progress.set(bar)
                try:
                    call_command("loaddata", file, verbosity=0)
                finally:
                    fixture_format.progress.reset(token)
            self.create_cache_tables()
        for cache in caches.all():
            cache.clear()
        self.stdout.write(f"Restored {file} into {connection.settings_dict['NAME']!r}.")

    def create_cache_tables(self):
        try:
            call_command("createcachetable", verbosity=0)
        except DatabaseError as error:
            raise CommandError(
                f"The backup was not restored: the cache table could not be created ({error}). "
                "Check CACHE_URL and the database user's right to create tables."
            ) from error

    def settle_deferred_checks(self):
        """Inside a transaction that has already written rows (a caller's, or a test's),
        PostgreSQL refuses to TRUNCATE while their deferred foreign-key checks are pending:
        run the checks now, then defer them again, as loaddata needs."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
