"""The status import's row reader (`status_rows.RowReader`): converters built once per
file that accept only what the row form accepts, so that each refusal is still worded by
the form, and whose rows pass the entry's and the evidence's own field validation, which
the bulk write no longer runs per row."""

import datetime

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from declarations.intake import spreadsheets, status_import
from declarations.intake.status_import import COLUMNS, StatusRowForm, validate
from declarations.intake.status_rows import RowReader
from declarations.models import Party, RecordingRules, ReviewState, Status, build_entry
from tests.test_status_import import TODAY, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def acdn():
    from tests.factories import make_instrument

    return make_instrument(slug="acdn", name="ACDN Guidelines and Roadmap", acronym="ACDN")


def problems(user, *rows, state=ReviewState.SUBMITTED):
    table = [list(COLUMNS), *rows]
    return [str(error) for error in validate(table, user=user, state=state).errors]


# Each refusal in the words the preview has always used ------------------------------------


def test_a_bad_date_is_named(editor, acdn):
    assert problems(editor, row(as_of="2026-02-30"), row(as_of="1/2/2026")) == [
        "Row 2, column as_of: “2026-02-30” is not a date written YYYY-MM-DD.",
        "Row 3, column as_of: “1/2/2026” is not a date written YYYY-MM-DD.",
    ]


def test_a_progress_over_100_or_not_whole_is_named(editor, acdn):
    assert problems(editor, row(progress="101"), row(progress="-1"), row(progress="7.5")) == [
        "Row 2, column progress: 101 is not between 0 and 100.",
        "Row 3, column progress: -1 is not between 0 and 100.",
        "Row 4, column progress: “7.5” is not a whole number.",
    ]


def test_an_unknown_status_is_named(editor, acdn):
    assert problems(editor, row(status="done"), row(status="")) == [
        f"Row 2, column status: “done” is not a status; use one of {', '.join(Status.values)}.",
        f"Row 3, column status: “” is not a status; use one of {', '.join(Status.values)}.",
    ]


def test_an_unknown_party_and_a_missing_instrument_are_named(editor, acdn):
    assert problems(editor, row(party="ZZ"), row(instrument="")) == [
        "Row 2, column party: no party has the code “ZZ”.",
        "Row 3, column instrument: empty; give the instrument's slug.",
    ]


def test_a_party_outside_the_editors_scope_is_named(malaysia_editor, acdn):
    assert problems(malaysia_editor, row(party="mys"), row(party="PHL"), row(party="")) == [
        "Row 3, column party: you may not record status for Philippines. "
        "You report for Malaysia only.",
        "Row 4, column party: you may not record status for the region as a whole. "
        "You report for Malaysia only.",
    ]


def test_control_characters_in_a_note_are_named(editor, acdn):
    assert problems(editor, row(note="Done\x0bnext\x0clast"), row(note="a\x00b")) == [
        "Row 2, column note: Remove the control character U+000B (vertical tab, which Word "
        "writes for a line break) at character 5, and 1 more such character.",
        "Row 3, column note: Remove the control character U+0000 (null) at character 2.",
        "Row 3, column note: Null characters are not allowed.",
    ]


def test_a_too_long_address_is_named_and_a_long_title_is_cut(editor, acdn):
    long_url = "https://example.org/" + "a" * 490
    assert problems(editor, row(evidence_url=long_url)) == [
        "Row 2, column evidence_url: a web address is longer than 500 characters."
    ]
    table = [list(COLUMNS), row(evidence_url="https://example.org/a", evidence_title="t" * 300)]
    [checked] = validate(table, user=editor).rows
    assert checked.evidence == [
        {"title": "t" * 200, "url": "https://example.org/a", "kind": "other"}
    ]


def test_every_problem_of_a_row_is_named_by_column_in_the_forms_order(editor, acdn):
    bad = row(instrument="nope", party="ZZ", status="x", progress="y", as_of="z")
    bad[COLUMNS.index("evidence_url")] = "ftp://example.org/f https://example.org/ok"
    assert [p.split(":")[0] for p in problems(editor, bad)] == [
        "Row 2, column instrument",
        "Row 2, column party",
        "Row 2, column status",
        "Row 2, column progress",
        "Row 2, column as_of",
        "Row 2, column evidence_url",
    ]


