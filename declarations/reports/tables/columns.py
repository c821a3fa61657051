"""Columns and links several reports share."""

from django.db.models import Prefetch
from django.urls import reverse

from ...models import Reference
from ..charts import STATUS_ORDER
from ..exports import Column


def instrument_url(instrument, keep=""):
    return reverse("report_instrument", args=[instrument.slug]) + keep


def declaration_url(declaration, keep="", anchor=""):
    """A declaration's scorecard, at a paragraph when `anchor` (e.g. "op-9") is given."""
    url = reverse("report_declaration", args=[declaration.slug]) + keep
    return f"{url}#{anchor}" if anchor else url


def instrument_column(keep, label="Instrument"):
    return Column(label, str, href=lambda i: instrument_url(i, keep))


def parent_column(keep):
    return Column(
        "Part of",
        lambda i: str(i.parent) if i.parent_id else None,
        href=lambda i: instrument_url(i.parent, keep) if i.parent_id else None,
    )


STATUS = Column("Status", lambda i: i.current_status, "status")
PROGRESS = Column("Progress", lambda i: i.current_progress, "progress")
LAST_UPDATE = Column("Last update", lambda i: i.current_as_of, "date")
DUE = Column("Due", lambda i: i.due_on, "date")


def cited_in(instrument):
    """Where an instrument is cited, e.g. "19th ADMM op-9"; needs CITATIONS prefetched."""
    return ", ".join(
        f"{reference.clause.declaration.meeting or reference.clause.declaration.slug} "
        f"{reference.clause.anchor}"
        for reference in instrument.references.all()
    )


# The prefetch the "Cited in" column reads.
CITATIONS = Prefetch(
    "references",
    queryset=Reference.objects.select_related("clause__declaration").order_by(
        "-clause__declaration__adopted_on", "clause__number"
    ),
)


CITED_IN = Column("Cited in", cited_in)


def days_overdue(at):
    return Column("Days overdue", lambda i: (at - i.due_on).days, "number")


def days_since_update(at):
    return Column(
        "Days since update",
        lambda i: (at - i.current_as_of).days if i.current_as_of else None,
        "number",
    )


def status_rows(result):
    """A roll-up's counts as (status, count) pairs in display order, zero counts left out."""
    return [(status, result.counts[status]) for status in STATUS_ORDER if status in result.counts]


def status_count_columns():
    """The columns of a roll-up's (status, count) rows."""
    return [
        Column("Status", lambda row: row[0], "status"),
        Column("Instruments", lambda row: row[1], "number"),
    ]
