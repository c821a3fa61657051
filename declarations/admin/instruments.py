"""Instruments and milestones: the page staff record progress from."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.text import Truncator

from ..filters import search_instruments
from ..models import (
    ImplementationStatus,
    Instrument,
    Kind,
    Series,
    record_status,
    reportable_parties,
)
from .base import (
    ADMIN_CSS,
    VersionedAdmin,
    VersionedInlineMixin,
    progress_bar,
    status_badge,
)
from .declarations import ClauseReferenceInline
from .forms import (
    EvidenceFormSet,
    RecordProgressForm,
    entry_fields,
    evidence_links,
)
from .list_filters import (
    CurrentStatusFilter,
    DeclarationListFilter,
    OverdueFilter,
    PartyListFilter,
    ReviewStateListFilter,
    StaleFilter,
    ThemeListFilter,
)
from .rows import TabularInline
from .widgets import DATES, TABULAR_DATES


class MilestoneInline(VersionedInlineMixin, TabularInline):
    model = Instrument
    fk_name = "parent"
    fields = ["name", "kind", "due_on", "completed_on", "version_seen"]
    extra = 0
    show_change_link = True
    verbose_name = "milestone"
    verbose_name_plural = "milestones"
    formfield_overrides = TABULAR_DATES

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["kind"].initial = Kind.MILESTONE
        return formset


class StatusHistoryInline(TabularInline):
    """The instrument's status entries, newest first, for reading; each entry's own page
    is where a draft is edited or an entry reviewed."""

    model = ImplementationStatus
    fk_name = "instrument"
    fields = ["as_of", "party_name", "badge", "bar", "review_state", "note_text", "evidence_list"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    extra = 0
    verbose_name = "status entry"
    verbose_name_plural = "status history (newest first)"

    def get_queryset(self, request):
        return (
            ImplementationStatus.objects.visible_to(request.user)
            .select_related("party", "instrument")
            .prefetch_related("evidence")
            .order_by("-as_of", "-recorded_at", "-pk")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Party")
    def party_name(self, entry):
        return entry.party_label

    @admin.display(description="Status")
    def badge(self, entry):
        return status_badge(entry.status)

    @admin.display(description="Progress")
    def bar(self, entry):
        return progress_bar(entry.progress)

    @admin.display(description="Note")
    def note_text(self, entry):
        return Truncator(entry.note).chars(120)

    @admin.display(description="Evidence")
    def evidence_list(self, entry):
        links = format_html_join(
            ", ", '<a href="{}" rel="noopener noreferrer">{}</a>', _evidence_pairs(entry)
        )
        return links or "—"


def _evidence_pairs(entry):
    return ((link.href, link.title) for link in entry.evidence.all())


@admin.register(Instrument)
class InstrumentAdmin(VersionedAdmin):
    formfield_overrides = DATES
    list_display = [
        "name",
        "acronym",
        "kind",
        "parent_short",
        "current_status_badge",
        "current_progress_bar",
        "last_update",
        "due_on",
    ]
    list_filter = [
        CurrentStatusFilter,
        "kind",
        DeclarationListFilter,
        ThemeListFilter,
        PartyListFilter,
        OverdueFilter,
        StaleFilter,
        ReviewStateListFilter,
    ]
    list_select_related = ["parent"]
    search_fields = ["name", "acronym", "slug"]  # see get_search_results
    search_help_text = "Name, acronym, or words of a clause citing it."
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # a count per filter choice is a query per choice
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent", "series", "lead_parties", "themes"]
    inlines = [MilestoneInline, ClauseReferenceInline, StatusHistoryInline]
    actions = ["record_progress"]

    class Media:
        css = ADMIN_CSS

    def get_queryset(self, request):
        today = timezone.localdate()
        last_update = (
            ImplementationStatus.objects.known_at(today)
            .filter(instrument=OuterRef("pk"))
            .order_by("-as_of")
            .values("as_of")[:1]
        )
        return (
            super()
            .get_queryset(request)
            .with_current_status(at=today)
            .annotate(last_update_on=Subquery(last_update))
        )

    def get_search_results(self, request, queryset, search_term):
        # The same search as the reports and the API, clause text included.
        if not search_term.strip():
            return queryset, False
        return search_instruments(queryset, search_term.strip()), False

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                "Instrument",
                {"fields": ["name", "acronym", "slug", "kind", "parent", "description"]},
            ),
            ("Series", {"fields": [("series", "edition"), "other_editions"]}),
            ("Dates", {"fields": ["due_on", "completed_on"]}),
            ("Scope", {"fields": ["lead_parties", "themes", "version_seen"]}),
        ]
        if obj is not None:
            fieldsets.insert(
                0,
                (
                    "Current status",
                    {
                        "fields": [
                            ("current_status_badge", "current_progress_bar"),
                            ("current_as_of", "last_update"),
                        ]
                    },
                ),
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [
            *super().get_readonly_fields(request, obj),
            "current_status_badge",
            "current_progress_bar",
            "current_as_of",
            "last_update",
            "other_editions",
        ]

    @admin.display(description="Editions of the series")
    def other_editions(self, instrument):
        if instrument.series_id is None:
            return "—"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (
                    reverse("admin:declarations_instrument_change", args=[edition.pk]),
                    edition.edition_label or edition.name,
                )
                for edition in instrument.series.ordered_editions()
            ),
        )

    @admin.display(description="Part of", ordering="parent__name")
    def parent_short(self, instrument):
        parent = instrument.parent
        return (parent.acronym or Truncator(parent.name).chars(40)) if parent else "—"

    @admin.display(description="Current status", ordering="current_status")
    def current_status_badge(self, instrument):
        return status_badge(getattr(instrument, "current_status", None))

    @admin.display(description="Progress", ordering="current_progress")
    def current_progress_bar(self, instrument):
        return progress_bar(getattr(instrument, "current_progress", None))

    @admin.display(description="Current as of")
    def current_as_of(self, instrument):
        return getattr(instrument, "current_as_of", None) or "—"

    @admin.display(description="Last update", ordering="last_update_on")
    def last_update(self, instrument):
        return getattr(instrument, "last_update_on", None) or "—"

    # Recording progress: the form on the instrument page and the bulk action -------------

    def has_record_permission(self, request):
        # Asked once per action and per page part; one query per request is enough.
        if not hasattr(request, "_may_record"):
            request._may_record = reportable_parties(request.user).exists()
        return request._may_record

    def get_urls(self):
        return [
            path(
                "<path:object_id>/record-status/",
                self.admin_site.admin_view(self.record_status_view),
                name="declarations_instrument_record_status",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        # Recording has a page of its own: on this page it would share the screen with the
        # instrument's form, and what was typed in one would be lost by saving the other.
        if self.has_record_permission(request):
            extra_context["record_url"] = reverse(
                "admin:declarations_instrument_record_status", args=[object_id]
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def record_status_view(self, request, object_id):
        instrument = self.get_object(request, unquote(object_id))
        if instrument is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not (
            self.has_view_permission(request, instrument) and self.has_record_permission(request)
        ):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        files = request.FILES if request.method == "POST" else None
        form = RecordProgressForm(data, user=request.user)
        evidence = EvidenceFormSet(data, files, prefix="evidence")
        if data is not None and form.is_valid() and evidence.is_valid():
            self.record_for(request, [instrument], form, evidence)
            return HttpResponseRedirect(
                reverse("admin:declarations_instrument_change", args=[instrument.pk])
            )
        return self.render_record_page(request, [instrument], form, evidence, bulk=False)

    @admin.action(description="Record progress", permissions=["record"])
    def record_progress(self, request, queryset):
        data = request.POST if "apply" in request.POST else None
        form = RecordProgressForm(data, user=request.user)
        evidence = EvidenceFormSet(data, request.FILES if data else None, prefix="evidence")
        if data is not None and form.is_valid() and evidence.is_valid():
            self.record_for(request, list(queryset), form, evidence)
            return None
        return self.render_record_page(request, list(queryset), form, evidence, bulk=True)

    def record_for(self, request, instruments, form, evidence):
        """One entry per instrument, all or none, each through `record_status`."""
        data = form.cleaned_data
        links = evidence_links(evidence)
        with transaction.atomic():
            entries = [
                record_status(
                    instrument=instrument, evidence=links, by=request.user, **entry_fields(data)
                )
                for instrument in instruments
            ]
        state = entries[0].get_review_state_display().lower()
        who = data["party"].name if data["party"] else "the region"
        self.message_user(
            request,
            f"Recorded {len(entries)} status entr{'y' if len(entries) == 1 else 'ies'} "
            f"for {who} ({state}).",
            messages.SUCCESS,
        )
        return entries

    def render_record_page(self, request, instruments, form, evidence, *, bulk):
        context = {
            **self.admin_site.each_context(request),
            "title": "Record progress",
            "opts": self.opts,
            "media": self.media,
            "instruments": instruments,
            "form": form,
            "evidence_formset": evidence,
            "bulk": bulk,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/declarations/instrument/record_progress.html", context
        )


class EditionInline(admin.TabularInline):
    model = Instrument
    fk_name = "series"
    fields = ["edition", "name", "slug"]
    readonly_fields = fields
    ordering = ["edition"]
    show_change_link = True
    can_delete = False
    extra = 0
    verbose_name = "edition"
    verbose_name_plural = "editions (set an instrument's series on its own page)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # an edition is changed on its own page


@admin.register(Series)
class SeriesAdmin(VersionedAdmin):
    """A recurring exercise, conference or protocol; its editions are instruments."""

    list_display = ["name", "acronym", "kind", "edition_count"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [EditionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(edition_total=Count("editions"))

    @admin.display(description="Editions", ordering="edition_total")
    def edition_count(self, series):
        return series.edition_total
