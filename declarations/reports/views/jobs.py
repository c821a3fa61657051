"""A job's page, its polling answer, its file and its retry: for the user who asked only.

Anyone else, staff included, is told the job does not exist (404), so its existence is
not revealed either; staff read every job's state in the admin instead.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, HttpResponseGone, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ...jobs import retry_job
from ...models import Job


def own_job(request, pk):
    return get_object_or_404(Job.objects.visible_to(request.user), pk=pk)


@never_cache
@login_required
def job_detail(request, pk):
    job = own_job(request, pk)
    link = None
    if job.result.get("url"):
        link = {"url": job.result["url"], "text": job.result.get("url_text") or "Open the result"}
    return render(request, "declarations/job.html", {"job": job, "result_link": link})


@never_cache
@login_required
def job_status(request, pk):
    job = own_job(request, pk)
    status = job.status_dict()
    status["page"] = reverse("job_detail", args=[job.pk])
    status["download"] = reverse("job_download", args=[job.pk]) if job.has_file else None
    return JsonResponse(status)


@login_required
def job_download(request, pk):
    job = own_job(request, pk)
    if not job.has_file:
        if job.file_expired:
            return HttpResponseGone(
                "This download has expired and its file was deleted; ask for it again.",
                content_type="text/plain; charset=utf-8",
            )
        return redirect("job_detail", pk=job.pk)
    try:
        file = job.open_file()
    except (OSError, ValueError, SuspiciousFileOperation):
        # A file name the storage refuses, or a file gone from under it.
        return HttpResponseGone(
            "This download's file is no longer available; ask for it again.",
            content_type="text/plain; charset=utf-8",
        )
    response = FileResponse(
        file,
        as_attachment=True,
        filename=job.download_name,
        content_type=job.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def job_retry(request, pk):
    retry_job(own_job(request, pk))
    return redirect("job_detail", pk=pk)