def test_the_check_builds_entries_only_for_the_rows_the_preview_shows(editor, acdn, monkeypatch):
    built = []
    real = status_import.build_entry
    monkeypatch.setattr(
        status_import, "build_entry", lambda *a, **kw: built.append(1) or real(*a, **kw)
    )
    preview = validate([list(COLUMNS), *[row() for _ in range(250)]], user=editor)
    assert preview.ok and preview.count == 250
    assert len(built) == len(preview.rows) == status_import.SAMPLE_ROWS


# What the reader accepts, the form accepts as the same fields, and the models too ------

CELLS = {
    "instrument": ["acdn", "ACDN", "", "acdn\x0b", "other"],
    "party": ["", "MYS", "mys", "PHL", "ZZ", " ", "M\x00"],
    "status": [*Status.values[:3], "IN_PROGRESS", "done", ""],
    "progress": ["", "0", "100", "101", "-3", "+5", "٤٢", "1_0", "2.0", "x"],
    "as_of": [TODAY.isoformat(), "2026-02-30", "20260101", "2026-W01-1", "", "2099-01-01"],
    "evidence_url": [
        "https://example.org/a",
        "",
        "https://example.org/a",
        "http://example.org/a https://example.org/b",
        "ftp://example.org/f",
        "https://example.org/" + "a" * 490,
        "https://exa mple.org",
        "https://[::1]:8000/x",
    ],
}
odd_text = st.text(st.characters(codec="utf-8") | st.sampled_from("\x00\x0b\x7f\ud800|"))
plain_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Cn"]))


def mostly(common, rare):
    """`common` nine times in ten, else `rare`: so that many rows pass and are compared."""
    return st.integers(0, 9).flatmap(lambda n: rare if n == 0 else common)


cells = st.fixed_dictionaries(
    {
        # The first listed cell is a good one.
        **{
            name: mostly(st.sampled_from([values[0]] * 9 + values), odd_text)
            for name, values in CELLS.items()
        },
        "note": mostly(plain_text, odd_text),
        "evidence_title": mostly(plain_text, odd_text),
    }
)


@given(values=cells)
@hypothesis_settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_what_the_reader_accepts_the_form_and_the_models_accept_alike(values, editor, acdn):
    instruments = {"acdn": acdn}
    parties = {party.code.upper(): party for party in Party.objects.all()}
    names = list(COLUMNS)
    record = [values.get(name, "") for name in names]
    fields = RowReader(names, instruments=instruments, parties=parties).read(record)
    form = StatusRowForm(None, instruments=instruments, parties=parties)
    if fields is None:
        return  # the form reads the row and names its problems
    assert form.read(dict(zip(names, record, strict=True))), form.errors
    assert fields == form.entry_fields()
    entry, links = build_entry(RecordingRules(editor), **fields, state=ReviewState.SUBMITTED)
    entry.full_clean(validate_constraints=False)
    for link in links:
        link.full_clean(exclude=["status"], validate_constraints=False)


def test_a_short_row_and_a_row_with_a_stray_cell_are_read_like_any_other(editor, acdn):
    # A spreadsheet drops a row's empty trailing cells; a stray cell past the header is
    # not a column.
    short = row(progress="")[: COLUMNS.index("note")]
    long = [*row(), "stray"]
    preview = validate([list(COLUMNS), short, long], user=editor)
    assert preview.ok and [r.fields["note"] for r in preview.rows] == ["", "Imported"]
    assert preview.rows[0].fields["as_of"] == datetime.date.fromisoformat(short[5])


def test_a_csv_file_is_read_again_each_time_its_rows_are_gone_through():
    data = '\ufeffinstrument,party\r\nacdn, MYS \r\n\r\n\'=1+1,"two\nlines"\n'.encode()
    table = spreadsheets.read_csv(data)
    rows = [["instrument", "party"], ["acdn", "MYS"], [], ["=1+1", "two\nlines"]]
    assert list(table) == rows and list(table) == rows  # each pass parses the bytes
    assert len(table) == 4
    assert (table[0], table[-1], table[1:3]) == (rows[0], rows[3], rows[1:3])
    with pytest.raises(IndexError):
        table[4]
