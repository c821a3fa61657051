"""The seed declaration (Kuala Lumpur, 31 October 2025) with the demo's sample milestones
and statuses, for report tests that want realistic data: what they check is what
`make demo` shows. Every date is fixed, so tests that pass `as_of=` get the same answer
whatever day they run."""

import datetime

from declarations import demo
from declarations.demo import SEED, SEED_SLUG  # noqa: F401 (re-exported for the tests)

# The day the sample data describes: reports "as of" it are stable.
SAMPLE_DAY = datetime.date(2026, 11, 27)


def import_seed():
    """The seed declaration through the importer, as staff would load it."""
    return demo.import_seed().declaration


def add_sample_statuses():
    """Milestones and published statuses for the seed's instruments; returns the entries."""
    return demo.load_sample_progress()


def seed_with_sample_statuses():
    declaration = import_seed()
    add_sample_statuses()
    return declaration
