import io

import pytest
from django.core.management import CommandError, call_command

from declarations.models import (
    Clause,
    Declaration,
    Evidence,
    ImplementationStatus,
    Instrument,
    Reference,
)

pytestmark = pytest.mark.django_db


def generate(*args):
    call_command("generate_synthetic", *args, stdout=io.StringIO())


def snapshot():
    return (
        list(Declaration.objects.values_list("slug", "body", "adopted_on")),
        list(Clause.objects.values_list("declaration__slug", "part", "number", "lead_verb")),
        list(Instrument.objects.values_list("slug", "kind", "parent__slug", "due_on")),
        sorted(Reference.objects.values_list("clause__text", "instrument__slug", "relation")),
        list(
            ImplementationStatus.objects.order_by(
                "as_of", "instrument__slug", "status"
            ).values_list(
                "instrument__slug", "party__code", "status", "progress", "as_of", "review_state"
            )
        ),
        sorted(Evidence.objects.values_list("status__as_of", "title", "kind")),
    )


def test_it_writes_the_numbers_asked_for():
    generate("--declarations", "3", "--instruments", "40", "--statuses", "500")
    assert Declaration.objects.count() == 3
    assert Instrument.objects.count() == 40
    assert Instrument.objects.filter(parent__isnull=False).count() == 10
    assert ImplementationStatus.objects.count() == 500
    assert Clause.objects.filter(part="operative").count() >= 3 * 20
    published = ImplementationStatus.objects.published().count()
    assert 400 < published < 500
    # About a quarter of the published entries cite evidence; unpublished ones never do.
    documented = ImplementationStatus.objects.filter(evidence__isnull=False).distinct()
    assert 0.15 * published < documented.count() < 0.35 * published
    assert not documented.exclude(review_state="published").exists()


def test_the_same_seed_gives_the_same_rows_and_another_seed_does_not():
    generate("--declarations", "2", "--instruments", "20", "--statuses", "200", "--seed", "7")
    first = snapshot()
    generate("--declarations", "2", "--instruments", "20", "--statuses", "200", "--seed", "7",
             "--replace")  # fmt: skip
    assert snapshot() == first
    generate("--declarations", "2", "--instruments", "20", "--statuses", "200", "--seed", "8",
             "--replace")  # fmt: skip
    assert snapshot()[4] != first[4]


def test_instruments_are_cited_across_years():
    generate("--declarations", "6", "--instruments", "40", "--statuses", "10")
    cited_in_several = [
        instrument
        for instrument in Instrument.objects.filter(parent__isnull=True)
        if instrument.references.values("clause__declaration").distinct().count() > 1
    ]
    assert cited_in_several


def test_it_refuses_to_run_twice_without_replace():
    generate("--declarations", "1", "--instruments", "4", "--statuses", "10")
    with pytest.raises(CommandError, match="--replace"):
        generate("--declarations", "1", "--instruments", "4", "--statuses", "10")
