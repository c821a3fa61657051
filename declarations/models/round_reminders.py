"""A reporting round's reminders: on the days before and after its due date, the editors of
each party with open requests are mailed what their party still owes, with a link to each
request's form."""

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.urls import reverse

from .base import day_text


def reminder_due(round_, today):
    """Whether `today` is one of the days reminders go out for `round_`: the days before
    its due date (positive) and after it (negative) in TRACKER_ROUND_REMINDER_DAYS."""
    return round_.is_open and (round_.due_on - today).days in settings.TRACKER_ROUND_REMINDER_DAYS


def remind_round(round_, *, today, base_url=""):
    """Email the editors of each party with open requests in `round_` the list of what
    they still owe, with a link to each request's form. Returns the number of mails sent.

    The send_reminders command calls it for each round whose reminder day `today` is
    (`reminder_due`); the round page's "Send reminders" calls it at once."""
    owed = list(
        round_.requests.unanswered()
        .filter(party__isnull=False)
        .select_related("instrument", "party")
        .order_by("party__name", "instrument__name")
    )
    by_party = {}
    for request in owed:
        by_party.setdefault(request.party, []).append(request)
    base_url = base_url.rstrip("/")
    if round_.due_on >= today:
        when = f"due on {day_text(round_.due_on)}"
    else:
        when = f"overdue since {day_text(round_.due_on)}"
    messages = []
    for party, requests in by_party.items():
        editors = party.editors.filter(is_active=True).exclude(email="").order_by("username")
        lines = [
            f"{party.name} has {len(requests)} open request{'s' if len(requests) != 1 else ''} "
            f"in “{round_.name}”, {when}:",
            "",
        ]
        for request in requests:
            link = base_url + reverse("admin:declarations_reportinground_record", args=[request.pk])
            lines.append(f"- {request.instrument}\n    {link}")
        lines += ["", f"The round reports progress as of {day_text(round_.reports_as_of)}."]
        for editor in editors:
            messages.append(
                EmailMessage(
                    subject=f"[Declaration tracker] {round_.name}: {len(requests)} open "
                    f"request{'s' if len(requests) != 1 else ''} for {party.name}, {when}",
                    body=f"Dear {editor.get_full_name() or editor.get_username()},\n\n"
                    + "\n".join(lines),
                    to=[editor.email],
                )
            )
    return mailers.default.send_messages(messages) if messages else 0
