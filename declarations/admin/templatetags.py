"""Template tags of the admin's own pages: the home page's worklist and review queue."""

from django import template

from ..models import ImplementationStatus, ReviewState, RoundRequest, can_review

register = template.Library()

# Rows of the worklist on the admin home; the rest are counted, and listed by party below.
WORKLIST_ROWS = 50


@register.simple_tag
def work_for(user):
    """What the admin home shows `user`: the open requests they owe (count, earliest due
    date, the first rows with their last reported status) and, for reviewers, the number
    of entries awaiting review. A fixed number of queries, whatever the counts."""
    if not user.has_perm("declarations.add_implementationstatus"):
        return {}
    owed = RoundRequest.objects.owed_by(user)
    rows = list(
        owed.with_worklist_details()
        .select_related("instrument", "party", "round")
        .order_by("round__due_on", "instrument__name", "party__name", "pk")[:WORKLIST_ROWS]
    )
    work = {"rows": rows, "count": len(rows), "due": rows[0].round.due_on if rows else None}
    if len(rows) == WORKLIST_ROWS:
        work["count"] = owed.count()
    if can_review(user):
        work["review_count"] = ImplementationStatus.objects.filter(
            review_state=ReviewState.SUBMITTED
        ).count()
    return work


@register.filter
def badge(status):
    """A status as the admin's coloured badge ("No information" when none)."""
    from .base import status_badge

    return status_badge(status)
