"""Races on PostgreSQL with real threads, each on its own database connection.

Per round, on one instrument and one submitted entry, at the same instant: a reviewer
publishes the entry, a second reviewer rejects it, its author edits it through the admin's
save path (save_versioned), two editors save different changes to the instrument, and two
country editors record new entries for it. Optimistic locking must let exactly one writer of
each row win, refuse every other with EditConflict, and lose nothing: the row ends up as
its winner left it. New entries are appended, never lost. Repeated ROUNDS times.

An update by the declaration importer races a staff edit of a clause it changes the same
way: one wins, the other is told, and the clause is what the winner wrote.
"""

import datetime
import threading
from collections import Counter

import pytest
from django.db import connection

from declarations.demo import SEED as SEED_PATH
from declarations.intake.importing import ImportRejected, apply_import, import_text, plan_import
from declarations.models import (
    Clause,
    EditConflict,
    ImplementationStatus,
    Instrument,
    Part,
    ReviewState,
    Status,
    record_status,
    review_status,
    save_versioned,
)
from tests.factories import make_instrument

ROUNDS = 100
IMPORT_ROUNDS = 20

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL: SQLite serialises writers on one file lock, so there is no "
        "real race to observe. Run with DATABASE_URL=postgres://...",
    ),
    # Threads see only committed rows; serialized_rollback puts the migrations' parties and
    # roles back for the tests that run after this one.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def run_together(tasks):
    """Run each (name, function) in its own thread, all released at once; returns
    {name: "won" | "conflict" | the unexpected exception}."""
    barrier = threading.Barrier(len(tasks))
    outcome = {}

    def worker(name, function):
        try:
            load = function()  # read what the user had on screen, before the race
            barrier.wait(timeout=30)
            load()
            outcome[name] = "won"
        except EditConflict:
            outcome[name] = "conflict"
        except Exception as error:  # noqa: BLE001 - reported by the test, with its type
            outcome[name] = error
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=worker, args=task) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcome


def race_tasks(entry, instrument, round_number, today, *, people):
    """The seven writers of one round, as (name, load) pairs: `load` reads what its user
    had on screen and returns the write to race."""
    editor, administrator = people["editor"], people["administrator"]
    malaysia_editor, philippines_editor = people["malaysia_editor"], people["philippines_editor"]
    malaysia, philippines = people["malaysia"], people["philippines"]

    def publish():
        seen = ImplementationStatus.objects.get(pk=entry.pk)
        return lambda: review_status(seen, by=editor, publish=True)

    def reject():
        seen = ImplementationStatus.objects.get(pk=entry.pk)
        return lambda: review_status(seen, by=administrator, publish=False, comment="No.")

    def author_edit():
        seen = ImplementationStatus.objects.get(pk=entry.pk)
        seen.note = f"Corrected in round {round_number}"
        return lambda: save_versioned(seen, version=seen.version, update_fields=["note"])

    def instrument_edit(text):
        def load():
            seen = Instrument.objects.get(pk=instrument.pk)
            seen.description = text
            return lambda: save_versioned(seen, version=seen.version)

        return load

    def record(user, party):
        def load():
            return lambda: record_status(
                instrument=instrument, party=party, status=Status.IN_PROGRESS,
                as_of=today, by=user, state=ReviewState.SUBMITTED,
            )  # fmt: skip

        return load

    return [
        ("publish", publish),
        ("reject", reject),
        ("author edit", author_edit),
        ("instrument edit A", instrument_edit(f"A{round_number}")),
        ("instrument edit B", instrument_edit(f"B{round_number}")),
        ("record MYS", record(malaysia_editor, malaysia)),
        ("record PHL", record(philippines_editor, philippines)),
    ]


