"""Review of status entries: who may edit, submit, publish or reject them, and the mail
each step sends."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tracker import audit
from tracker.audit import describe

from ..text import validate_storable_text
from .base import (
    ReviewState,
)
from .statuses import can_report_for, can_review
from .versioning import save_versioned

EDITABLE_STATES = (ReviewState.DRAFT, ReviewState.REJECTED)


def may_edit_status(user, entry):
    """Whether `user` may change `entry`'s figures, note and evidence.

    Business rule: only a draft or a rejected entry is changed, and only by its author or a
    fellow country editor of its party. A reviewer never edits someone else's figures: they
    reject with a comment, or record an entry of their own. Submitted and published entries
    are changed by nobody; a correction is a new entry."""
    if entry.review_state not in EDITABLE_STATES or not user.is_active:
        return False
    if entry.recorded_by_id == user.pk:
        return True
    return not can_review(user) and can_report_for(user, entry.party)


def check_editable(entry, *, by):
    """Refuse a change to `entry` by `by` with the rule it breaks."""
    if may_edit_status(by, entry):
        return
    if entry.review_state not in EDITABLE_STATES:
        state = entry.get_review_state_display().lower()
        raise PermissionDenied(
            f"{entry.label} is {state}: nobody changes it; record a new entry instead."
        )
    raise PermissionDenied(
        f"{entry.label} is {entry.recorded_by or 'another user'}'s to change; reject it with "
        "a comment or record an entry of your own."
    )


@transaction.atomic
def submit_status(entry, *, by):
    """A draft, or a rejected entry its author has reworked, goes to the review queue; only
    its author or a reviewer may send it. The reviewers are told by mail."""
    if entry.review_state not in EDITABLE_STATES:
        state = entry.get_review_state_display().lower()
        raise ValidationError(f"Only a draft can be submitted; this entry is {state}.")
    if not (entry.recorded_by_id == by.pk or can_review(by)):
        raise PermissionDenied("Only the author or a reviewer may submit this entry.")
    entry.review_state = ReviewState.SUBMITTED
    save_versioned(entry, version=entry.version, update_fields=["review_state"])
    transaction.on_commit(lambda: mail_reviewers(entry))
    return entry


@transaction.atomic
def review_status(entry, *, by, publish, comment=""):
    """Publish or reject a submitted (or draft) entry. Published entries are final; a
    rejected one goes back to its author, who may change it and submit it again. The
    author is told by mail, with the comment."""
    if not can_review(by):
        raise PermissionDenied(f"{by.get_username()} may not review status entries.")
    if entry.review_state in (ReviewState.PUBLISHED, ReviewState.REJECTED):
        raise ValidationError(
            f"This entry is already {entry.get_review_state_display().lower()}; "
            + (
                "record a new entry to correct it."
                if entry.review_state == ReviewState.PUBLISHED
                else "its author may change it and submit it again."
            )
        )
    if not publish and not comment.strip():
        raise ValidationError({"review_comment": "Say why the entry is rejected."})
    try:
        validate_storable_text(comment)
    except ValidationError as error:
        raise ValidationError({"review_comment": error.messages}) from None
    entry.review_state = ReviewState.PUBLISHED if publish else ReviewState.REJECTED
    entry.published_at = timezone.now() if publish else None
    entry.reviewed_by = by
    entry.review_comment = comment
    # The entry as the reviewer loaded it is what gets published: a change since is a conflict.
    save_versioned(
        entry,
        version=entry.version,
        update_fields=["review_state", "published_at", "reviewed_by", "review_comment"],
    )
    audit.event_on_commit(
        "status_published" if publish else "status_rejected", user=by, object=describe(entry)
    )
    transaction.on_commit(lambda: mail_author(entry))
    return entry


# Mail: the reviewers on submission, the author on a decision -----------------------------


def entry_link(entry, view="change"):
    """The absolute address of an entry's admin page (`view`: "change" or "review")."""
    from django.urls import reverse

    path = reverse(f"admin:declarations_implementationstatus_{view}", args=[entry.pk])
    return settings.TRACKER_SITE_URL.rstrip("/") + path


def reviewers():
    """Active users who may publish entries, as the mail's recipients."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    permission = Permission.objects.get(
        content_type__app_label="declarations", codename="review_implementationstatus"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions=permission)
            | Q(groups__permissions=permission)
        )
        .exclude(email="")
        .distinct()
        .order_by("username")
    )


def mail_reviewers(entry):
    """Tell each reviewer that `entry` waits for review, with a link to its review page."""
    from django.core.mail import EmailMessage, mailers

    author = entry.recorded_by.get_username() if entry.recorded_by else "someone"
    messages = [
        EmailMessage(
            subject=f"[Declaration tracker] To review: {entry.label}",
            body=f"{author} submitted {entry.label} for review: {entry.get_status_display()}"
            + (f", {entry.progress}%" if entry.progress is not None else "")
            + f".\n\nReview it: {entry_link(entry, 'review')}\n",
            to=[user.email],
        )
        for user in reviewers()
        if user.pk != entry.recorded_by_id
    ]
    return mailers.default.send_messages(messages) if messages else 0


def mail_author(entry):
    """Tell `entry`'s author what the reviewer decided, with the comment and a link."""
    from django.core.mail import EmailMessage, mailers

    author = entry.recorded_by
    if author is None or not author.email or author.pk == entry.reviewed_by_id:
        return 0
    published = entry.review_state == ReviewState.PUBLISHED
    outcome = "published" if published else "rejected"
    lines = [f"{entry.label}: {outcome} by {entry.reviewed_by.get_username()}."]
    if entry.review_comment:
        lines += ["", f"Comment: {entry.review_comment}"]
    if not published:
        lines += ["", "It is back with you as a draft: change it and submit it again."]
    lines += ["", entry_link(entry)]
    message = EmailMessage(
        subject=f"[Declaration tracker] {entry.label}: {outcome}",
        body="\n".join(lines) + "\n",
        to=[author.email],
    )
    return mailers.default.send_messages([message])


# Evidence files: what ministries actually send (minutes, reports, spreadsheets, photos).
# Each type is recognised by its first bytes, not by its name or the browser's word for it.
