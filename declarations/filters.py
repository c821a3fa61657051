"""FilterSets shared by the reports and the API, so both answer the same question the same way.

Every set that shows status takes `as_of`: the queryset is then annotated with the status
known on that date before any other filter runs.
"""

import datetime

import django_filters as filters
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend

from .models import (
    Clause,
    Declaration,
    ImplementationStatus,
    Instrument,
    Kind,
    Part,
    Party,
    Reference,
    Status,
    VerbClass,
    overdue_condition,
    stale_condition,
)

NO_INFORMATION = "none"


class FilterBackend(DjangoFilterBackend):
    """django-filter's API backend, keeping the request's FilterSet on the view as
    `view.filterset`, so the view reads the as-of date from it instead of building and
    validating a second one. REST_FRAMEWORK names it: this module must not import the API."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        view.filterset = filterset
        return filterset


def search_instruments(queryset, text):
    """Instruments whose name or acronym, or a citing clause's text, contains `text`."""
    return queryset.filter(
        Q(name__icontains=text)
        | Q(acronym__iexact=text)
        | Exists(Reference.objects.filter(instrument=OuterRef("pk"), clause__text__icontains=text))
    )


def ids(queryset, path):
    """The ids at `path` (a foreign key, or a chain of them) of `queryset`'s rows, as a
    subquery; rows where the chain ends early are left out."""
    return queryset.filter(**{f"{path}__isnull": False}).values(path)


class InstantFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 date and time, compared in UTC: Python accepts UTC offsets up to 24 hours,
    PostgreSQL only up to 16, and stored times are UTC anyway."""

    def filter(self, qs, value):
        return super().filter(qs, in_utc(value))


def in_utc(value):
    """An aware datetime in UTC; one that UTC cannot hold is the earliest or latest instant."""
    if value is None:
        return None
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError:  # the offset pushes it past year 1 or 9999
        value = datetime.datetime.min if value.year == 1 else datetime.datetime.max
        return value.replace(tzinfo=datetime.UTC)


class FilterSet(filters.FilterSet):
    """The base of the FilterSets here.

    django-filter builds a new form class, with a form field per filter, for every FilterSet
    instance, that is for every request. Every filter here has fixed choices, so the class
    would be the same each time: it is built once per FilterSet class.

    Its MultipleChoiceFilter adds DISTINCT to the query unless told otherwise, for filters
    across many-valued relations. None here crosses one, so each says distinct=False: over a
    million status entries a DISTINCT sorted every matching row (0.5 s) before the first
    page could be read from its index.
    """

    def get_form_class(self):
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class


class AsOfFilterSet(FilterSet):
    as_of = filters.DateFilter(method="keep", label="As of (YYYY-MM-DD)")

    def keep(self, queryset, name, value):
        return queryset  # applied in filter_queryset, before the other filters

    @property
    def at(self):
        """The as-of date asked for, or today."""
        data = getattr(self.form, "cleaned_data", {})
        return data.get("as_of") or timezone.localdate()


class InstrumentFilter(AsOfFilterSet):
    declaration = filters.CharFilter(method="filter_declaration", label="Declaration slug")
    kind = filters.MultipleChoiceFilter(choices=Kind.choices, distinct=False)
    theme = filters.CharFilter(method="filter_theme", label="Theme slug")
    party = filters.CharFilter(method="filter_party", label="Party code (lead or reporting)")
    status = filters.MultipleChoiceFilter(
        choices=[*Status.choices, (NO_INFORMATION, "No information (same as no_information)")],
        method="filter_status",
        label="Current status",
    )
    overdue = filters.BooleanFilter(method="filter_overdue")
    stale = filters.BooleanFilter(method="filter_stale")
    tracked = filters.BooleanFilter(method="filter_tracked")
    parent = filters.CharFilter(field_name="parent__slug", label="Parent instrument slug")
    q = filters.CharFilter(method="filter_search", label="Search")
    updated_since = InstantFilter(
        method="filter_updated_since",
        label="Changed since (ISO 8601 instant): its own edits, its milestones' edits, or a "
        "status entry of it or of its milestones published since",
    )

    class Meta:
        model = Instrument
        fields = []

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset.with_current_status(at=self.at))

    # Belonging (declaration, theme, party) is the model's rule, milestones included: the
    # admin's list filters call the same methods.
    def filter_declaration(self, queryset, name, value):
        return queryset.in_declaration(value)

    def filter_theme(self, queryset, name, value):
        return queryset.with_theme(value)

    def filter_party(self, queryset, name, value):
        return queryset.for_party(value)

    def filter_status(self, queryset, name, values):
        # Never assessed and assessed as "no information" are one category, as the pages
        # count them: either name finds both.
        values = set(values)
        condition = Q(current_status__in=values - {NO_INFORMATION})
        if values & {NO_INFORMATION, Status.NO_INFORMATION}:
            condition |= Q(current_status__isnull=True) | Q(current_status=Status.NO_INFORMATION)
        return queryset.filter(condition)

    def filter_overdue(self, queryset, name, value):
        condition = overdue_condition(self.at)
        return queryset.filter(condition if value else ~condition)

    def filter_stale(self, queryset, name, value):
        if not value:
            return queryset.exclude(pk__in=Instrument.objects.stale(at=self.at).values("pk"))
        return queryset.tracked().filter(stale_condition(self.at))

    def filter_tracked(self, queryset, name, value):
        tracked = Instrument.objects.tracked().values("pk")
        return queryset.filter(pk__in=tracked) if value else queryset.exclude(pk__in=tracked)

    def filter_search(self, queryset, name, value):
        return search_instruments(queryset, value)

    def filter_updated_since(self, queryset, name, value):
        """Business rule for incremental sync: an instrument has changed since `value` when
        it was edited, when one of its milestones (children, and their children) was, or when
        a status entry of it or of one of those milestones was published since.

        Each part is an uncorrelated subquery, a set of instrument ids read once rather than
        a probe per instrument: the entries published since are a range of the
        published-entries index (status_published_idx), and their instrument, its parent
        and its grandparent are the instruments that changed."""
        since = in_utc(value)
        published = ImplementationStatus.objects.published().filter(published_at__gte=since)
        edited = Instrument.objects.filter(updated_at__gte=since)
        condition = Q(updated_at__gte=since)
        for ancestor in ("instrument", "instrument__parent", "instrument__parent__parent"):
            condition |= Q(pk__in=ids(published, ancestor))
        for ancestor in ("parent", "parent__parent"):
            condition |= Q(pk__in=ids(edited, ancestor))
        return queryset.filter(condition)


class ClauseFilter(FilterSet):
    declaration = filters.CharFilter(field_name="declaration__slug", label="Declaration slug")
    part = filters.ChoiceFilter(choices=Part.choices)
    lead_verb = filters.CharFilter(field_name="lead_verb", lookup_expr="iexact")
    verb_class = filters.MultipleChoiceFilter(choices=VerbClass.choices, distinct=False)
    trackable = filters.BooleanFilter()
    instrument = filters.CharFilter(field_name="instruments__slug", label="Instrument slug")
    q = filters.CharFilter(field_name="text", lookup_expr="icontains", label="Search")

    class Meta:
        model = Clause
        fields = []


class DeclarationFilter(FilterSet):
    body = filters.CharFilter(lookup_expr="iexact")
    # Outside 1-9999 there is no date to compare with: a 400, not a server error.
    year = filters.NumberFilter(field_name="adopted_on__year", min_value=1, max_value=9999)
    q = filters.CharFilter(method="filter_search", label="Search")
    updated_since = InstantFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Declaration
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(meeting__icontains=value))


class StatusFilter(FilterSet):
    """Filters published status entries; `as_of` keeps what was true and known on that date."""

    instrument = filters.CharFilter(field_name="instrument__slug", label="Instrument slug")
    declaration = filters.CharFilter(method="filter_declaration", label="Declaration slug")
    party = filters.CharFilter(method="filter_party", label="Party code, or 'region'")
    status = filters.MultipleChoiceFilter(choices=Status.choices, distinct=False)
    as_of = filters.DateFilter(method="filter_as_of", label="Known on (YYYY-MM-DD)")
    updated_since = InstantFilter(field_name="published_at", lookup_expr="gte")

    class Meta:
        model = ImplementationStatus
        fields = []

    def filter_declaration(self, queryset, name, value):
        return queryset.filter(
            Exists(
                Reference.objects.filter(
                    instrument=OuterRef("instrument"), clause__declaration__slug=value
                )
            )
        )

    def filter_party(self, queryset, name, value):
        if value.lower() == "region":
            return queryset.filter(party__isnull=True)
        # The party's id from a subquery rather than a join on its code: PostgreSQL then
        # reads that party's entries in publication order from `status_party_sync_idx`.
        return queryset.filter(party=Subquery(Party.objects.filter(code=value).values("pk")[:1]))

    def filter_as_of(self, queryset, name, value):
        return queryset.known_at(value)


class PartyFilter(FilterSet):
    group = filters.CharFilter()

    class Meta:
        model = Party
        fields = []
