"""The value sets (TextChoices), the status rules every query shares, and helpers for
constraints and dates."""

import datetime

from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import In


class Part(models.TextChoices):
    PREAMBLE = "preamble", "Preamble"
    OPERATIVE = "operative", "Operative"


class VerbClass(models.TextChoices):
    ADOPTS = "adopts", "Adopts / approves"
    COMMITMENT = "commitment", "Continuing commitment"
    WELCOMES = "welcomes", "Welcomes / notes"
    DECLARATORY = "declaratory", "Declaratory"
    UNKNOWN = "unknown", "Unclassified"


class Relation(models.TextChoices):
    ADOPTS = "adopts", "adopts"
    APPROVES = "approves", "approves"
    WELCOMES = "welcomes", "welcomes"
    NOTES = "notes", "notes"
    REAFFIRMS = "reaffirms", "reaffirms"
    ENCOURAGES = "encourages", "encourages"
    LOOKS_FORWARD = "looks_forward", "looks forward to"
    CITES = "cites", "cites"


class Kind(models.TextChoices):
    CONCEPT_PAPER = "concept_paper", "Concept paper"
    GUIDELINES = "guidelines", "Guidelines"
    ROADMAP = "roadmap", "Roadmap"
    SOP = "sop", "Standard operating procedure"
    TERMS_OF_REFERENCE = "terms_of_reference", "Terms of reference"
    RULES_OF_PROCEDURE = "rules_of_procedure", "Rules of procedure"
    PROTOCOL = "protocol", "Protocol"
    JOINT_STATEMENT = "joint_statement", "Joint statement"
    DECLARATION = "declaration", "Declaration"
    AGREEMENT = "agreement", "Treaty, convention or agreement"
    ARRANGEMENT = "arrangement", "Arrangement"
    PARTNERSHIP = "partnership", "Partnership"
    RESOLUTION = "resolution", "Resolution"
    FRAMEWORK = "framework", "Framework"
    VISION_STATEMENT = "vision_statement", "Vision statement"
    PLAN = "plan", "Plan or strategy"
    EXERCISE = "exercise", "Exercise"
    CONFERENCE = "conference", "Conference"
    NETWORK = "network", "Network"
    PROGRAMME = "programme", "Programme"
    MECHANISM = "mechanism", "Mechanism"
    COMMITMENT = "commitment", "Commitment"
    MILESTONE = "milestone", "Milestone"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    ONGOING = "ongoing", "Ongoing"
    DELAYED = "delayed", "Delayed"
    ON_HOLD = "on_hold", "On hold"
    DISCONTINUED = "discontinued", "Discontinued"
    NO_INFORMATION = "no_information", "No information"


def status_label(value):
    """How pages, charts and downloads name a status; "No information" when nobody has
    assessed it (None or blank)."""
    return Status(value).label if value else "No information"


# Statuses after which an instrument is no longer expected to move.
CLOSED_STATUSES = (Status.COMPLETED, Status.DISCONTINUED)


# Applies to a queryset annotated by `with_current_status()`. Never assessed counts as open:
# NULL becomes "" before the NOT IN, which over NULL would be unknown in SQL. One mention of
# the annotation, not an IS NULL test and a NOT IN: each mention repeats its subquery.
OPEN = ~Q(In(Coalesce("current_status", Value("")), list(CLOSED_STATUSES)))


class ReviewState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"


class PartyGroup(models.TextChoices):
    ASEAN = "asean", "ASEAN Member State"
    PLUS = "plus", "ADMM-Plus country"
    OBSERVER = "observer", "Observer"
    REGIONAL = "regional", "Regional"


class EvidenceKind(models.TextChoices):
    OFFICIAL_RECORD = "official_record", "Official record"
    MEETING_REPORT = "meeting_report", "Meeting report"
    PRESS_RELEASE = "press_release", "Press release"
    MEDIA = "media", "Media"
    OTHER = "other", "Other"


def choices_check(field, choices, name):
    """A check constraint keeping `field` to the values of `choices` in the database too."""
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


def region_first():
    """0 for a region-wide entry (no party), 1 for a country's: sorts the region first.

    Shared by `with_current_status()` and the index `status_current_idx`; PostgreSQL uses an
    expression index only for a query that orders by the very same expression."""
    return Case(When(party__isnull=True, then=Value(0)), default=Value(1))


def end_of_day(day):
    """The last instant of `day` in UTC: what was known "on" a date includes that whole day."""
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.UTC)


def day_text(day):
    """A date as messages and mails write it, day first: "30 Nov 2026" (DATE_FORMAT)."""
    from django.utils.formats import date_format

    return date_format(day)
