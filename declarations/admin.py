"""The staff editing UI.

Rules that matter here, each enforced below and pinned by tests/test_admin.py:
- every status entry is written by `record_status` / `submit_status` / `review_status`,
  whatever the page (add form, instrument page, bulk action, import), so scope and review
  rules are those of the model layer;
- a country editor sees published entries plus their own parties' entries, and may change
  only their parties' drafts; published and rejected entries are read-only for everyone;
- declarations, instruments and status entries carry a version: a save over a newer
  version is refused with a message and writes nothing;
- history pages are read-only (django-simple-history's "revert" form is closed).
"""

import secrets

from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.forms import Textarea
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, get_script_prefix, path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from . import status_import
from .filters import search_instruments
from .forms import (
    PUBLISH,
    DeclarationImportForm,
    EvidenceFormSet,
    ImportConfirmForm,
    ImportUploadForm,
    InlineVersionedModelForm,
    RecordProgressForm,
    ReviewForm,
    StatusEntryAddForm,
    StatusEntryChangeForm,
    VersionedModelForm,
    evidence_links,
    then_flags,
)
from .importing import ImportRejected, apply_import
from .models import (
    ApiToken,
    Clause,
    Declaration,
    EditConflict,
    Evidence,
    ImplementationStatus,
    Instrument,
    Kind,
    Party,
    Reference,
    ReviewState,
    Status,
    Theme,
    can_report_for,
    can_review,
    conflict_message,
    overdue_condition,
    record_status,
    reportable_parties,
    review_status,
    save_versioned,
    stale_condition,
    submit_status,
)

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


# Parties and themes ------------------------------------------------------------------------


@admin.register(Party)
class PartyAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "code", "group", "member_since"]
    list_filter = ["group"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["editors"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


# Declarations and clauses ------------------------------------------------------------------


class ClauseInline(admin.TabularInline):
    """Staff correct what the importer proposed: lead verb, class, trackable; the clause's
    own page (the change link) holds its instrument links."""

    model = Clause
    fields = [
        "part",
        "number",
        "lead_word",
        "lead_verb",
        "verb_class",
        "trackable",
        "text",
        "instruments_cited",
    ]
    readonly_fields = ["instruments_cited"]
    formfield_overrides = SHORT_TEXT
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("references__instrument")

    @admin.display(description="Instruments (edit on the clause's page)")
    def instruments_cited(self, clause):
        if clause.pk is None:
            return "—"
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a> ({})',
            (
                (
                    reverse("admin:declarations_instrument_change", args=[ref.instrument_id]),
                    ref.instrument.acronym or Truncator(ref.instrument.name).chars(40),
                    ref.get_relation_display(),
                )
                for ref in clause.references.all()
            ),
        )
        return links or "—"


@admin.register(Declaration)
class DeclarationAdmin(VersionedAdmin):
    list_display = ["title", "body", "meeting", "place", "adopted_on", "report_link"]
    list_filter = ["body", "adopted_on"]
    search_fields = ["title", "meeting", "place", "slug"]
    date_hierarchy = "adopted_on"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["report_link"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "report_link",
                    "slug",
                    "title",
                    "body",
                    "meeting",
                    "place",
                    "adopted_on",
                    "source_url",
                    "language",
                    "version_seen",
                ]
            },
        ),
        ("Full text", {"classes": ["collapse"], "fields": ["text"]}),
    ]
    inlines = [ClauseInline]

    class Media:
        css = ADMIN_CSS

    @admin.display(description="Report")
    def report_link(self, declaration):
        if declaration.pk is None:
            return "—"
        return format_html('<a href="{}">View report</a>', report_path(declaration))

    # Import from text -------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="declarations_declaration_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Paste or upload -> preview of what would be written -> confirm. The text travels
        with the confirmation and is parsed again, so what is written is what was shown."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = DeclarationImportForm(request.POST or None, request.FILES or None)
        plan = None
        if request.method == "POST" and form.is_valid():
            plan = form.plan
            if "confirm" in request.POST and not plan.unchanged:
                try:
                    declaration = apply_import(plan, update=form.cleaned_data["update"])
                except ImportRejected as rejected:
                    form.add_error("update", str(rejected))
                else:
                    verb = "Updated" if plan.existing else "Imported"
                    self.message_user(
                        request,
                        f"{verb} {declaration}: {len(plan.parsed.clauses)} clauses, "
                        f"{len(plan.new_instruments)} new instruments. Check the proposed "
                        "clauses and instrument links below.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:declarations_declaration_change", args=[declaration.pk])
                    )
        context = {
            **self.admin_site.each_context(request),
            "title": "Import a declaration",
            "opts": self.opts,
            "media": self.media + form.media,
            "form": form,
            "plan": plan,
        }
        return TemplateResponse(request, "admin/declarations/declaration/import.html", context)


