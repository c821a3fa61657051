"""Synthetic data for measuring the app at scale: years of declarations, instruments cited
across years, milestones, and many dated status entries per instrument and party.

Deterministic for a given --seed: the same options give the same rows. Everything it
writes has a slug starting with "synthetic-", so it never collides with real data.
"""

import datetime
import random
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from declarations.models import (
    Clause,
    Declaration,
    Evidence,
    EvidenceKind,
    ImplementationStatus,
    Instrument,
    Kind,
    Part,
    Party,
    Reference,
    Relation,
    ReviewState,
    Status,
    Theme,
    VerbClass,
)
from tracker.progress import Progress

PREFIX = "synthetic-"
FIRST_YEAR = 2006
END = datetime.date(2026, 11, 1)
PREAMBLE_VERBS = ["RECOGNISING", "REAFFIRMING", "NOTING", "ACKNOWLEDGING", "COMMENDING"]
OPERATIVE = [
    ("ADOPT", VerbClass.ADOPTS, Relation.ADOPTS, True),
    ("APPROVE", VerbClass.ADOPTS, Relation.APPROVES, True),
    ("STRENGTHEN", VerbClass.COMMITMENT, None, True),
    ("ENHANCE", VerbClass.COMMITMENT, None, True),
    ("WELCOME", VerbClass.WELCOMES, Relation.WELCOMES, True),
    ("LOOK FORWARD", VerbClass.COMMITMENT, Relation.LOOKS_FORWARD, True),
    ("EMPHASISE", VerbClass.DECLARATORY, None, False),
]
KINDS = [
    Kind.CONCEPT_PAPER, Kind.GUIDELINES, Kind.ROADMAP, Kind.SOP, Kind.TERMS_OF_REFERENCE,
    Kind.PROTOCOL, Kind.JOINT_STATEMENT, Kind.EXERCISE, Kind.CONFERENCE, Kind.PROGRAMME,
]  # fmt: skip
# Most entries are published; the rest sit in the review workflow.
REVIEW_WEIGHTS = [
    (ReviewState.PUBLISHED, 90),
    (ReviewState.SUBMITTED, 4),
    (ReviewState.DRAFT, 4),
    (ReviewState.REJECTED, 2),
]
EVIDENCE_SHARE = 0.25
EVIDENCE = [
    ("Meeting report", EvidenceKind.MEETING_REPORT),
    ("Official record", EvidenceKind.OFFICIAL_RECORD),
    ("Press release", EvidenceKind.PRESS_RELEASE),
    ("Exercise report", EvidenceKind.OTHER),
]
PROGRESSION = [Status.PLANNED, Status.IN_PROGRESS, Status.IN_PROGRESS, Status.DELAYED,
               Status.IN_PROGRESS, Status.ONGOING, Status.COMPLETED]  # fmt: skip


def progress_for(status, rng):
    if status == Status.COMPLETED:
        return 100
    if status == Status.PLANNED:
        return rng.randint(0, 10)
    if status == Status.ONGOING:
        return None
    return rng.randint(10, 90)


