"""The tracker's data: declaration -> clause -> instrument (and milestones) -> dated status.

Status history is append-only: the current status of anything is the latest *published*
assessment, and every report can be reproduced "as at" a past date because each query takes
an `at` date and only looks at what was both true (`as_of`) and known (`published_at`) then.
"""

from .base import (
    CLOSED_STATUSES,
    OPEN,
    EvidenceKind,
    Kind,
    Part,
    PartyGroup,
    Relation,
    ReviewState,
    Status,
    VerbClass,
    end_of_day,
    region_first,
)
from .declarations import (
    TRACKED_RELATIONS,
    Clause,
    Declaration,
    Reference,
    tracking,
)
from .instruments import (
    Instrument,
    InstrumentQuerySet,
    Rollup,
    completion,
    is_overdue,
    overdue_condition,
    party_status_name,
    rollup,
    rollups_by_declaration,
    stale_condition,
)
from .jobs import (
    Job,
    JobKind,
    JobState,
    prune_job_files,
    stalled_jobs,
)
from .parties import (
    Party,
    Theme,
)
from .reminders import (
    ReminderKind,
    SentReminder,
)
from .statuses import (
    NEW_ENTRY_STATES,
    REGION_LABEL,
    Evidence,
    ImplementationStatus,
    ImplementationStatusQuerySet,
    JSONArrayAgg,
    can_report_for,
    can_review,
    check_as_of,
    new_entry_choices,
    record_status,
    reportable_parties,
    review_status,
    sorted_evidence,
    submit_status,
)
from .tokens import (
    ApiToken,
)
from .versioning import (
    EditConflict,
    conflict_message,
    is_current_version,
    save_versioned,
)

__all__ = [
    "ApiToken",
    "CLOSED_STATUSES",
    "Clause",
    "Declaration",
    "EditConflict",
    "Evidence",
    "EvidenceKind",
    "ImplementationStatus",
    "ImplementationStatusQuerySet",
    "Instrument",
    "NEW_ENTRY_STATES",
    "InstrumentQuerySet",
    "JSONArrayAgg",
    "Job",
    "JobKind",
    "JobState",
    "Kind",
    "OPEN",
    "Part",
    "Party",
    "PartyGroup",
    "REGION_LABEL",
    "Reference",
    "Relation",
    "ReminderKind",
    "ReviewState",
    "Rollup",
    "SentReminder",
    "Status",
    "TRACKED_RELATIONS",
    "Theme",
    "VerbClass",
    "can_report_for",
    "can_review",
    "check_as_of",
    "completion",
    "conflict_message",
    "end_of_day",
    "is_current_version",
    "is_overdue",
    "overdue_condition",
    "party_status_name",
    "prune_job_files",
    "new_entry_choices",
    "record_status",
    "region_first",
    "reportable_parties",
    "review_status",
    "rollup",
    "rollups_by_declaration",
    "save_versioned",
    "sorted_evidence",
    "stalled_jobs",
    "stale_condition",
    "submit_status",
    "tracking",
]
