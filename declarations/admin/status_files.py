"""Status entries as files: the import from CSV or XLSX (upload, preview, confirm) and the
export of the listed entries with the same columns, so an exported file imports back."""

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from ..intake import status_import, status_jobs, status_rows
from ..jobs import retry_job
from ..models import NEW_ENTRY_STATES, Job, JobKind
from ..reports.exports import Column, Table, csv_response, xlsx_response
from .forms import ImportUploadForm

EXPORT_FORMATS = {"csv": csv_response, "xlsx": xlsx_response}
CHANGELIST = "admin:declarations_implementationstatus_changelist"
EXPORT = "admin:declarations_implementationstatus_export"
IMPORT_TEMPLATE = "admin/declarations/implementationstatus/import.html"
IMPORT_JOB_TEMPLATE = "admin/declarations/implementationstatus/import_job.html"


def export_table(entries):
    """The entries under the import's columns, one row each, read in chunks."""
    rows = (
        status_rows.export_row(entry)
        for entry in entries.select_related("instrument", "party").with_evidence().iterator(2000)
    )
    columns = [
        Column(name, lambda row, index=index: row[index])
        for index, name in enumerate(status_import.COLUMNS)
    ]
    return Table(title="Status entries", columns=columns, rows=rows)


class StatusFilesAdmin:
    """The import and export pages of the status entries' ModelAdmin (a mixin)."""

    def has_import_permission(self, request):
        return self.has_add_permission(request)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="declarations_implementationstatus_import",
            ),
            path(
                "import/<uuid:pk>/",
                self.admin_site.admin_view(self.import_job_view),
                name="declarations_implementationstatus_import_job",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="declarations_implementationstatus_export",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_import_permission": self.has_import_permission(request),
        }
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            # The list as filtered, searched and ordered on screen, in either format.
            response.context_data["export_links"] = [
                (fmt.upper(), reverse(EXPORT) + changelist.get_query_string({"format": fmt}))
                for fmt in EXPORT_FORMATS
            ]
        return response

    # Export ------------------------------------------------------------------------------

    def export_view(self, request):
        """The entries the changelist shows with the same query string (every page of
        them), within the user's scope (`get_queryset`: a country editor never gets
        another party's unpublished entries), as CSV (`?format=csv`) or XLSX."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        params = request.GET.copy()
        respond = EXPORT_FORMATS.get(params.pop("format", ["csv"])[-1])
        if respond is None:
            self.message_user(request, "Export as CSV or XLSX.", messages.ERROR)
            return HttpResponseRedirect(reverse(CHANGELIST))
        request.GET = params  # what remains is the changelist's own query
        try:
            entries = self.get_changelist_instance(request).queryset
        except IncorrectLookupParameters:
            return HttpResponseRedirect(f"{reverse(CHANGELIST)}?{ERROR_FLAG}=1")
        filename = f"status-entries-{timezone.localdate().isoformat()}"
        return respond(tables=[export_table(entries)], filename=filename)

    # Import ------------------------------------------------------------------------------
    # Upload -> a job checks every row (the preview) -> confirm -> a job writes them all or
    # none. The page of each job follows it (static/declarations/job.js) and shows its
    # result; its owner can leave and come back, from this page's list or the job list.

    def import_context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "title": "Import status entries",
            "opts": self.opts,
            "media": self.media,
            "columns": status_import.COLUMNS,
            "required_columns": status_import.REQUIRED_COLUMNS,
            **extra,
        }

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        upload = ImportUploadForm(data, request.FILES or None, user=request.user)
        if data is not None and upload.is_valid():
            job = status_jobs.start_check(
                upload.cleaned_data["file"], user=request.user, state=upload.cleaned_data["state"]
            )
            return HttpResponseRedirect(status_jobs.import_page(job))
        recent = Job.objects.visible_to(request.user).filter(kind=JobKind.STATUS_IMPORT)[:10]
        context = self.import_context(request, upload_form=upload, recent_jobs=recent)
        return TemplateResponse(request, IMPORT_TEMPLATE, context)

    def import_job_view(self, request, pk):
        """A check or an import job of the user's: its progress, then its result; the
        confirmation of a checked file and the retry of a failed job are posted here."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = get_object_or_404(
            Job.objects.visible_to(request.user).filter(kind=JobKind.STATUS_IMPORT), pk=pk
        )
        if request.method == "POST" and "confirm" in request.POST:
            if not status_jobs.may_confirm(job):
                self.message_user(
                    request, "This file cannot be imported; upload it again.", messages.ERROR
                )
                return HttpResponseRedirect(request.path)
            return HttpResponseRedirect(status_jobs.import_page(status_jobs.start_import(job)))
        if request.method == "POST" and "retry" in request.POST:
            retry_job(job)
            return HttpResponseRedirect(request.path)
        context = self.import_context(
            request,
            job=job,
            writing="check" in job.params,
            may_confirm=status_jobs.may_confirm(job),
            started_import=None if "check" in job.params else status_jobs.import_of(job),
            state_label=NEW_ENTRY_STATES.get(job.params.get("state"), ""),
            upload_form=ImportUploadForm(user=request.user),
        )
        return TemplateResponse(request, IMPORT_JOB_TEMPLATE, context)
