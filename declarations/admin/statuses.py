"""Status entries: recording and review; their import and export are in status_files."""

from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import Truncator

from ..evidence_files import evidence_file_response, visible_evidence_file
from ..models import (
    EditConflict,
    ImplementationStatus,
    ReviewState,
    can_review,
    check_editable,
    conflict_message,
    may_edit_status,
    record_status,
    review_status,
    submit_status,
)
from .base import ADMIN_CSS, BOTH_PLACES, VersionedAdmin, progress_bar, status_badge
from .evidence import EvidenceInline
from .forms import (
    ReviewForm,
    StatusEntryAddForm,
    StatusEntryChangeForm,
    entry_fields,
)
from .list_filters import EstimatedCountPaginator
from .status_files import StatusFilesAdmin
from .widgets import DATES


@admin.register(ImplementationStatus)
class ImplementationStatusAdmin(StatusFilesAdmin, VersionedAdmin):
    formfield_overrides = DATES
    list_display = [
        "instrument_short",
        "party_name",
        "status_badge",
        "progress_bar",
        "as_of",
        "review_state",
        "recorded_by",
    ]
    list_filter = ["review_state", "status", "party", "as_of"]
    list_select_related = ["instrument", "party", "recorded_by"]
    search_fields = ["instrument__name", "instrument__acronym", "note"]
    autocomplete_fields = ["instrument"]
    # No date_hierarchy: its year links read every entry's date on each page (0.4 s at a
    # million entries); the "as of" filter offers the same ranges from the index.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    inlines = [EvidenceInline]
    actions = ["submit_for_review", "publish", "reject"]
    REVIEW_FIELDS = [
        "review_state",
        "recorded_by",
        "recorded_at",
        "reviewed_by",
        "published_at",
        "review_comment",
    ]
    readonly_fields = REVIEW_FIELDS
    ENTRY_FIELDS = ["instrument", "party", "status", "progress", "as_of", "note"]

    class Media:
        css = ADMIN_CSS

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = StatusEntryChangeForm if obj is not None else StatusEntryAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        # The form needs the user (what may happen next); a subclass per request holds it.
        return type(form.__name__, (form,), {"user": request.user})

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": [*self.ENTRY_FIELDS, "state"]})]
        return [
            (None, {"fields": [*self.ENTRY_FIELDS, "version_seen"]}),
            ("Review", {"fields": self.REVIEW_FIELDS}),
        ]

    # Who may do what -------------------------------------------------------------------

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        if obj is None:
            return True
        # Also guards the history pages, which look entries up without get_queryset.
        return ImplementationStatus.objects.visible_to(request.user).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return True
        # Drafts and rejected entries, by their authors (`may_edit_status`); a correction
        # of a submitted or published entry is a new entry.
        return may_edit_status(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.review_state == ReviewState.PUBLISHED:
            return False
        return super().has_delete_permission(request, obj)

    def has_review_permission(self, request):
        return can_review(request.user)

    def has_submit_permission(self, request):
        return self.has_add_permission(request)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        # Bulk delete would not ask per entry whether it is published.
        actions.pop("delete_selected", None)
        if action_location == ActionLocation.CHANGE_FORM:
            # An entry's page offers only what can happen to it: its author submits a draft;
            # a submitted entry is reviewed on its review page; a published one is final.
            entry = getattr(request, "_entry_on_page", None)
            if entry is None or not may_edit_status(request.user, entry):
                return {}
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        entry = self.get_object(request, unquote(object_id))
        request._entry_on_page = entry
        extra_context = dict(extra_context or {})
        if entry is not None:
            extra_context["entry"] = entry
            extra_context["review_url"] = (
                reverse("admin:declarations_implementationstatus_review", args=[entry.pk])
                if entry.review_state == ReviewState.SUBMITTED and can_review(request.user)
                else None
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "evidence/<int:evidence_id>/",
                self.admin_site.admin_view(self.evidence_view),
                name="declarations_implementationstatus_evidence",
            ),
            path(
                "<path:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name="declarations_implementationstatus_review",
            ),
            *super().get_urls(),
        ]

    def evidence_view(self, request, evidence_id):
        """An evidence file, to those who may see its entry (`visible_evidence_file`)."""
        evidence = visible_evidence_file(request.user, evidence_id)
        if evidence is None or not self.has_view_permission(request):
            raise Http404("No such evidence file.")
        return evidence_file_response(evidence)

    # The review page: one submitted entry, the previous published one beside it -------

    def review_view(self, request, object_id):
        entry = self.get_object(request, unquote(object_id))
        if entry is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not can_review(request.user):
            raise PermissionDenied("Only editors and administrators review entries.")
        change_url = reverse("admin:declarations_implementationstatus_change", args=[entry.pk])
        if entry.review_state != ReviewState.SUBMITTED:
            state = entry.get_review_state_display().lower()
            self.message_user(
                request, f"{entry.label} is {state}: there is nothing to review.", messages.INFO
            )
            return HttpResponseRedirect(change_url)
        data = request.POST if request.method == "POST" else None
        form = ReviewForm(data, publish="reject" not in request.POST)
        if request.method == "POST" and form.is_valid():
            seen = request.POST.get("version_seen", "")
            if not seen.isdigit() or int(seen) != entry.version:
                self.message_user(request, conflict_message(ImplementationStatus), messages.ERROR)
                return HttpResponseRedirect(request.get_full_path())
            publish = "reject" not in request.POST
            try:
                review_status(
                    entry, by=request.user, publish=publish, comment=form.cleaned_data["comment"]
                )
            except (ValidationError, PermissionDenied, EditConflict) as error:
                reason = " ".join(getattr(error, "messages", None) or [str(error)])
                self.message_user(request, f"{entry.label}: {reason}", messages.ERROR)
                return HttpResponseRedirect(request.get_full_path())
            self.message_user(
                request,
                f"{entry.label}: {'published' if publish else 'rejected, back with its author'}.",
                messages.SUCCESS,
            )
            following = (
                ImplementationStatus.objects.filter(review_state=ReviewState.SUBMITTED)
                .order_by("recorded_at", "pk")
                .values_list("pk", flat=True)
                .first()
            )
            if following is not None:
                return HttpResponseRedirect(
                    reverse("admin:declarations_implementationstatus_review", args=[following])
                )
            return HttpResponseRedirect(
                reverse("admin:declarations_implementationstatus_changelist")
            )
        previous = (
            ImplementationStatus.objects.published()
            .filter(instrument=entry.instrument_id)
            .filter(Q(party=entry.party_id) if entry.party_id else Q(party__isnull=True))
            .order_by("-as_of", "-published_at", "-pk")
            .first()
        )
        waiting = ImplementationStatus.objects.filter(review_state=ReviewState.SUBMITTED).count()
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review: {entry.label}",
            "opts": self.opts,
            "media": self.media,
            "entry": entry,
            "evidence": entry.evidence.order_by("pk"),
            "previous": previous,
            "previous_evidence": previous.evidence.order_by("pk") if previous else (),
            "form": form,
            "waiting": waiting,
            "change_url": change_url,
        }
        return TemplateResponse(
            request, "admin/declarations/implementationstatus/review_entry.html", context
        )

    # Saving: a new entry goes through record_status ------------------------------------

    def save_model(self, request, obj, form, change):
        if change:
            check_editable(obj, by=request.user)
            super().save_model(request, obj, form, change)
        # A new entry is recorded in save_related, once its evidence is known.

    def save_related(self, request, form, formsets, change):
        if change:
            return super().save_related(request, form, formsets, change)
        evidence = [
            {
                key: evidence_form.cleaned_data.get(key) or ""
                for key in ("title", "url", "file", "kind")
            }
            for formset in formsets
            for evidence_form in formset.forms
            if evidence_form.has_changed()
            and evidence_form.cleaned_data
            and not evidence_form.cleaned_data.get("DELETE")
        ]
        data = form.cleaned_data
        entry = record_status(
            instrument=data["instrument"], evidence=evidence, by=request.user, **entry_fields(data)
        )
        # The admin goes on with the form's instance (messages, log entry, redirect) and
        # reads what the formsets saved for its change message.
        for field in ImplementationStatus._meta.concrete_fields:
            setattr(form.instance, field.attname, getattr(entry, field.attname))
        form.instance._state.adding = False
        for formset in formsets:
            formset.new_objects = list(entry.evidence.all())
            formset.changed_objects, formset.deleted_objects = [], []

    # Lists --------------------------------------------------------------------------

    @admin.display(description="Instrument", ordering="instrument__name")
    def instrument_short(self, entry):
        return entry.instrument.acronym or Truncator(entry.instrument.name).chars(60)

    @admin.display(description="Party", ordering="party__name")
    def party_name(self, entry):
        return entry.party_label

    @admin.display(description="Status", ordering="status")
    def status_badge(self, entry):
        return status_badge(entry.status)

    @admin.display(description="Progress", ordering="progress")
    def progress_bar(self, entry):
        return progress_bar(entry.progress)

    # Workflow actions -----------------------------------------------------------------

    def seen_version_is_stale(self, request, queryset):
        """On an entry's own page the action posts the version the reviewer was shown; an
        entry changed since then must be looked at again before it is published."""
        seen = request.POST.get("version_seen")
        if not seen or not seen.isdigit():
            return False
        entries = list(queryset[:2])
        if len(entries) == 1 and entries[0].version != int(seen):
            self.message_user(request, conflict_message(ImplementationStatus), messages.ERROR)
            return True
        return False

    @admin.action(description="Submit for review", permissions=["submit"], location=BOTH_PLACES)
    def submit_for_review(self, request, queryset):
        if self.seen_version_is_stale(request, queryset):
            return None
        self.apply_each(request, queryset, lambda entry: submit_status(entry, by=request.user))
        return None

    @admin.action(description="Publish", permissions=["review"])
    def publish(self, request, queryset):
        return self.review(request, queryset, publish=True)

    @admin.action(description="Reject (with a comment)", permissions=["review"])
    def reject(self, request, queryset):
        return self.review(request, queryset, publish=False)

    def review(self, request, queryset, *, publish):
        if self.seen_version_is_stale(request, queryset):
            return None
        data = request.POST if "apply" in request.POST else None
        form = ReviewForm(data, publish=publish)
        if data is not None and form.is_valid():
            comment = form.cleaned_data["comment"]
            self.apply_each(
                request,
                queryset,
                lambda entry: review_status(
                    entry, by=request.user, publish=publish, comment=comment
                ),
            )
            return None
        action_field = (
            f"{ActionLocation.CHANGE_FORM.value}-action"
            if f"{ActionLocation.CHANGE_FORM.value}-action" in request.POST
            else "action"
        )
        context = {
            **self.admin_site.each_context(request),
            "title": "Publish status entries" if publish else "Reject status entries",
            "opts": self.opts,
            "media": self.media,
            "entries": queryset.select_related("instrument", "party").prefetch_related("evidence"),
            "form": form,
            "publish": publish,
            "action_name": "publish" if publish else "reject",
            "action_field": action_field,
            "version_seen": request.POST.get("version_seen", ""),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/declarations/implementationstatus/review.html", context
        )

    def apply_each(self, request, queryset, step):
        """Each entry on its own: one refused entry (already published, changed meanwhile)
        is reported and does not undo the others."""
        done, refused = [], []
        for entry in queryset.select_related("instrument", "party"):
            try:
                with transaction.atomic():
                    step(entry)
            except (ValidationError, PermissionDenied, EditConflict) as error:
                reason = " ".join(getattr(error, "messages", None) or [str(error)])
                refused.append(f"{entry.label}: {reason}")
            else:
                done.append(f"{entry.label}: {entry.get_review_state_display().lower()}")
        # Each entry by name and what happened to it ("ACDN, Malaysia, 30 Nov 2026: published").
        if done:
            self.message_user(request, "; ".join(done) + ".", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)
