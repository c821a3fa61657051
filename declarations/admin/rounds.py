"""Reporting rounds: the secretariat opens a round (which creates its requests), follows its
response rates and overdue requests, reminds, and closes it; a country editor answers one
request at a time from the admin home's worklist."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..models import (
    EditConflict,
    ImplementationStatus,
    ReportingRound,
    ReviewState,
    RoundRequest,
    can_review,
    close_round,
    day_text,
    open_round,
    record_status,
    remind_round,
    reportable_parties,
    response_rates,
    round_summary,
)
from .base import ADMIN_CSS, VersionedMixin, status_badge
from .forms import EvidenceFormSet, RequestProgressForm, evidence_links
from .widgets import DATES


def progress_report_path(round_):
    try:
        return reverse("report_round", args=[round_.pk])
    except NoReverseMatch:  # the reports are their own module; the admin works without them
        return None


@admin.register(ReportingRound)
class ReportingRoundAdmin(VersionedMixin, admin.ModelAdmin):
    list_display = ["name", "reports_as_of", "due_on", "state", "response_rate"]
    list_filter = ["state"]
    search_fields = ["name"]
    autocomplete_fields = ["declarations", "instruments", "parties"]
    fields = [
        "name",
        "reports_as_of",
        "due_on",
        "declarations",
        "instruments",
        "parties",
        "include_region",
    ]
    show_facets = admin.ShowFacets.NEVER
    formfield_overrides = DATES

    class Media:
        css = ADMIN_CSS

    def get_queryset(self, request):
        requests = RoundRequest.objects.filter(round=OuterRef("pk")).order_by().values("round")
        published = ImplementationStatus.objects.filter(
            request=OuterRef("pk"), review_state=ReviewState.PUBLISHED
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                request_count=Coalesce(
                    Subquery(requests.annotate(n=Count("pk")).values("n")[:1]), 0
                ),
                answered_count=Coalesce(
                    Subquery(
                        requests.filter(Exists(published)).annotate(n=Count("pk")).values("n")[:1]
                    ),
                    0,
                ),
            )
        )

    @admin.display(description="Response rate")
    def response_rate(self, round_):
        total = getattr(round_, "request_count", 0)
        if not total:
            return "—"
        answered = round_.answered_count
        return f"{round(100 * answered / total)}% ({answered} of {total})"

    # Who may do what -------------------------------------------------------------------

    def has_add_permission(self, request):
        return super().has_add_permission(request) and can_review(request.user)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        # A closed round is frozen.
        return obj is None or obj.is_open

    def has_delete_permission(self, request, obj=None):
        # A closed round is the record of what was reported to the ministers.
        if obj is not None and not obj.is_open:
            return False
        return super().has_delete_permission(request, obj)

    # Opening: saving the round creates its requests -------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            obj.opened_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        added = open_round(form.instance, by=request.user)
        self.message_user(
            request,
            f"“{form.instance}”: {added} request{'' if added == 1 else 's'} "
            f"{'added' if change else 'sent'}, due {day_text(form.instance.due_on)}.",
            messages.SUCCESS,
        )

    # The round page: response rates, overdue requests, close, remind ---------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/close/",
                self.admin_site.admin_view(require_POST(self.close_view)),
                name="declarations_reportinground_close",
            ),
            path(
                "<path:object_id>/remind/",
                self.admin_site.admin_view(require_POST(self.remind_view)),
                name="declarations_reportinground_remind",
            ),
            path(
                "requests/<int:request_id>/record/",
                self.admin_site.admin_view(self.record_view),
                name="declarations_reportinground_record",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        round_ = self.get_object(request, unquote(object_id))
        extra_context = dict(extra_context or {})
        if round_ is not None and self.has_view_permission(request, round_):
            today = timezone.localdate()
            extra_context.update(
                round=round_,
                summary=round_summary(round_),
                by_party=response_rates(round_, "party"),
                by_instrument=response_rates(round_, "instrument"),
                overdue=list(
                    round_.requests.overdue(at=today)
                    .select_related("instrument", "party")
                    .order_by("party__name", "instrument__name")
                ),
                may_manage=round_.is_open and self.has_change_permission(request, round_),
                report_url=progress_report_path(round_),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def managed_round(self, request, object_id):
        round_ = self.get_object(request, unquote(object_id))
        if round_ is None:
            raise Http404("No such reporting round.")
        if not (self.has_change_permission(request, round_) and can_review(request.user)):
            raise PermissionDenied
        return round_

    def close_view(self, request, object_id):
        round_ = self.managed_round(request, object_id)
        try:
            close_round(round_, by=request.user)
        except EditConflict as conflict:  # saved by someone else while this request ran
            self.message_user(request, str(conflict), messages.ERROR)
        else:
            self.message_user(
                request,
                f"“{round_}” closed: its figures and progress report no longer change.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse("admin:declarations_reportinground_change", args=[round_.pk])
        )

    def remind_view(self, request, object_id):
        round_ = self.managed_round(request, object_id)
        base_url = request.build_absolute_uri("/")
        sent = remind_round(round_, today=timezone.localdate(), base_url=base_url)
        self.message_user(
            request,
            f"“{round_}”: {sent} reminder{'' if sent == 1 else 's'} sent to the editors of "
            "parties with open requests.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:declarations_reportinground_change", args=[round_.pk])
        )

    # Answering one request ------------------------------------------------------------

    def record_view(self, request, request_id):
        owed = get_object_or_404(
            RoundRequest.objects.select_related("round", "instrument", "party"), pk=request_id
        )
        if not (
            request.user.has_perm("declarations.add_implementationstatus")
            and self.has_view_permission(request, owed.round)
        ):
            raise PermissionDenied
        if owed.party is None and not can_review(request.user):
            raise PermissionDenied("You report for your parties only, not for the region.")
        if (
            owed.party is not None
            and not reportable_parties(request.user).filter(pk=owed.party_id).exists()
        ):
            raise PermissionDenied(f"This request is for {owed.party.name}.")
        if not owed.round.is_open:
            self.message_user(request, f"The round “{owed.round}” is closed.", messages.WARNING)
            return HttpResponseRedirect(reverse("admin:index"))
        data = request.POST if request.method == "POST" else None
        form = RequestProgressForm(data, user=request.user, owed=owed)
        evidence = EvidenceFormSet(data, request.FILES if data else None, prefix="evidence")
        if data is not None and form.is_valid() and evidence.is_valid():
            try:
                with transaction.atomic():
                    entry = record_status(
                        instrument=owed.instrument,
                        party=owed.party,
                        status=form.cleaned_data["status"],
                        progress=form.cleaned_data["progress"],
                        as_of=form.cleaned_data["as_of"],
                        note=form.cleaned_data["note"],
                        evidence=evidence_links(evidence),
                        by=request.user,
                        state=form.cleaned_data["state"],
                        request=owed,
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    f"{entry.label}: {entry.get_review_state_display().lower()}.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:index"))
        last = (
            ImplementationStatus.objects.published()
            .filter(instrument=owed.instrument)
            .filter(Q(party=owed.party) if owed.party else Q(party__isnull=True))
            .order_by("-as_of", "-published_at", "-pk")
            .first()
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Record progress: {owed.instrument_label}, {owed.party_label}",
            "opts": self.opts,
            "media": self.media + form.media,
            "owed": owed,
            "last": last,
            "last_badge": status_badge(last.status) if last else None,
            "form": form,
            "evidence_formset": evidence,
        }
        return TemplateResponse(
            request, "admin/declarations/reportinground/record_request.html", context
        )
