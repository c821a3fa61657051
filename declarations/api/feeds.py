"""Atom feeds of published status changes, for everything and per declaration.

Served through api.py, so the API's authentication, public-access setting and throttling
apply to them too. Drafts, submitted and rejected entries never appear. Every text goes out
`storable` (declarations.text): a row stored before the rule, or by direct SQL, with a
character XML cannot carry would otherwise break the feed for every reader.
"""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from ..filters import StatusFilter
from ..models import Declaration, ImplementationStatus
from ..text import storable

FEED_LENGTH = 50


def published_entries():
    """Newest publications first: a feed shows what changed most recently."""
    return (
        ImplementationStatus.objects.published()
        .select_related("instrument", "party")
        .order_by("-published_at", "-pk")
    )


def _storable(value):
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, list | tuple):
        return [_storable(item) for item in value]
    return value


class StorableAtomFeed(Atom1Feed):
    """An Atom feed whose every text, element or attribute, holds only what XML 1.0 can
    carry: Django's XML writer raises on a control character, and writes a noncharacter
    as it is, which no reader can parse."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.feed = {key: _storable(value) for key, value in self.feed.items()}

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **kwargs)
        self.items[-1] = {key: _storable(value) for key, value in self.items[-1].items()}


class StatusFeed(Feed):
    feed_type = StorableAtomFeed
    title = "Declaration tracker: published status changes"
    subtitle = "Each entry is one published assessment of an instrument or milestone."

    def link(self):
        return reverse("api:status-list")

    def items(self):
        return published_entries()[:FEED_LENGTH]

    def item_title(self, entry):
        who = entry.party_label
        return f"{entry.instrument}: {entry.get_status_display()} ({who})"

    def item_description(self, entry):
        parts = [f"As of {entry.as_of.isoformat()}: {entry.get_status_display()}"]
        if entry.progress is not None:
            parts.append(f"{entry.progress}% complete")
        text = ", ".join(parts) + "."
        return f"{text} {entry.note}".strip()

    def item_link(self, entry):
        return reverse("api:status-detail", args=[entry.pk])

    def item_pubdate(self, entry):
        return entry.published_at

    def item_updateddate(self, entry):
        # Published entries are never edited, so publication is also the last update.
        return entry.published_at

    def item_categories(self, entry):
        return [entry.status]


class DeclarationStatusFeed(StatusFeed):
    """Status changes of the instruments that the declaration's clauses cite."""

    def get_object(self, request, slug):
        return get_object_or_404(Declaration, slug=slug)

    def title(self, declaration):
        return f"Status changes: {declaration.title}"

    def link(self, declaration):
        return reverse("api:declaration-detail", args=[declaration.slug])

    def items(self, declaration):
        # The same "cited by this declaration" rule as the API's ?declaration= filter.
        chosen = StatusFilter({"declaration": declaration.slug}, queryset=published_entries())
        return chosen.qs[:FEED_LENGTH]
