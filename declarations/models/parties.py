"""Parties (ASEAN members, Plus partners, observers) and themes."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from ..text import validate_storable_text
from .base import PartyGroup, choices_check


class Party(models.Model):
    code = models.CharField(
        max_length=8,
        unique=True,
        help_text="Short code, ISO 3166 alpha-3 for a country (MYS).",
        validators=[validate_storable_text],
    )
    name = models.CharField(max_length=100, unique=True, validators=[validate_storable_text])
    group = models.CharField(max_length=16, choices=PartyGroup.choices)
    member_since = models.DateField(
        null=True, blank=True, help_text="When the party joined its group, if that matters."
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="parties",
        help_text="Country editors who may report for this party.",
    )
    # db_default: the data migration that loads the parties writes rows without a version.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[editors])

    class Meta:
        ordering = ["group", "name"]
        verbose_name_plural = "parties"
        constraints = [choices_check("group", PartyGroup, "party_group_valid")]

    def __str__(self):
        return self.name


class Theme(models.Model):
    slug = models.SlugField(max_length=60, unique=True, validators=[validate_storable_text])
    name = models.CharField(max_length=100, unique=True, validators=[validate_storable_text])
    description = models.TextField(blank=True, validators=[validate_storable_text])
    # db_default: the data migration that loads the themes writes rows without a version.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
