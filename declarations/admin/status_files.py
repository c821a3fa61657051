"""Status entries as files: the import from CSV or XLSX (upload, preview, confirm) and the
export of the listed entries with the same columns, so an exported file imports back."""

import secrets

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from ..intake import status_import
from ..models import NEW_ENTRY_STATES
from ..reports.exports import Column, Table, csv_response, xlsx_response
from .forms import ImportConfirmForm, ImportUploadForm

EXPORT_FORMATS = {"csv": csv_response, "xlsx": xlsx_response}
CHANGELIST = "admin:declarations_implementationstatus_changelist"
EXPORT = "admin:declarations_implementationstatus_export"


def export_table(entries):
    """The entries under the import's columns, one row each, read in chunks."""
    rows = (
        status_import.export_row(entry)
        for entry in entries.select_related("instrument", "party").with_evidence().iterator(2000)
    )
    columns = [
        Column(name, lambda row, index=index: row[index])
        for index, name in enumerate(status_import.COLUMNS)
    ]
    return Table(title="Status entries", columns=columns, rows=rows)


class StatusFilesAdmin:
    """The import and export pages of the status entries' ModelAdmin (a mixin)."""

    IMPORT_SESSION_KEY = "declarations.status_import"

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

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Import status entries",
            "opts": self.opts,
            "media": self.media,
            "columns": status_import.COLUMNS,
            "required_columns": status_import.REQUIRED_COLUMNS,
            "max_rows": status_import.MAX_ROWS,
        }
        if request.method == "POST" and "token" in request.POST:
            response = self.confirm_import(request, context)
            if response is not None:
                return response
            upload = ImportUploadForm(user=request.user)
        else:
            data = request.POST if request.method == "POST" else None
            upload = ImportUploadForm(data, request.FILES or None, user=request.user)
            if data is not None and upload.is_valid():
                self.preview_import(request, upload, context)
        context["upload_form"] = upload
        return TemplateResponse(
            request, "admin/declarations/implementationstatus/import.html", context
        )

    def preview_import(self, request, upload, context):
        state = upload.cleaned_data["state"]
        try:
            table = status_import.read_table(upload.cleaned_data["file"])
            preview = status_import.validate(table, user=request.user, state=state)
        except status_import.ImportProblem as problem:
            context["problem"] = str(problem)
            return
        if not preview.ok:
            context["errors"] = preview.errors
            return
        token = secrets.token_urlsafe(16)
        # The checked cells wait in the session; confirming validates them again.
        request.session[self.IMPORT_SESSION_KEY] = {
            "token": token,
            "user": request.user.pk,
            "state": state,
            "table": table,
        }
        context["preview"] = preview.rows[:100]
        context["row_count"] = len(preview.rows)
        context["state_label"] = NEW_ENTRY_STATES[state]
        context["confirm_form"] = ImportConfirmForm(initial={"token": token})

    def confirm_import(self, request, context):
        form = ImportConfirmForm(request.POST)
        pending = request.session.get(self.IMPORT_SESSION_KEY)
        if (
            not form.is_valid()
            or not pending
            or pending["user"] != request.user.pk
            or not secrets.compare_digest(pending["token"], form.cleaned_data["token"])
        ):
            self.message_user(
                request, "That preview has expired; upload the file again.", messages.ERROR
            )
            return HttpResponseRedirect(request.path)
        try:
            entries = status_import.apply(
                pending["table"], user=request.user, state=pending["state"]
            )
        except status_import.ImportProblem as problem:
            context["problem"] = str(problem)
            return None
        except status_import.ImportFailed as failure:
            context["errors"] = failure.errors
            return None
        finally:
            request.session.pop(self.IMPORT_SESSION_KEY, None)
        count = len(entries)
        self.message_user(
            request,
            f"Imported {count} status entr{'y' if count == 1 else 'ies'}.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse(CHANGELIST))
