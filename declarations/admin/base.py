"""What the admin pages share: display helpers, constants and the history and version
base classes."""

from django.contrib import messages
from django.contrib.admin import ActionLocation
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms import Textarea
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from ..models import (
    EditConflict,
    ReviewState,
    Status,
    save_versioned,
)
from .forms import VersionedModelForm

SHORT_TEXT = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 60})}}
ADMIN_CSS = {"all": ["declarations/admin.css"]}
BOTH_PLACES = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]
FINAL_STATES = (ReviewState.PUBLISHED, ReviewState.REJECTED)


# Display helpers shared by the lists and pages -------------------------------------------


def status_badge(status):
    if not status:
        return format_html('<span class="status-badge status-none">{}</span>', "No information")
    return format_html(
        '<span class="status-badge status-{}">{}</span>', status, Status(status).label
    )


def progress_bar(progress):
    if progress is None:
        return "—"
    return format_html(
        '<progress class="status-progress" max="100" value="{}" aria-hidden="true"></progress> {}%',
        progress,
        progress,
    )


def report_path(declaration):
    try:
        return reverse("report_declaration", args=[declaration.slug])
    except NoReverseMatch:  # the reports are their own module; the admin works without them
        return f"{get_script_prefix()}reports/declarations/{declaration.slug}/"


# Base classes ----------------------------------------------------------------------------


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Change history, for reading only.

    django-simple-history's revert form saves whatever is posted to it for anyone who may
    merely view the object, and it bypasses the version check and the status workflow; a
    correction is made on the change page instead.
    """

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class VersionedAdmin(ReadOnlyHistoryAdmin):
    """For models with a `version` field: saves go through `save_versioned`."""

    form = VersionedModelForm

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        obj._history_user = request.user  # what SimpleHistoryAdmin.save_model does
        save_versioned(obj, version=form.cleaned_data.get("version_seen"))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict as conflict:
            # Lost a race after the form validated; the view's transaction has rolled back.
            self.message_user(request, str(conflict), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
