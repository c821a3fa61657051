"""Declarations, their clauses, and the references by which a clause adopts, welcomes or
cites an instrument."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ..text import validate_storable_text
from .base import Part, Relation, VerbClass, choices_check


class Declaration(models.Model):
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="Stable identifier, e.g. admm-2025-kuala-lumpur.",
        validators=[validate_storable_text],
    )
    title = models.CharField(max_length=300, validators=[validate_storable_text])
    body = models.CharField(
        max_length=60,
        help_text="The adopting body: ADMM, ADMM-Plus, ASEAN Summit, ...",
        validators=[validate_storable_text],
    )
    meeting = models.CharField(
        max_length=100, blank=True, help_text="e.g. 19th ADMM", validators=[validate_storable_text]
    )
    place = models.CharField(max_length=120, blank=True, validators=[validate_storable_text])
    adopted_on = models.DateField()
    source_url = models.URLField(
        max_length=500,
        blank=True,
        help_text="Where the text is published.",
        validators=[validate_storable_text],
    )
    language = models.CharField(max_length=8, default="en", validators=[validate_storable_text])
    text = models.TextField(
        blank=True,
        help_text="The full original text as imported.",
        validators=[validate_storable_text],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["text", "updated_at"])

    class Meta:
        ordering = ["-adopted_on", "title"]
        indexes = [
            # The dashboard and the API list declarations newest first.
            models.Index(fields=["-adopted_on"], name="declaration_adopted_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("admin:declarations_declaration_change", args=[self.pk])


# What a trackable clause must do to an instrument to make it work to follow. A clause that
# only cites, notes or reaffirms something (UNCLOS, the confidence-building measures it
# commends) creates no work for this declaration.
TRACKED_RELATIONS = (
    Relation.ADOPTS,
    Relation.APPROVES,
    Relation.WELCOMES,
    Relation.ENCOURAGES,
    Relation.LOOKS_FORWARD,
)


def tracking_lookups(prefix=""):
    """The lookups on a Reference (reached through `prefix`) that make it tracked."""
    return {f"{prefix}clause__trackable": True, f"{prefix}relation__in": TRACKED_RELATIONS}


def tracking(prefix=""):
    """The condition on a Reference (reached through `prefix`) that makes it tracked."""
    return Q(**tracking_lookups(prefix))


class Clause(models.Model):
    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="clauses")
    part = models.CharField(max_length=10, choices=Part.choices)
    number = models.PositiveSmallIntegerField(help_text="Position within its part, from 1.")
    printed_number = models.CharField(
        max_length=10,
        blank=True,
        help_text=(
            'The paragraph\'s number as printed in the text ("7" for "7. Decides ..."); '
            "empty when the text does not number it. The position above is the anchor."
        ),
        validators=[validate_storable_text],
    )
    lead_word = models.CharField(
        max_length=60, help_text="The lead word as written.", validators=[validate_storable_text]
    )
    lead_verb = models.CharField(
        max_length=60,
        help_text="The lead word normalised: typos fixed, upper case.",
        validators=[validate_storable_text],
    )
    verb_class = models.CharField(max_length=12, choices=VerbClass.choices)
    text = models.TextField(validators=[validate_storable_text])
    trackable = models.BooleanField(
        default=False, help_text="Whether the clause creates work to follow up."
    )
    instruments = models.ManyToManyField("Instrument", through="Reference", related_name="clauses")
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        # "-part" puts "preamble" before "operative".
        ordering = ["declaration", "-part", "number"]
        constraints = [
            choices_check("part", Part, "clause_part_valid"),
            choices_check("verb_class", VerbClass, "clause_verb_class_valid"),
            models.UniqueConstraint(
                fields=["declaration", "part", "number"], name="clause_unique_number"
            ),
        ]

    def __str__(self):
        return f"{self.declaration.slug} {self.anchor}"

    @property
    def anchor(self):
        return f"{'pre' if self.part == Part.PREAMBLE else 'op'}-{self.number}"

    @property
    def label(self):
        """The anchor, and the number printed in the text when it has one: "op-3 (no. 7)"."""
        return f"{self.anchor} (no. {self.printed_number})" if self.printed_number else self.anchor


class Reference(models.Model):
    """A clause's mention of an instrument, with what the clause does to it."""

    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="references")
    instrument = models.ForeignKey(
        "Instrument", on_delete=models.PROTECT, related_name="references"
    )
    relation = models.CharField(max_length=16, choices=Relation.choices)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["clause", "instrument"]
        constraints = [
            choices_check("relation", Relation, "reference_relation_valid"),
            models.UniqueConstraint(
                fields=["clause", "instrument", "relation"], name="reference_unique"
            ),
        ]

    def __str__(self):
        return f"{self.clause} {self.get_relation_display()} {self.instrument}"

    @property
    def is_tracked(self):
        """Python twin of `tracking()` for a reference whose clause is loaded."""
        return self.clause.trackable and self.relation in TRACKED_RELATIONS