def test_concurrent_reviews_edits_and_recordings_lose_nothing_and_report_every_conflict(
    editor, administrator, malaysia_editor, philippines_editor, malaysia, philippines
):
    instrument = make_instrument(slug="raced", name="Raced instrument")
    today = datetime.date.today()
    tally = Counter()
    people = {
        "editor": editor,
        "administrator": administrator,
        "malaysia_editor": malaysia_editor,
        "philippines_editor": philippines_editor,
        "malaysia": malaysia,
        "philippines": philippines,
    }
    for round_number in range(ROUNDS):
        entry = record_status(
            instrument=instrument, party=malaysia, status=Status.PLANNED, as_of=today,
            by=malaysia_editor, state=ReviewState.SUBMITTED,
        )  # fmt: skip
        entries_before = ImplementationStatus.objects.filter(instrument=instrument).count()
        instrument_version = Instrument.objects.get(pk=instrument.pk).version

        outcome = run_together(race_tasks(entry, instrument, round_number, today, people=people))
        unexpected = {k: v for k, v in outcome.items() if v not in ("won", "conflict")}
        assert not unexpected, f"round {round_number}: {unexpected}"

        # The entry: exactly one of the three writers won, the others were told.
        entry_writers = ["publish", "reject", "author edit"]
        winners = [name for name in entry_writers if outcome[name] == "won"]
        assert len(winners) == 1, (round_number, outcome)
        assert [outcome[n] for n in entry_writers].count("conflict") == 2
        stored = ImplementationStatus.objects.get(pk=entry.pk)
        assert stored.version == entry.version + 1
        expected_state = {
            "publish": ReviewState.PUBLISHED,
            "reject": ReviewState.REJECTED,
            "author edit": ReviewState.SUBMITTED,
        }[winners[0]]
        assert stored.review_state == expected_state, (round_number, winners)
        if winners[0] == "author edit":
            assert stored.note == f"Corrected in round {round_number}"
        else:
            assert stored.note == ""
            assert stored.reviewed_by == (editor if winners[0] == "publish" else administrator)

        # The instrument: one edit won and is what is stored.
        edits = ["instrument edit A", "instrument edit B"]
        [edit_winner] = [name for name in edits if outcome[name] == "won"]
        stored_instrument = Instrument.objects.get(pk=instrument.pk)
        assert stored_instrument.description == f"{edit_winner[-1]}{round_number}"
        assert stored_instrument.version == instrument_version + 1

        # New entries are appended, both of them.
        assert outcome["record MYS"] == outcome["record PHL"] == "won"
        count = ImplementationStatus.objects.filter(instrument=instrument).count()
        assert count == entries_before + 2

        tally[winners[0]] += 1
        tally["conflicts reported"] += sum(1 for v in outcome.values() if v == "conflict")

    # Every round had exactly three conflicts (two on the entry, one on the instrument).
    assert tally["conflicts reported"] == 3 * ROUNDS
    print(f"\n{ROUNDS} rounds; entry won by: {dict(tally)}")


def test_an_import_update_racing_a_clause_edit_one_wins_and_the_other_is_told():
    seed = SEED_PATH.read_text(encoding="utf-8")
    declaration = import_text(seed).declaration
    clause_pk = declaration.clauses.get(part=Part.OPERATIVE, number=2).pk
    winners = Counter()
    for round_number in range(IMPORT_ROUNDS):
        text = seed.replace("INTENSIFY efforts", f"INTENSIFY (round {round_number}) efforts")

        def importer(text=text):
            plan = plan_import(text)  # the preview, before the race

            def apply():
                try:
                    apply_import(plan, update=True)
                except ImportRejected as rejected:
                    raise EditConflict(str(rejected)) from None

            return apply

        def staff_edit(round_number=round_number):
            seen = Clause.objects.get(pk=clause_pk)
            seen.text = f"INTENSIFY efforts, staff wording {round_number}."
            return lambda: save_versioned(seen, version=seen.version)

        outcome = run_together([("import", importer), ("staff", staff_edit)])
        assert sorted(map(str, outcome.values())) == ["conflict", "won"], outcome
        stored = Clause.objects.get(pk=clause_pk).text
        if outcome["import"] == "won":
            assert stored.startswith(f"INTENSIFY (round {round_number}) efforts")
        else:
            assert stored == f"INTENSIFY efforts, staff wording {round_number}."
        winners[next(name for name, result in outcome.items() if result == "won")] += 1
    print(f"\n{IMPORT_ROUNDS} rounds; won by: {dict(winners)}")
