import json
import sys

from django.core.management.base import BaseCommand, CommandError

from declarations.intake.importing import import_text
from declarations.intake.limits import ImportRejected
from declarations.intake.readers import read_declaration_file, read_limit
from tracker.progress import Progress


class Command(BaseCommand):
    help = (
        "Import a declaration from its text (a PDF, Word document, saved web page or UTF-8 "
        "text file): clauses, lead verbs and instruments. "
        "Use --dry-run to see the preview without writing anything."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help=(
                "Path to a PDF, Word (.docx), saved web page (.html) or UTF-8 text file, told "
                "apart by content; or - for standard input."
            ),
        )
        parser.add_argument("--dry-run", action="store_true", help="Show the preview only.")
        parser.add_argument("--json", action="store_true", help="With --dry-run: print JSON.")
        parser.add_argument("--update", action="store_true", help="Apply a changed text.")
        parser.add_argument("--slug", help="Use this slug instead of the derived one.")
        parser.add_argument("--source-url", default="", help="Where the text is published.")

    def handle(self, *args, file, dry_run, json, update, slug, source_url, **options):
        if json and not dry_run:
            raise CommandError("--json only goes with --dry-run.")
        # Two steps (read; parse and write in one transaction), shown on standard error.
        bar = Progress(self.stderr, "import", total=2, unit="steps").start()
        try:
            # One byte past the limit is enough to know a file is too large.
            limit = read_limit()
            data = sys.stdin.buffer.read(limit) if file == "-" else _read(file, limit)
            text = read_declaration_file(data, name="" if file == "-" else file)
            bar.update(1)
            plan = import_text(
                text,
                slug=slug,
                source_url=source_url,
                update=update,
                dry_run=dry_run,
            )
            bar.update(2)
        except ImportRejected as error:
            raise CommandError(str(error)) from None
        finally:
            bar.finish(completed=bar.done == 2)

        if json:
            self.stdout.write(_json_dumps(plan.as_dict()))
            return
        self.stdout.write(plan.preview_text)
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
        elif plan.unchanged:
            self.stdout.write(self.style.SUCCESS("Nothing changed."))
        else:
            action = "Updated" if plan.existing else "Imported"
            self.stdout.write(self.style.SUCCESS(f"{action} {plan.declaration.slug}."))


def _read(path, limit):
    try:
        with open(path, "rb") as handle:
            return handle.read(limit)
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from None


def _json_dumps(data):
    return json.dumps(data, indent=2, ensure_ascii=False)