class Command(BaseCommand):
    help = "Generate deterministic synthetic declarations, instruments and status entries."

    def add_arguments(self, parser):
        parser.add_argument("--declarations", type=int, default=20)
        parser.add_argument("--instruments", type=int, default=400)
        parser.add_argument("--parties", type=int, default=11, help="How many parties report.")
        parser.add_argument("--statuses", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=5_000)
        parser.add_argument(
            "--replace", action="store_true", help="Delete earlier synthetic data first."
        )

    def handle(self, *args, **options):
        for name in ("declarations", "instruments", "parties", "statuses"):
            if options[name] < 1:
                raise CommandError(f"--{name} must be at least 1.")
        parties = list(Party.objects.order_by("group", "code")[: options["parties"]])
        if not parties:
            raise CommandError("No parties in the database: run migrate first.")
        if Declaration.objects.filter(slug__startswith=PREFIX).exists():
            if not options["replace"]:
                raise CommandError("Synthetic data already exists; use --replace to redo it.")
            self.delete_previous()

        self.random = random.Random(options["seed"])
        self.batch_size = options["batch_size"]
        started = time.monotonic()
        with transaction.atomic():
            instruments = self.make_declarations(options["declarations"], options["instruments"])
        self.make_statuses(instruments, parties, options["statuses"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {time.monotonic() - started:.1f}s (seed {options['seed']})."
            )
        )

    def delete_previous(self):
        synthetic = Instrument.objects.filter(slug__startswith=PREFIX)
        with transaction.atomic():
            ImplementationStatus.objects.filter(instrument__in=synthetic).delete()
            Reference.objects.filter(instrument__in=synthetic).delete()
            Declaration.objects.filter(slug__startswith=PREFIX).delete()
            synthetic.filter(parent__isnull=False).delete()
            synthetic.delete()

    def make_declarations(self, count, instrument_total):
        """Declarations one a year (several a year past 20), each with ~13 preambular and ~25
        operative clauses; operative clauses adopt new instruments or cite earlier ones."""
        rng = self.random
        themes = list(Theme.objects.all())
        declarations = Declaration.objects.bulk_create(
            Declaration(
                slug=f"{PREFIX}{n + 1:04d}",
                title=f"Synthetic Joint Declaration number {n + 1}",
                body=rng.choice(["ADMM", "ADMM", "ADMM-Plus", "ASEAN Summit"]),
                meeting=f"{n + 1}th meeting",
                place="Synthetic City",
                adopted_on=datetime.date(FIRST_YEAR + n % 20, 10 + n // 20 % 3, 1 + n // 60 % 28),
                text="Synthetic text.",
            )
            for n in range(count)
        )
        # A quarter of the instruments are milestones of the others.
        top_total = max(1, instrument_total - instrument_total // 4)
        instruments = Instrument.objects.bulk_create(
            Instrument(
                slug=f"{PREFIX}{n + 1:06d}",
                name=f"Synthetic {KINDS[n % len(KINDS)].label} number {n + 1}",
                acronym=f"SYN{n + 1}",
                kind=KINDS[n % len(KINDS)],
            )
            for n in range(top_total)
        )
        clauses, references = [], []
        next_new = 0
        for declaration in sorted(declarations, key=lambda d: d.adopted_on):
            for number in range(1, rng.randint(10, 14) + 1):
                clauses.append(Clause(
                    declaration=declaration, part=Part.PREAMBLE, number=number,
                    lead_word=(verb := rng.choice(PREAMBLE_VERBS)), lead_verb=verb,
                    verb_class=VerbClass.DECLARATORY, text=f"{verb} a synthetic matter.",
                ))  # fmt: skip
            for number in range(1, rng.randint(20, 28) + 1):
                verb, verb_class, relation, trackable = rng.choice(OPERATIVE)
                clause = Clause(
                    declaration=declaration, part=Part.OPERATIVE, number=number, lead_word=verb,
                    lead_verb=verb, verb_class=verb_class, trackable=trackable,
                    text=f"{verb} the synthetic instrument of clause {number}.",
                )  # fmt: skip
                clauses.append(clause)
                if relation is None:
                    continue
                if relation in (Relation.ADOPTS, Relation.APPROVES) and next_new < top_total:
                    instrument = instruments[next_new]
                    next_new += 1
                else:  # cite an instrument adopted earlier, as real declarations do
                    instrument = instruments[rng.randrange(max(1, next_new))]
                references.append((clause, instrument, relation))
        Clause.objects.bulk_create(clauses, batch_size=self.batch_size)
        seen = set()
        Reference.objects.bulk_create(
            [
                Reference(clause=clause, instrument=instrument, relation=relation)
                for clause, instrument, relation in references
                if (clause.pk, instrument.pk, relation) not in seen
                and not seen.add((clause.pk, instrument.pk, relation))
            ],
            batch_size=self.batch_size,
        )
        milestones = Instrument.objects.bulk_create(
            Instrument(
                slug=f"{PREFIX}m{n + 1:06d}",
                name=f"Synthetic milestone {n + 1}",
                kind=Kind.MILESTONE,
                parent=instruments[n % top_total],
                due_on=END - datetime.timedelta(days=rng.randint(-700, 2500)),
                completed_on=(
                    None
                    if rng.random() < 0.6
                    else END - datetime.timedelta(days=rng.randint(0, 900))
                ),
            )
            for n in range(instrument_total - top_total)
        )
        if themes:
            through = Instrument.themes.through
            through.objects.bulk_create(
                through(instrument_id=instrument.pk, theme_id=rng.choice(themes).pk)
                for instrument in instruments
            )
        self.stdout.write(
            f"{len(declarations)} declarations, {len(clauses)} clauses, "
            f"{len(instruments)} instruments, {len(milestones)} milestones"
        )
        return instruments + milestones

    def evidence_for(self, statuses):
        """About a quarter of the published entries cite one or two documents."""
        rng = self.random
        for status in statuses:
            if status.review_state != ReviewState.PUBLISHED or rng.random() >= EVIDENCE_SHARE:
                continue
            for n in range(rng.choice((1, 1, 2))):
                title, kind = EVIDENCE[rng.randrange(len(EVIDENCE))]
                yield Evidence(
                    status_id=status.pk,
                    title=f"{title} ({status.as_of.year})",
                    url=f"https://example.org/synthetic/{status.pk}/{n + 1}",
                    kind=kind,
                )

    def make_statuses(self, instruments, parties, total):
        """Several entries per (instrument, party) pair over time; region entries too."""
        rng = self.random
        recorder = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        slots = [None, *parties]
        states = [state for state, _ in REVIEW_WEIGHTS]
        weights = [weight for _, weight in REVIEW_WEIGHTS]
        bar = Progress(self.stdout, "statuses", total).start()
        written = 0
        while written < total:
            batch = []
            for _ in range(min(self.batch_size, total - written)):
                instrument = instruments[rng.randrange(len(instruments))]
                party = slots[rng.randrange(len(slots))]
                as_of = END - datetime.timedelta(days=rng.randint(0, 20 * 365))
                state = rng.choices(states, weights)[0]
                stamp = datetime.datetime.combine(as_of, datetime.time(12), tzinfo=datetime.UTC)
                status = PROGRESSION[rng.randrange(len(PROGRESSION))]
                batch.append(
                    ImplementationStatus(
                        instrument_id=instrument.pk,
                        party_id=party.pk if party else None,
                        status=status,
                        progress=progress_for(status, rng),
                        as_of=as_of,
                        recorded_at=stamp,
                        note="Synthetic entry.",
                        recorded_by=recorder,
                        review_state=state,
                        published_at=stamp if state == ReviewState.PUBLISHED else None,
                    )
                )
            with transaction.atomic():
                created = ImplementationStatus.objects.bulk_create(batch)
                Evidence.objects.bulk_create(self.evidence_for(created))
            written += len(batch)
            bar.advance(len(batch))
        bar.finish()
        # Fresh statistics, so the planner picks the status indexes straight away. SQLite
        # has none until ANALYZE runs and then scans every entry for each instrument. On
        # PostgreSQL, VACUUM also marks the new pages all-visible, as autovacuum soon would
        # on a live database, so that index-only scans need not visit the table (not inside
        # a transaction, where PostgreSQL refuses VACUUM).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
