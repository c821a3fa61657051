"""Parties, themes, declarations, clauses and the references between clauses and
instruments."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from ..intake.background import import_declaration_text
from ..intake.importing import ImportRejected, apply_import
from ..jobs import start_job
from ..models import (
    Clause,
    Declaration,
    Party,
    Reference,
    Theme,
)
from ..models.jobs import JobKind
from .base import (
    ADMIN_CSS,
    SHORT_TEXT,
    VersionedAdmin,
    VersionedInlineMixin,
    VersionedMixin,
    report_path,
)
from .forms import DeclarationImportForm
from .link_choices import LinkChoicesForm
from .rows import TabularInline
from .widgets import DATES

# Parties and themes ------------------------------------------------------------------------


@admin.register(Party)
class PartyAdmin(VersionedAdmin):
    list_display = ["name", "code", "group", "member_since"]
    list_filter = ["group"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["editors"]
    formfield_overrides = DATES


@admin.register(Theme)
class ThemeAdmin(VersionedMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


# Declarations and clauses ------------------------------------------------------------------


class ClauseInline(VersionedInlineMixin, TabularInline):
    """Staff correct what the importer proposed: lead verb, class, trackable; the clause's
    own page (the change link) holds its instrument links."""

    model = Clause
    fields = [
        "part",
        "number",
        "printed_number",
        "lead_word",
        "lead_verb",
        "verb_class",
        "trackable",
        "text",
        "instruments_cited",
        "version_seen",
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
    formfield_overrides = DATES
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
        plan = links = None
        if request.method == "POST" and form.is_valid():
            plan = form.plan
            confirming = "confirm" in request.POST and not plan.unchanged
            # The preview proposes; the confirmation carries staff's link choices.
            links = LinkChoicesForm(plan, request.POST if confirming else None)
            if confirming and links.is_valid():
                plan.choose_links(links.choices())
            else:
                confirming = False
            if confirming and self.goes_to_worker(form):
                return self.import_in_background(request, form, links)
            if confirming:
                declaration = self.confirm_import(request, form, plan)
                if declaration is not None:
                    return HttpResponseRedirect(
                        reverse("admin:declarations_declaration_change", args=[declaration.pk])
                    )
        context = {
            **self.admin_site.each_context(request),
            "title": "Import a declaration",
            "opts": self.opts,
            "media": self.media + form.media + (links.media if links else forms.Media()),
            "form": form,
            "plan": plan,
            "links": links,
        }
        return TemplateResponse(request, "admin/declarations/declaration/import.html", context)

    def goes_to_worker(self, form):
        """A text over TRACKER_BACKGROUND_IMPORT_BYTES is written by a worker (an update not
        yet confirmed is refused here at once, as a small one is)."""
        if form.plan.needs_update and not form.cleaned_data["update"]:
            return False
        text = form.cleaned_data["text"]
        return len(text.encode()) > settings.TRACKER_BACKGROUND_IMPORT_BYTES

    def import_in_background(self, request, form, links):
        data = form.cleaned_data
        job = start_job(
            import_declaration_text,
            kind=JobKind.DECLARATION_IMPORT,
            label=f"Import of {form.plan.parsed.title or form.plan.slug}",
            requested_by=request.user,
            params={
                "text": data["text"],
                "slug": data.get("slug") or "",
                "source_url": data.get("source_url") or "",
                "update": data["update"],
                "links": links.as_params(),
            },
        )
        return HttpResponseRedirect(reverse("job_detail", args=[job.pk]))

    def confirm_import(self, request, form, plan):
        """Apply a confirmed plan; None, with the reason on the form, when it is refused.

        An update must be confirmed from a preview of the declaration as it is now: the
        preview carries the plan's `state`, and a save of the declaration or of one of its
        clauses since then would otherwise be overwritten by changes nobody reviewed."""
        update = form.cleaned_data["update"]
        if plan.needs_update and update and request.POST.get("state") != plan.state:
            form.add_error(
                None,
                "The declaration or one of its clauses was changed since this preview. Here "
                "is what the update would do now; confirm again to apply it.",
            )
            return None
        try:
            declaration = apply_import(plan, update=form.cleaned_data["update"])
        except ImportRejected as rejected:
            form.add_error("update", str(rejected))
            return None
        verb = "Updated" if plan.existing else "Imported"
        self.message_user(
            request,
            f"{verb} {declaration}: {len(plan.parsed.clauses)} clauses, "
            f"{len(plan.new_instruments)} new instruments. Check the proposed "
            "clauses and instrument links below.",
            messages.SUCCESS,
        )
        return declaration


class ReferenceInline(VersionedInlineMixin, TabularInline):
    model = Reference
    autocomplete_fields = ["instrument"]
    extra = 0


class ClauseReferenceInline(VersionedInlineMixin, TabularInline):
    model = Reference
    autocomplete_fields = ["clause"]
    extra = 0
    verbose_name = "clause citing this instrument"
    verbose_name_plural = "clauses citing this instrument"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("clause__declaration")


@admin.register(Clause)
class ClauseAdmin(VersionedAdmin):
    list_display = [
        "__str__", "part", "number", "printed_number", "lead_verb", "verb_class", "trackable"
    ]  # fmt: skip
    list_filter = ["part", "verb_class", "trackable", "declaration"]
    list_select_related = ["declaration"]
    search_fields = ["text", "lead_verb", "declaration__title", "declaration__slug"]
    autocomplete_fields = ["declaration"]
    formfield_overrides = SHORT_TEXT
    inlines = [ReferenceInline]


@admin.register(Reference)
class ReferenceAdmin(VersionedAdmin):
    """Mostly edited inline; registered so its change history can be read."""

    list_display = ["clause", "relation", "instrument"]
    list_filter = ["relation"]
    list_select_related = ["clause__declaration", "instrument"]
    search_fields = ["instrument__name", "instrument__acronym", "clause__declaration__slug"]
    autocomplete_fields = ["clause", "instrument"]
