"""Small explicit builders for test data. Each returns a saved object."""

import datetime
import itertools

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython

from declarations.models import (
    Clause,
    Declaration,
    ImplementationStatus,
    Instrument,
    Part,
    Reference,
    Relation,
    ReviewState,
    Status,
    VerbClass,
)

_sequence = itertools.count(1)


def make_declaration(**fields):
    n = next(_sequence)
    defaults = {
        "slug": f"admm-{2000 + n}-test",
        "title": f"Test Joint Declaration {n}",
        "body": "ADMM",
        "meeting": f"{n}th ADMM",
        "place": "Kuala Lumpur, Malaysia",
        "adopted_on": datetime.date(2025, 10, 31),
    }
    return Declaration.objects.create(**(defaults | fields))


def make_clause(declaration=None, **fields):
    declaration = declaration or make_declaration()
    defaults = {
        "part": Part.OPERATIVE,
        "number": declaration.clauses.filter(part=fields.get("part", Part.OPERATIVE)).count() + 1,
        "lead_word": "ADOPT",
        "lead_verb": "ADOPT",
        "verb_class": VerbClass.ADOPTS,
        "text": "ADOPT the Concept Paper on a test subject.",
        "trackable": True,
    }
    return Clause.objects.create(declaration=declaration, **(defaults | fields))


def make_instrument(clause=None, relation=Relation.ADOPTS, **fields):
    n = next(_sequence)
    defaults = {
        "slug": f"instrument-{n}",
        "name": f"Concept Paper number {n}",
        "kind": "concept_paper",
    }
    instrument = Instrument.objects.create(**(defaults | fields))
    if clause is not None:
        Reference.objects.create(clause=clause, instrument=instrument, relation=relation)
    return instrument


def make_status(
    instrument,
    *,
    party=None,
    status=Status.IN_PROGRESS,
    as_of,
    published=True,
    published_at=None,
    **fields,
):
    if published:
        fields.setdefault("review_state", ReviewState.PUBLISHED)
        # Published at midday on the date it describes, unless a test says otherwise.
        published_at = published_at or datetime.datetime.combine(
            as_of, datetime.time(12), tzinfo=datetime.UTC
        )
    return ImplementationStatus.objects.create(
        instrument=instrument,
        party=party,
        status=status,
        as_of=as_of,
        published_at=published_at if published else None,
        **fields,
    )


def rerun_data_migrations():
    """Parties, themes and roles as `migrate` made them: a transactional test's flush
    empties every table, data migrations included."""
    loader = MigrationLoader(connection)
    for key in loader.graph.forwards_plan(loader.graph.leaf_nodes("declarations")[0]):
        if key[0] != "declarations":
            continue
        state = loader.project_state(key, at_end=False)
        for operation in loader.graph.nodes[key].operations:
            if isinstance(operation, RunPython):
                operation.code(state.apps, None)
            operation.state_forwards(key[0], state)
