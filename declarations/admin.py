from django.contrib import admin
from django.db import models
from django.forms import Textarea
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Clause,
    Declaration,
    Evidence,
    ImplementationStatus,
    Instrument,
    Kind,
    Party,
    Reference,
    ReviewState,
    Theme,
)

SHORT_TEXT = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 60})}}


@admin.register(Party)
class PartyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "group", "member_since"]
    list_filter = ["group"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["editors"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ClauseInline(admin.TabularInline):
    model = Clause
    fields = ["part", "number", "lead_word", "lead_verb", "verb_class", "trackable", "text"]
    formfield_overrides = SHORT_TEXT
    extra = 0


@admin.register(Declaration)
class DeclarationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "body", "meeting", "place", "adopted_on"]
    list_filter = ["body", "adopted_on"]
    search_fields = ["title", "meeting", "place", "slug"]
    date_hierarchy = "adopted_on"
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ClauseInline]


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


@admin.register(Clause)
class ClauseAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "part", "number", "lead_verb", "verb_class", "trackable"]
    list_filter = ["part", "verb_class", "trackable", "declaration"]
    list_select_related = ["declaration"]
    search_fields = ["text", "lead_verb", "declaration__title", "declaration__slug"]
    autocomplete_fields = ["declaration"]
    formfield_overrides = SHORT_TEXT
    inlines = [ReferenceInline]


class MilestoneInline(admin.TabularInline):
    model = Instrument
    fk_name = "parent"
    fields = ["name", "kind", "due_on", "completed_on"]
    extra = 0
    verbose_name = "milestone"
    verbose_name_plural = "milestones"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["kind"].initial = Kind.MILESTONE
        return formset


@admin.register(Instrument)
class InstrumentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "acronym", "kind", "current_status", "due_on", "completed_on"]
    list_filter = ["kind", "themes"]
    search_fields = ["name", "acronym", "slug", "clauses__text"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent", "lead_parties", "themes"]
    inlines = [MilestoneInline, ClauseReferenceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_current_status()

    @admin.display(description="Current status", ordering="current_status")
    def current_status(self, obj):
        return obj.current_status or "—"


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 1


@admin.register(ImplementationStatus)
class ImplementationStatusAdmin(SimpleHistoryAdmin):
    list_display = ["instrument", "party", "status", "progress", "as_of", "review_state"]
    list_filter = ["review_state", "status", "party", "as_of"]
    list_select_related = ["instrument", "party"]
    search_fields = ["instrument__name", "instrument__acronym", "note"]
    autocomplete_fields = ["instrument", "party"]
    date_hierarchy = "as_of"
    show_full_result_count = False
    inlines = [EvidenceInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        if obj.review_state == ReviewState.PUBLISHED and obj.published_at is None:
            obj.published_at = timezone.now()
            obj.reviewed_by = request.user
        super().save_model(request, obj, form, change)
