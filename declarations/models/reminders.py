"""What reminder was mailed to whom on which day: the guarantee that nobody gets the same
reminder twice in one day, however often the schedule (or a person) starts a run."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ReminderKind(models.TextChoices):
    OVERDUE_AND_STALE = "overdue_stale", "Overdue and stale items"


class SentReminder(models.Model):
    """One reminder mailed (or being mailed) to one user on one day. The row is written,
    and committed, before the mail goes: a second run the same day finds it and skips
    that person, so at most one reminder of a kind reaches a person a day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_reminders"
    )
    day = models.DateField()
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    party = models.ForeignKey(
        "declarations.Party", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "day", "kind"], name="sent_reminder_once_a_day"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="sent_reminder_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.user} on {self.day.isoformat()}"
