"""Large report downloads, built by a worker.

A PDF or XLSX download of more than `TRACKER_BACKGROUND_DOWNLOAD_ROWS` rows is not built
in the request: the request records a job and sends the reader to its page, which shows
"Preparing..." until the file is ready and then offers it. The report page itself
carries a notice with the link while the download is pending or kept.

The worker builds the file by calling the same report view with the same address and
parameters, as the same user (whose right to read reports is checked again), so the file
is exactly what the request would have answered. Files are kept in the "jobs" storage
for `TRACKER_JOB_FILES_KEEP_HOURS` and served only to the user who asked.
"""

import tempfile

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, QueryDict
from django.shortcuts import redirect
from django.urls import resolve

from ..jobs import JobFailed, job_task, start_job
from ..models import Job, JobKind, JobState
from .exports import XLSX_CONTENT_TYPE

BACKGROUND_FORMATS = {"pdf": "application/pdf", "xlsx": XLSX_CONTENT_TYPE}
# The report pages remember this many of the reader's downloads for their notices.
SESSION_KEY, REMEMBERED = "report_jobs", 10


def row_count(tables):
    """Rows a download would hold: the lengths of its tables (a count query for a
    queryset not yet fetched)."""
    total = 0
    for table in tables:
        rows = table.rows
        if isinstance(rows, QuerySet) and rows._result_cache is None:
            total += rows.count()
        elif hasattr(rows, "__len__"):
            total += len(rows)
    return total


def goes_to_background(request, fmt, tables):
    """Whether this download is built by a worker: a PDF or XLSX over the threshold, for a
    signed-in reader (the job and its file belong to someone), unless this already is the
    worker building it."""
    return (
        fmt in BACKGROUND_FORMATS
        and not getattr(request, "building_download", False)
        and request.user.is_authenticated
        and row_count(tables) > settings.TRACKER_BACKGROUND_DOWNLOAD_ROWS
    )


def request_download(request, *, fmt, filename, title):
    """Start the job that builds the download and send the reader to its page."""
    query = request.GET.copy()
    query["format"] = fmt
    job = start_job(
        build_download,
        kind=JobKind.REPORT,
        label=f"{title} ({fmt.upper()})",
        requested_by=request.user,
        params={
            "path": request.path,
            "query": query.urlencode(),
            "host": request.get_host(),
            "secure": request.is_secure(),
            "format": fmt,
            "filename": f"{filename}.{fmt}",
        },
        total=1,
    )
    remembered = [str(job.pk), *request.session.get(SESSION_KEY, [])]
    request.session[SESSION_KEY] = remembered[:REMEMBERED]
    return redirect("job_detail", pk=job.pk)


def page_downloads(request):
    """The reader's downloads of this report that are pending or ready, for the notice
    on the page. No query unless the reader has asked for one lately."""
    remembered = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not remembered:
        return []
    jobs = Job.objects.visible_to(request.user).filter(pk__in=remembered, kind=JobKind.REPORT)
    shown = [
        job
        for job in jobs
        if job.params.get("path") == request.path and (job.state != JobState.DONE or job.has_file)
    ]
    kept = [str(job.pk) for job in jobs if not job.finished or job.has_file]
    if len(kept) != len(remembered):
        request.session[SESSION_KEY] = kept
    return shown


def _replayed_request(job):
    params = job.params
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = params["path"]
    request.GET = QueryDict(params["query"])
    host, _, port = params["host"].partition(":")
    request.META = {
        "REQUEST_METHOD": "GET",
        "QUERY_STRING": params["query"],
        "HTTP_HOST": params["host"],
        "SERVER_NAME": host,
        "SERVER_PORT": port or ("443" if params.get("secure") else "80"),
    }
    if params.get("secure"):
        request.META["wsgi.url_scheme"] = "https"
        request._get_scheme = lambda: "https"
    request.user = job.requested_by
    request.building_download = True
    return request


@job_task
def build_download(job):
    """Build the report file the job's request asked for and keep it for its owner."""
    request = _replayed_request(job)
    match = resolve(request.path_info)
    try:
        response = match.func(request, *match.args, **match.kwargs)
    except PermissionDenied:
        raise JobFailed("You may no longer read this report; no file was made.") from None
    except Http404:
        raise JobFailed("This report no longer exists; no file was made.") from None
    except BadRequest as error:
        raise JobFailed(f"{error}; no file was made.") from None
    if response.status_code != 200:
        raise JobFailed(f"The report answered {response.status_code}; no file was made.")
    # The file is complete before it is kept: a worker stopped half-way keeps nothing.
    with tempfile.TemporaryFile() as spool:
        chunks = response.streaming_content if response.streaming else [response.content]
        size = 0
        for chunk in chunks:
            spool.write(chunk)
            size += len(chunk)
        # Not response.close(): that signals the end of a request, which closes the
        # database connection under the job. The XLSX's temporary file is closed here.
        if getattr(response, "file_to_stream", None) is not None:
            response.file_to_stream.close()
        spool.seek(0)
        job.store_file(
            spool,
            download_name=job.params["filename"],
            content_type=BACKGROUND_FORMATS[job.params["format"]],
        )
    return {"bytes": size}
