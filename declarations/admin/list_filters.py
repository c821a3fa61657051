"""The changelists' filters, and a paginator that estimates very large totals."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator

from ..models import (
    Declaration,
    ImplementationStatus,
    Instrument,
    Party,
    ReviewState,
    Status,
    Theme,
    overdue_condition,
    stale_condition,
)


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
        declaration = Declaration.objects.filter(pk=self.value()).first()
        return queryset.in_declaration(declaration) if declaration else queryset.none()


class ThemeListFilter(admin.SimpleListFilter):
    title = "theme"
    parameter_name = "theme"

    def lookups(self, request, model_admin):
        return list(Theme.objects.values_list("slug", "name"))

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.with_theme(self.value())


class PartyListFilter(admin.SimpleListFilter):
    """Instruments a party leads or has published an assessment of (as the API's filter)."""

    title = "party"
    parameter_name = "party"

    def lookups(self, request, model_admin):
        return list(Party.objects.values_list("code", "name"))

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.for_party(self.value())


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