class ReferenceInline(admin.TabularInline):
    model = Reference
    autocomplete_fields = ["instrument"]
    extra = 0


class ClauseReferenceInline(admin.TabularInline):
    model = Reference
    autocomplete_fields = ["clause"]
    extra = 0
    verbose_name = "clause citing this instrument"
    verbose_name_plural = "clauses citing this instrument"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("clause__declaration")


@admin.register(Clause)
class ClauseAdmin(ReadOnlyHistoryAdmin):
    list_display = ["__str__", "part", "number", "lead_verb", "verb_class", "trackable"]
    list_filter = ["part", "verb_class", "trackable", "declaration"]
    list_select_related = ["declaration"]
    search_fields = ["text", "lead_verb", "declaration__title", "declaration__slug"]
    autocomplete_fields = ["declaration"]
    formfield_overrides = SHORT_TEXT
    inlines = [ReferenceInline]


@admin.register(Reference)
class ReferenceAdmin(ReadOnlyHistoryAdmin):
    """Mostly edited inline; registered so its change history can be read."""

    list_display = ["clause", "relation", "instrument"]
    list_filter = ["relation"]
    list_select_related = ["clause__declaration", "instrument"]
    search_fields = ["instrument__name", "instrument__acronym", "clause__declaration__slug"]
    autocomplete_fields = ["clause", "instrument"]


# Instruments --------------------------------------------------------------------------------


class EstimatedCountPaginator(Paginator):
    """Pages of the status table, which grows by the million. The unfiltered list (what
    reviewers open first) is counted from PostgreSQL's statistics, `reltuples`, kept up to
    date by autovacuum, once they put the table above ESTIMATE_FROM rows: an exact count
    read the whole table and took as long as the rest of the page. A filtered list, a small
    table and SQLite are counted exactly."""

    ESTIMATE_FROM = 100_000

    @cached_property
    def count(self):
        queryset = self.object_list
        if connection.vendor != "postgresql" or queryset.query.where:
            return super().count
        # One query either way: the exact count runs only when the estimate is small.
        table = queryset.model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT CASE WHEN reltuples >= %s THEN reltuples::bigint"
                f" ELSE (SELECT count(*) FROM {connection.ops.quote_name(table)}) END"
                " FROM pg_class WHERE oid = %s::regclass",
                [self.ESTIMATE_FROM, table],
            )
            return cursor.fetchone()[0]


class CurrentStatusFilter(admin.SimpleListFilter):
    title = "current status"
    parameter_name = "current_status"
    NONE = "none"

    def lookups(self, request, model_admin):
        return [*Status.choices, (self.NONE, "Not assessed yet")]

    def queryset(self, request, queryset):
        if self.value() == self.NONE:
            return queryset.filter(current_status__isnull=True)
        if self.value():
            return queryset.filter(current_status=self.value())
        return queryset


class DeclarationListFilter(admin.SimpleListFilter):
    title = "declaration"
    parameter_name = "declaration"

    def lookups(self, request, model_admin):
        return [
            (pk, Truncator(title).chars(60))
            for pk, title in Declaration.objects.values_list("pk", "title")
        ]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        cited = Reference.objects.filter(clause__declaration=self.value())
        # A milestone belongs to its parent's declaration.
        return queryset.filter(
            Exists(cited.filter(instrument=OuterRef("pk")))
            | Exists(cited.filter(instrument=OuterRef("parent")))
        )


