"""What the admin pages share: display helpers, constants and the history and version
base classes."""

from django.contrib import messages
from django.contrib.admin import ActionLocation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms import Textarea
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from ..models import (
    EditConflict,
    ReviewState,
    Status,
    conflict_message,
    delete_versioned,
    is_current_version,
    save_versioned,
)
from .forms import InlineVersionedModelForm, VersionedModelForm

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


class VersionedMixin:
    """For a ModelAdmin of a model with a `version` field: saves go through
    `save_versioned`, and a save that loses the race writes nothing, page and inlines alike
    (the change view's transaction rolls back)."""

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


class VersionedAdmin(VersionedMixin, ReadOnlyHistoryAdmin):
    """A versioned model with its change history."""


class VersionedInlineFormSet(BaseInlineFormSet):
    """Inline rows that carry the version each row had when the page was loaded.

    A row edited or deleted on a page opened before someone else saved that row is
    refused with the conflict message, and the page writes nothing: the rows are checked
    while the page validates, then saved or deleted through `save_versioned` and
    `delete_versioned` inside the change view's transaction, where a race lost after the
    check rolls the whole page back. Rows left untouched are not written, so they do not
    block the page.
    """

    def clean(self):
        super().clean()
        # Django ignores the errors of a row marked for deletion, so its check is here.
        self.versions_seen = {}
        for form in self.initial_forms:
            if form.instance.pk is None or not self._should_delete_form(form):
                continue
            seen = form.cleaned_data.get("version_seen")
            if seen is None or not is_current_version(form.instance, seen):
                raise ValidationError(conflict_message(self.model), code="conflict")
            self.versions_seen[form.instance.pk] = seen

    def delete_existing(self, obj, commit=True):
        if commit:
            delete_versioned(obj, version=self.versions_seen[obj.pk])


class VersionedInlineMixin:
    """For an inline of a model with a `version` field (see VersionedInlineFormSet)."""

    form = InlineVersionedModelForm
    formset = VersionedInlineFormSet

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if "version_seen" in fields else [*fields, "version_seen"]
