"""The counting rules: overdue, stale, an instrument's overall status across parties, the
progress its milestones give it, and a declaration's roll-up. README, "How the numbers are
counted", states the same rules for readers; every page, download and API answer reaches
them through the QuerySet methods of `Instrument.objects` and the functions here."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan

from .base import CLOSED_STATUSES, OPEN, Status

# Nested milestones inherit belonging and roll up through at most this many levels below
# the instrument a declaration cites (a roadmap, its phases, their steps).
MILESTONE_DEPTH = 3

# Statuses from the least to the most advanced. When no region-wide entry exists, the
# overall status of an instrument is the least advanced of the parties' latest statuses.
STATUS_LADDER = (
    Status.NO_INFORMATION,
    Status.DISCONTINUED,
    Status.NOT_STARTED,
    Status.PLANNED,
    Status.ON_HOLD,
    Status.DELAYED,
    Status.IN_PROGRESS,
    Status.ONGOING,
    Status.COMPLETED,
)


class Basis:
    """What an overall status rests on."""

    REGION = "region"  # the region-wide entry
    PARTIES = "parties"  # a summary of the parties' own latest entries
    NONE = "none"  # nothing published yet


def basis_text(instrument):
    """In words, what the overall status of an instrument annotated by
    `with_current_status` rests on: "Region-wide assessment", "4 of 11 parties reported;
    2 completed", or "Nothing published"."""
    basis = getattr(instrument, "status_basis", Basis.NONE)
    if basis == Basis.REGION:
        return "Region-wide assessment"
    if basis == Basis.PARTIES:
        reported, expected = instrument.parties_reported, instrument.parties_expected
        done = f"{instrument.parties_completed} completed"
        if reported > expected:
            return f"{reported} parties reported ({expected} expected); {done}"
        return f"{reported} of {expected} parties reported; {done}"
    return "Nothing published"


def party_status_name(party):
    """The attribute `with_party_statuses` gives a party's status."""
    return f"party_{party.pk}_status"


def overdue_condition(at):
    """The overdue rule as a filter on a queryset annotated by `with_current_status(at)`."""
    return Q(due_on__lt=at) & (Q(completed_on__isnull=True) | Q(completed_on__gt=at)) & OPEN


def is_overdue(due_on, completed_on, current_status, at):
    """`overdue_condition` for one instrument's values, computed in Python: lists use it
    instead of repeating the status subquery in SQL."""
    return (
        due_on is not None
        and due_on < at
        and (completed_on is None or completed_on > at)
        and current_status not in CLOSED_STATUSES
    )


def stale_condition(at, days=None):
    """The stale rule (less `tracked()`) on a queryset annotated by `with_current_status(at)`."""
    days = settings.TRACKER_STALE_AFTER_DAYS if days is None else days
    # An `at` within `days` of year 1 (an API client can ask for one) has no earlier date.
    cutoff = max(at, datetime.date.min + datetime.timedelta(days=days)) - datetime.timedelta(
        days=days
    )
    # Never assessed counts as stale: a missing date sorts before any cutoff.
    never = Value(datetime.date.min)
    return Q(LessThan(Coalesce("current_as_of", never), cutoff)) & OPEN


def completion(status, progress):
    """Per cent done of one assessment: the progress recorded, else 100 when it is completed
    and 0 otherwise (no information counts as nothing done)."""
    if progress is not None:
        return progress
    return 100 if status == Status.COMPLETED else 0


def is_done(status, completed_on, at):
    """A milestone counts as completed on `at` when its status then is completed or its
    actual date has passed."""
    return status == Status.COMPLETED or (completed_on is not None and completed_on <= at)


@dataclass(frozen=True)
class MilestoneProgress:
    """What an instrument's milestones say of it on a date: `completed` of `count` direct
    milestones done, and `percent`, the weighted share done (nested milestones count by
    their own share, level by level)."""

    count: int
    completed: int
    percent: int


