"""The demonstration data: the seed declaration and a labelled set of sample progress.

`make demo` loads it so that every screen has something to show, and the report tests load
the same data so that what they check is what a demo shows. Every date is fixed: reports
"as of" a date in 2026 give the same answer whatever day they run.
"""

import datetime
from pathlib import Path

from django.utils.text import slugify

from .intake.importing import import_text
from .models import (
    Declaration,
    Evidence,
    ImplementationStatus,
    Instrument,
    Kind,
    Party,
    ReportingRound,
    ReviewState,
    Status,
    open_round,
    record_status,
)

SEED = Path(__file__).resolve().parent / "fixtures" / "kl-2025-admm-joint-declaration.txt"
SEED_SLUG = "admm-2025-kuala-lumpur"
SAMPLE = "Sample data: "

D = datetime.date

# (parent acronym, milestone name, planned, actual)
MILESTONES = [
    ("ACDN", "ACDN phase 1: points of contact named", D(2026, 3, 31), D(2026, 3, 15)),
    ("ACDN", "ACDN phase 2: information-sharing platform", D(2026, 9, 30), None),
    ("ACDN", "ACDN phase 3: first joint exercise", D(2027, 6, 30), None),
    ("ADSARX", "ADSARX initial planning conference", D(2026, 2, 28), D(2026, 2, 20)),
    ("ADSARX", "ADSARX final planning conference", D(2026, 10, 31), None),
    ("ADSARX", "ADSARX conduct", D(2027, 3, 31), None),
]

# (acronym, or else instrument or milestone name; party code or None for the region;
#  status, progress, as_of, note)
STATUSES = [
    ("ACDN", None, Status.PLANNED, 10, D(2025, 11, 15), "Working group formed."),
    ("ACDN", None, Status.IN_PROGRESS, 30, D(2026, 4, 1), "Phase 1 complete."),
    ("ACDN", None, Status.IN_PROGRESS, 55, D(2026, 9, 15), "Platform procurement late."),
    ("ACDN", "MYS", Status.IN_PROGRESS, 60, D(2026, 9, 1), "National node in testing."),
    ("ACDN", "PHL", Status.PLANNED, 20, D(2026, 5, 1), "National node budgeted."),
    ("ADSARX", None, Status.IN_PROGRESS, 25, D(2026, 3, 1), "Initial conference held."),
    ("ADSARX", None, Status.DELAYED, 50, D(2026, 11, 1), "Final conference postponed."),
    ("ADIC", None, Status.PLANNED, 5, D(2026, 1, 15), "Industry forum terms drafted."),
    ("AMHIC", None, Status.NOT_STARTED, 0, D(2025, 12, 1), "Awaiting a lead country."),
    ("ADEIC", None, Status.ONGOING, 70, D(2026, 10, 1), "Rules applied at two meetings."),
    ("ESMAWP", None, Status.IN_PROGRESS, 40, D(2026, 5, 1), "First course scheduled."),
    ("Maritime Cybersecurity Conference", None, Status.COMPLETED, 100, D(2026, 6, 20),
     "Conference held; report circulated."),
    ("ACDN phase 1: points of contact named", None, Status.COMPLETED, 100, D(2026, 3, 15),
     "All points of contact named."),
    ("ADSARX initial planning conference", None, Status.COMPLETED, 100, D(2026, 2, 20),
     "Conference held."),
]  # fmt: skip


def import_seed():
    """The seed declaration through the importer, as staff would load it; returns the plan."""
    return import_text(SEED.read_text(encoding="utf-8"))


def _instrument(key):
    return Instrument.objects.filter(acronym=key, parent=None).first() or Instrument.objects.get(
        name=key
    )


def load_sample_progress(*, recorder=None):
    """Milestones and published entries for the seed's instruments, each note marked as
    sample data. Entries are dated as if published on the day they describe, so reports as
    of past dates have a history to show. Returns the entries; does nothing if present."""
    if ImplementationStatus.objects.filter(note__startswith=SAMPLE).exists():
        return []
    for acronym, name, planned, actual in MILESTONES:
        Instrument.objects.get_or_create(
            parent=_instrument(acronym),
            name=name,
            defaults={
                "slug": slugify(name)[:110],
                "kind": Kind.MILESTONE,
                "due_on": planned,
                "completed_on": actual,
                "description": SAMPLE + "an illustrative milestone.",
            },
        )
    parties = {party.code: party for party in Party.objects.filter(code__in=["MYS", "PHL"])}
    entries = ImplementationStatus.objects.bulk_create(
        ImplementationStatus(
            instrument=_instrument(key),
            party=parties.get(code),
            status=status,
            progress=progress,
            as_of=as_of,
            note=SAMPLE + note,
            recorded_by=recorder,
            reviewed_by=recorder,
            review_state=ReviewState.PUBLISHED,
            recorded_at=(noon := datetime.datetime.combine(as_of, datetime.time(12), datetime.UTC)),
            published_at=noon,
        )
        for key, code, status, progress, as_of, note in STATUSES
    )
    Evidence.objects.create(
        status=entries[1],
        title="ADMM working group report",
        url="https://example.org/acdn-phase-1.pdf",
        kind="meeting_report",
    )
    return entries


SAMPLE_ROUND = "Progress report to the 20th ADMM"


def open_sample_round(*, editor):
    """An open reporting round on the seed declaration, asking every party with a country
    editor, so the admin home shows a worklist and the round page its response rates."""
    round_, created = ReportingRound.objects.get_or_create(
        name=SAMPLE_ROUND,
        defaults={"reports_as_of": D(2026, 12, 31), "due_on": D(2026, 12, 15)},
    )
    if created:
        round_.declarations.set(Declaration.objects.filter(slug=SEED_SLUG))
        open_round(round_, by=editor)
    return round_


def submit_sample_draft(*, country_editor, round_=None):
    """One entry waiting for review, through the normal write path, so the review queue in
    the admin has something in it; it answers Malaysia's ACDN request in `round_`."""
    instrument, party = _instrument("ACDN"), Party.objects.get(code="MYS")
    request = round_.requests.filter(instrument=instrument, party=party).first() if round_ else None
    return record_status(
        request=request,
        instrument=instrument,
        party=party,
        status=Status.IN_PROGRESS,
        progress=70,
        as_of=D(2026, 11, 20),
        note=SAMPLE + "Awaiting review: national node passed acceptance tests.",
        by=country_editor,
        state=ReviewState.SUBMITTED,
    )
