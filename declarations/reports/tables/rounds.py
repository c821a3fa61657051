"""A reporting round's progress report, as the secretariat hands it to the ministers: per
declaration, each tracked instrument in the round's scope with its status, progress, the
parties' own entries and the evidence, all as of the round's report date."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from ...models import ImplementationStatus
from ...models.base import status_label
from ..exports import Column, Table
from .columns import PROGRESS, STATUS, instrument_column


@dataclass
class ProgressSection:
    title: str
    table: Table
    counts: Counter


def national_entries(instrument):
    """The parties' latest entries as of the report date: "Malaysia: In progress, 60%"."""
    lines = []
    for entry in instrument.round_entries:
        if entry.party_id is None:
            continue
        figure = f", {entry.progress}%" if entry.progress is not None else ""
        lines.append(f"{entry.party.name}: {status_label(entry.status)}{figure}")
    return "\n".join(lines) or None


def evidence_of(instrument):
    return [
        (item["title"], item["url"])
        for entry in instrument.round_entries
        for item in entry.evidence_items
    ]


COLUMNS_AFTER_NAME = [
    STATUS,
    PROGRESS,
    Column("National entries", national_entries, "block"),
    Column("Evidence", evidence_of, "links"),
]


def attach_entries(instruments, *, at, parties):
    """Give each instrument `round_entries`: the latest published entry as of `at` of the
    region and of each of `parties`, with evidence; one query for all of them."""
    party_ids = {party.pk for party in parties}
    entries = (
        ImplementationStatus.objects.filter(instrument__in=[i.pk for i in instruments])
        .latest_per_party(at)
        .with_evidence()
        .select_related("party")
        .order_by("party__name")
    )
    by_instrument = defaultdict(list)
    for entry in entries:
        if entry.party_id is None or entry.party_id in party_ids:
            by_instrument[entry.instrument_id].append(entry)
    for instrument in instruments:
        instrument.round_entries = by_instrument[instrument.pk]


def progress_sections(groups, *, keep=""):
    """One section per (title, instruments) group, instruments annotated by
    `with_current_status` and `attach_entries`."""
    sections = []
    for title, instruments in groups:
        columns = [instrument_column(keep), *COLUMNS_AFTER_NAME]
        table = Table(title, columns, instruments, empty="No tracked instrument in scope.")
        counts = Counter(instrument.current_status for instrument in instruments)
        sections.append(ProgressSection(title, table, counts))
    return sections


def summary_lines(figures, sections):
    """The report's summary figures as (label, value) pairs."""
    instruments = sum(len(section.table.rows) for section in sections)
    counts = sum((section.counts for section in sections), Counter())
    lines = [
        ("Instruments and milestones", instruments),
        ("Requests answered", f"{figures['answered']} of {figures['total']} ({figures['rate']}%)"),
    ]
    lines += [(status_label(status), count) for status, count in sorted(
        counts.items(), key=lambda item: -item[1]
    )]  # fmt: skip
    return lines