class ThemeListFilter(admin.SimpleListFilter):
    title = "theme"
    parameter_name = "theme"

    def lookups(self, request, model_admin):
        return list(Theme.objects.values_list("slug", "name"))

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        links = Instrument.themes.through.objects.filter(
            instrument=OuterRef("pk"), theme__slug=self.value()
        )
        return queryset.filter(Exists(links))


class PartyListFilter(admin.SimpleListFilter):
    """Instruments a party leads or has published an assessment of (as the API's filter)."""

    title = "party"
    parameter_name = "party"

    def lookups(self, request, model_admin):
        return list(Party.objects.values_list("code", "name"))

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        leads = Instrument.lead_parties.through.objects.filter(
            instrument=OuterRef("pk"), party__code=self.value()
        )
        reported = ImplementationStatus.objects.published().filter(
            instrument=OuterRef("pk"), party__code=self.value()
        )
        return queryset.filter(Exists(leads) | Exists(reported))


class YesNoFilter(admin.SimpleListFilter):
    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]


class OverdueFilter(YesNoFilter):
    title = "overdue"
    parameter_name = "overdue"

    def queryset(self, request, queryset):
        condition = overdue_condition(timezone.localdate())
        if self.value() == "yes":
            return queryset.filter(condition)
        if self.value() == "no":
            return queryset.filter(~condition)
        return queryset


class StaleFilter(YesNoFilter):
    title = "stale (no recent update)"
    parameter_name = "stale"

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.tracked().filter(stale_condition(today))
        if self.value() == "no":
            return queryset.exclude(pk__in=Instrument.objects.stale(at=today).values("pk"))
        return queryset


class ReviewStateListFilter(admin.SimpleListFilter):
    """Instruments with at least one entry (that this user may see) in a review state."""

    title = "has entries"
    parameter_name = "review_state"

    def lookups(self, request, model_admin):
        return ReviewState.choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        entries = ImplementationStatus.objects.visible_to(request.user).filter(
            instrument=OuterRef("pk"), review_state=self.value()
        )
        return queryset.filter(Exists(entries))


class MilestoneInline(admin.TabularInline):
    model = Instrument
    fk_name = "parent"
    form = InlineVersionedModelForm
    fields = ["name", "kind", "due_on", "completed_on", "version_seen"]
    extra = 0
    show_change_link = True
    verbose_name = "milestone"
    verbose_name_plural = "milestones"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["kind"].initial = Kind.MILESTONE
        return formset


class StatusHistoryInline(admin.TabularInline):
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
        return entry.party.name if entry.party_id else "Region"

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
    return ((link.url, link.title) for link in entry.evidence.all())


@admin.register(Instrument)
class InstrumentAdmin(VersionedAdmin):
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
    autocomplete_fields = ["parent", "lead_parties", "themes"]
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
        ]

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
        if self.has_record_permission(request):
            extra_context["record_form"] = RecordProgressForm(user=request.user)
            extra_context["evidence_formset"] = EvidenceFormSet(prefix="evidence")
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
        form = RecordProgressForm(data, user=request.user)
        evidence = EvidenceFormSet(data, prefix="evidence")
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
        evidence = EvidenceFormSet(data, prefix="evidence")
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
                    instrument=instrument,
                    party=data["party"],
                    status=data["status"],
                    progress=data["progress"],
                    as_of=data["as_of"],
                    note=data["note"],
                    evidence=links,
                    by=request.user,
                    **then_flags(data["then"]),
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


# Status entries -------------------------------------------------------------------------


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 1


