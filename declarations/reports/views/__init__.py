"""Read-only HTML reports for managers, each also downloadable as CSV, XLSX and PDF.

Every report takes `?as_of=YYYY-MM-DD` and then shows what was true and already published on
that date, through the same QuerySet methods as the admin and the API
(`with_current_status`, `overdue`, `stale`, `known_at`, `latest_per_party`) and the same
`InstrumentFilter`. Each view reads query -> tables -> respond: a report's tables are
defined once, in `reports.tables`, and serve the screen and the downloads alike.
"""

from .changes import changes_report, search
from .instruments import country_matrix, instrument_report, overdue_report, stale_report
from .jobs import job_detail, job_download, job_retry, job_status
from .overview import dashboard, home, scorecard
from .rounds import round_report

__all__ = [
    "changes_report",
    "country_matrix",
    "dashboard",
    "home",
    "instrument_report",
    "job_detail",
    "job_download",
    "job_retry",
    "job_status",
    "overdue_report",
    "round_report",
    "scorecard",
    "search",
    "stale_report",
]