def milestone_progress(instrument_ids, at):
    """{instrument id: MilestoneProgress} for those of `instrument_ids` that have
    milestones, as of `at`. One query per 500 instruments, whatever the nesting."""
    from .instruments import Instrument

    ids = list(dict.fromkeys(instrument_ids))
    rows = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        below = Q(parent__in=chunk)
        for level in range(2, MILESTONE_DEPTH + 1):
            below |= Q(**{"__".join(["parent"] * level) + "__in": chunk})
        rows += (
            Instrument.objects.filter(below)
            .with_current_status(at=at)
            .values_list("pk", "parent_id", "weight", "current_status", "completed_on")
        )
    children = {}
    for pk, parent_id, weight, status, completed_on in rows:
        children.setdefault(parent_id, []).append((pk, weight, is_done(status, completed_on, at)))

    shares = {}

    def share(pk, depth=0):
        """The weighted share (0..1) of `pk`'s milestones that is done."""
        if pk not in shares:
            items = children.get(pk, [])
            total = sum(weight for _, weight, _ in items)
            if not items or not total:
                shares[pk] = None
            else:
                done = 0.0
                for child, weight, child_done in items:
                    nested = share(child, depth + 1) if depth + 1 < MILESTONE_DEPTH else None
                    done += weight * (nested if nested is not None else float(child_done))
                shares[pk] = done / total
        return shares[pk]

    result = {}
    for pk in ids:
        value = share(pk)
        if value is not None:
            items = children[pk]
            result[pk] = MilestoneProgress(
                count=len(items),
                completed=sum(1 for _, _, done in items if done),
                percent=round(100 * value),
            )
    return result


def rolled_completion(status, progress, milestones=None):
    """Per cent done of one instrument in a roll-up: its milestones' share when it has
    milestones, else its overall assessment's `completion()`."""
    if milestones is not None:
        return milestones.percent
    return completion(status, progress)


@dataclass
class Rollup:
    """Instruments counted by overall status (None = no information) and per cent complete,
    the average of their `rolled_completion()`. `from_milestones` counts the instruments
    whose per cent comes from their milestones rather than from an assessment."""

    counts: dict = field(default_factory=dict)
    done: int = 0
    from_milestones: int = 0

    def add(self, status, progress, milestones=None):
        # Never assessed and assessed as "no information" are one category on every page.
        status = status or Status.NO_INFORMATION
        self.counts[status] = self.counts.get(status, 0) + 1
        self.done += rolled_completion(status, progress, milestones)
        if milestones is not None:
            self.from_milestones += 1

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def percent(self):
        return round(self.done / self.total) if self.total else None


@dataclass
class Rollups:
    """The roll-ups of a set of instruments: `overall` counts each instrument once,
    `by_declaration` each declaration's own; an instrument several declarations cite is
    in each of theirs, so `per_declaration_total` can exceed `overall.total`."""

    overall: Rollup
    by_declaration: dict
    milestones: dict = field(default_factory=dict)  # {instrument id: MilestoneProgress}

    @property
    def per_declaration_total(self):
        return sum(item.total for item in self.by_declaration.values())

    def of(self, declaration):
        return self.by_declaration.get(getattr(declaration, "pk", declaration), Rollup())


def rollups(instruments, *, at, declarations=None):
    """Rollups over a queryset annotated by `with_current_status(at)`, in two queries.

    Business rule: a declaration's roll-up counts the instruments cited by its trackable
    clauses, each once however often it is cited; declaratory and other untracked clauses
    do not count, so they can never make a declaration look "0% done". Milestones are not
    counted on their own: they give their instrument its per cent complete
    (`rolled_completion`). The overall roll-up counts every such instrument once.
    """
    from .declarations import tracking

    condition = tracking("references__")
    if declarations is not None:
        condition &= Q(references__clause__declaration__in=declarations)
    rows = list(
        instruments.filter(condition)
        .order_by()
        .values_list("references__clause__declaration", "pk", "current_status", "current_progress")
        .distinct()
    )
    milestones = milestone_progress([pk for _, pk, _, _ in rows], at)
    result = Rollups(overall=Rollup(), by_declaration={}, milestones=milestones)
    seen = set()
    for declaration_id, pk, status, progress in rows:
        result.by_declaration.setdefault(declaration_id, Rollup()).add(
            status, progress, milestones.get(pk)
        )
        if pk not in seen:
            seen.add(pk)
            result.overall.add(status, progress, milestones.get(pk))
    return result