@admin.register(ImplementationStatus)
class ImplementationStatusAdmin(VersionedAdmin):
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
            return [(None, {"fields": [*self.ENTRY_FIELDS, "then"]})]
        return [
            (None, {"fields": [*self.ENTRY_FIELDS, "version_seen"]}),
            ("Review", {"fields": self.REVIEW_FIELDS}),
        ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "party":
            reviewer = can_review(request.user)
            kwargs["queryset"] = reportable_parties(request.user)
            # Country editors report for their own parties, never for the region.
            kwargs["required"] = not reviewer
            kwargs["empty_label"] = "The region as a whole" if reviewer else None
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

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
        if obj.review_state in FINAL_STATES:
            return False  # a correction is a new entry
        if can_review(request.user):
            return True
        return obj.review_state == ReviewState.DRAFT and can_report_for(request.user, obj.party)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.review_state == ReviewState.PUBLISHED:
            return False
        return super().has_delete_permission(request, obj)

    def has_review_permission(self, request):
        return can_review(request.user)

    def has_submit_permission(self, request):
        return self.has_add_permission(request)

    def has_import_permission(self, request):
        return self.has_add_permission(request)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        # Bulk delete would not ask per entry whether it is published.
        actions.pop("delete_selected", None)
        return actions

    # Saving: a new entry goes through record_status ------------------------------------

    def save_model(self, request, obj, form, change):
        if change:
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
            super().save_model(request, obj, form, change)
        # A new entry is recorded in save_related, once its evidence is known.

    def save_related(self, request, form, formsets, change):
        if change:
            return super().save_related(request, form, formsets, change)
        evidence = [
            {key: evidence_form.cleaned_data[key] for key in ("title", "url", "kind")}
            for formset in formsets
            for evidence_form in formset.forms
            if evidence_form.has_changed()
            and evidence_form.cleaned_data
            and not evidence_form.cleaned_data.get("DELETE")
        ]
        data = form.cleaned_data
        entry = record_status(
            instrument=data["instrument"],
            party=data["party"],
            status=data["status"],
            progress=data["progress"],
            as_of=data["as_of"],
            note=data["note"],
            evidence=evidence,
            by=request.user,
            **then_flags(data["then"]),
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
        return entry.party.name if entry.party_id else "Region"

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

    @admin.action(description="Publish", permissions=["review"], location=BOTH_PLACES)
    def publish(self, request, queryset):
        return self.review(request, queryset, publish=True)

    @admin.action(
        description="Reject (with a comment)", permissions=["review"], location=BOTH_PLACES
    )
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
            "entries": queryset.select_related("instrument", "party"),
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
        done, refused = 0, []
        for entry in queryset.select_related("instrument", "party"):
            try:
                with transaction.atomic():
                    step(entry)
            except (ValidationError, PermissionDenied, EditConflict) as error:
                reason = " ".join(getattr(error, "messages", None) or [str(error)])
                refused.append(f"{entry}: {reason}")
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} entr{'y' if done == 1 else 'ies'} done.")
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)

    # Import from CSV or XLSX -----------------------------------------------------------

    IMPORT_SESSION_KEY = "declarations.status_import"

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="declarations_implementationstatus_import",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_import_permission": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context)

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
        then = upload.cleaned_data["then"]
        try:
            table = status_import.read_table(upload.cleaned_data["file"])
            preview = status_import.validate(table, user=request.user, publish=then == PUBLISH)
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
            "then": then,
            "table": table,
        }
        context["preview"] = preview.rows[:100]
        context["row_count"] = len(preview.rows)
        context["then_label"] = dict(upload.fields["then"].choices)[then]
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
                pending["table"], user=request.user, **then_flags(pending["then"])
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
        return HttpResponseRedirect(reverse("admin:declarations_implementationstatus_changelist"))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API keys for consumers. The key is shown once, in the message after creation; only
    its hash is stored, so a lost key is replaced by a new token, not recovered."""

    list_display = [
        "name",
        "prefix",
        "user",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "expires_at"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "expires_at"]
        return ["name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["user", "prefix", "created_at", "last_used_at", "revoked_at"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token, key = ApiToken.issue(user=obj.user, name=obj.name, expires_at=obj.expires_at)
        # The admin goes on with `obj` (history entry, redirect), so it becomes the token.
        obj.pk, obj.prefix, obj.key_hash = token.pk, token.prefix, token.key_hash
        obj.created_at = token.created_at
        obj._state.adding, obj._state.db = False, token._state.db
        messages.success(
            request,
            f"The key for “{token.name}” is {key} — copy it now: it is not stored and will "
            "not be shown again. Send it as the header: Authorization: Token <key>.",
        )

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)
