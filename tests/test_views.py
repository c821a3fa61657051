import csv
import datetime
import io
import re
from collections import Counter

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from declarations.models import (
    Evidence,
    Instrument,
    Party,
    Reference,
    Relation,
    Status,
    Theme,
    VerbClass,
    milestone_progress,
    tracking,
)
from declarations.reports.views.base import DASHBOARD_ROWS
from tests.factories import make_clause, make_declaration, make_instrument, make_status
from tests.samples import SAMPLE_DAY, SEED_SLUG, seed_with_sample_statuses

pytestmark = pytest.mark.django_db

D = datetime.date


def test_the_home_page_explains_the_app_and_links_the_admin(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Declaration tracker" in response.content
    assert b'href="/admin/"' in response.content


def test_the_home_page_links_the_reports_for_anonymous_visitors(client):
    response = client.get("/")
    assert b'href="/reports/"' in response.content


def test_the_home_page_sends_signed_in_readers_to_the_reports(client, manager):
    client.force_login(manager)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/reports/"


# Helpers


def main(response):
    """The page's <main> element: what a report shows, without per-request tokens."""
    assert response.status_code == 200, response.content[:500]
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def csv_rows(response):
    """The rows of a download's report tables, after its summary block; a download with one
    report table gives that table's header and rows."""
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Summary"]
    rest = rows[rows.index([]) + 1 :]
    return rest if [] in rest else rest[1:]


def counted(declaration, at):
    """What a scorecard should count, straight from the QuerySet methods."""
    instruments = (
        Instrument.objects.with_current_status(at=at)
        .filter(tracking("references__"), references__clause__declaration=declaration)
        .distinct()
    )
    return Counter(i.current_status or Status.NO_INFORMATION for i in instruments)


def small_world():
    """A declaration citing one instrument with a milestone and a status: enough to open
    every report."""
    declaration = make_declaration(slug="admm-2025-test", adopted_on=D(2025, 10, 31))
    clause = make_clause(declaration)
    instrument = make_instrument(clause, slug="acdn", name="ASEAN Cyber Defence Network")
    make_instrument(slug="acdn-phase-1", name="Phase 1", parent=instrument, kind="milestone")
    make_status(instrument, as_of=D(2026, 1, 10))
    return declaration, instrument


REPORTS = [
    "/reports/",
    "/reports/declarations/admm-2025-test/",
    "/reports/instruments/acdn/",
    "/reports/countries/",
    "/reports/overdue/",
    "/reports/stale/",
    "/reports/changes/",
    "/reports/search/?q=cyber",
]


# Who may read the reports


@pytest.mark.parametrize("url", REPORTS)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    small_world()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/reports/")


@pytest.mark.parametrize("persona", ["manager", "editor", "administrator", "malaysia_editor"])
def test_managers_editors_administrators_and_country_editors_read_the_reports(
    client, request, persona
):
    small_world()
    client.force_login(request.getfixturevalue(persona))
    for url in REPORTS:
        assert client.get(url).status_code == 200, url


def test_a_signed_in_user_without_the_view_permission_is_refused(client, django_user_model):
    small_world()
    client.force_login(django_user_model.objects.create_user("nobody", password="x" * 16))
    assert client.get("/reports/").status_code == 403


@pytest.mark.parametrize("url", REPORTS)
def test_the_public_reports_setting_opens_the_reports_to_anonymous_visitors(client, settings, url):
    settings.TRACKER_PUBLIC_REPORTS = True
    small_world()
    assert client.get(url).status_code == 200


# Pages with nothing in the database


@pytest.mark.parametrize(
    "url",
    [
        "/reports/",
        "/reports/countries/",
        "/reports/overdue/",
        "/reports/stale/",
        "/reports/changes/",
        "/reports/search/",
        "/reports/search/?q=anything",
    ],
)
@pytest.mark.parametrize("fmt", ["html", "csv", "xlsx"])
def test_every_report_works_on_an_empty_database(client, manager, url, fmt):
    client.force_login(manager)
    separator = "&" if "?" in url else "?"
    response = client.get(f"{url}{separator}format={fmt}")
    assert response.status_code == 200


def test_unknown_declarations_and_instruments_are_not_found(client, manager):
    client.force_login(manager)
    assert client.get("/reports/declarations/nothing/").status_code == 404
    assert client.get("/reports/instruments/nothing/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/reports/?as_of=31-12-2025",
        "/reports/declarations/admm-2025-test/?as_of=yesterday",
        "/reports/changes/?from=2026-02-01&to=2026-01-01",
        "/reports/countries/?format=docx",
        "/reports/?as_of=0001-01-01",
        "/reports/instruments/acdn/?as_of=9999-12-31",
        "/reports/changes/?to=0001-01-01",
    ],
)
def test_bad_parameters_are_a_bad_request(client, manager, url):
    small_world()
    client.force_login(manager)
    assert client.get(url).status_code == 400


# The numbers agree with the QuerySet methods, on the seed with sample statuses


def test_the_dashboard_counts_a_long_list_in_full_and_shows_its_first_rows(
    client, manager, malaysia
):
    clause = make_clause()
    for n in range(DASHBOARD_ROWS + 3):
        late = make_instrument(clause, name=f"Late {n:02}", due_on=D(2026, 1, 1))
        # Lead party and reporter at once: the party filter must still count it once.
        late.lead_parties.add(malaysia)
        make_status(late, party=malaysia, as_of=D(2025, 1, 1))
    client.force_login(manager)

    for query in ("", "&party=MYS"):
        response = client.get(f"/reports/?as_of=2026-06-30{query}")
        overdue = response.context["tables"][2]
        assert response.context["overdue_count"] == DASHBOARD_ROWS + 3
        assert response.context["stale_count"] == DASHBOARD_ROWS + 3
        assert [i.name for i in overdue.rows] == [f"Late {n:02}" for n in range(DASHBOARD_ROWS)]


def test_never_assessed_and_no_information_are_one_row_on_the_dashboard(client, manager):
    declaration = make_declaration(slug="one-category")
    make_instrument(make_clause(declaration), slug="never-assessed")
    said = make_instrument(make_clause(declaration), slug="said-nothing")
    make_status(said, status=Status.NO_INFORMATION, as_of=D(2026, 1, 1))
    client.force_login(manager)

    context = client.get("/reports/?as_of=2026-06-30").context
    assert context["overall"].counts == {Status.NO_INFORMATION: 2}
    assert [row[1] for row in context["tables"][0].rows] == [2]
    text = b"".join(client.get("/reports/?as_of=2026-06-30&format=csv").streaming_content)
    lines = text.decode("utf-8-sig").splitlines()
    rows = [line for line in lines if line.startswith("No information,")]
    assert rows == ["No information,2,100"]


def test_the_dashboard_counts_equal_the_queryset_methods_for_the_seed(client, manager):
    declaration = seed_with_sample_statuses()
    client.force_login(manager)

    response = client.get(f"/reports/?as_of={SAMPLE_DAY}")

    # The headline counts the instruments a trackable clause cites, each once; milestones
    # give their instrument its per cent complete and are not counted on their own.
    tracked = Instrument.objects.tracked().cited().with_current_status(at=SAMPLE_DAY)
    expected = Counter(i.current_status or Status.NO_INFORMATION for i in tracked)
    overall = response.context["overall"]
    assert overall.counts == expected
    assert overall.total == Instrument.objects.tracked().cited().count()
    assert response.context["overdue_count"] == Instrument.objects.overdue(at=SAMPLE_DAY).count()
    assert response.context["stale_count"] == Instrument.objects.stale(at=SAMPLE_DAY).count()
    row = next(d for d in response.context["tables"][1].rows if d.pk == declaration.pk)
    assert row.rollup.counts == counted(declaration, SAMPLE_DAY)
    # The sample: ACDN phase 2 and the ADSARX final planning conference are late.
    assert response.context["overdue_count"] == 2
    html = main(response)
    assert f'<span class="tile-figure">{overall.total}</span>' in html
    assert "ACDN phase 2: information-sharing platform" in html


def test_the_scorecard_counts_equal_the_queryset_methods_for_the_seed(client, manager):
    declaration = seed_with_sample_statuses()
    client.force_login(manager)

    response = client.get(f"/reports/declarations/{SEED_SLUG}/?as_of={SAMPLE_DAY}")

    result = response.context["rollup"]
    expected = counted(declaration, SAMPLE_DAY)
    assert result.counts == expected
    assert result.counts[Status.IN_PROGRESS] >= 1  # ACDN and ESMAWP
    assert result.counts[Status.COMPLETED] == 1  # the Maritime Cybersecurity Conference
    # Per cent complete: the average over the counted instruments of their milestones'
    # share done where they have milestones, else of their assessment's figure.
    instruments = (
        Instrument.objects.with_current_status(at=SAMPLE_DAY)
        .filter(tracking("references__"), references__clause__declaration=declaration)
        .distinct()
    )
    by_milestones = milestone_progress([i.pk for i in instruments], SAMPLE_DAY)
    assert by_milestones, "the sample data gives some instruments milestones"
    progress = [
        by_milestones[i.pk].percent if i.pk in by_milestones else (i.current_progress or 0)
        for i in instruments
    ]
    assert result.percent == round(sum(progress) / len(progress))
    assert result.from_milestones == len(by_milestones)
    html = main(response)
    for status, count in expected.items():
        label = Status(status).label if status else "No information"
        assert re.search(rf">{label}</span></td><td class=\"cell-number\">{count}</td>", html)


def test_the_scorecard_renders_each_clause_with_a_permanent_anchor(client, manager):
    declaration = seed_with_sample_statuses()
    client.force_login(manager)

    html = main(client.get(f"/reports/declarations/{SEED_SLUG}/?as_of={SAMPLE_DAY}"))

    for clause in declaration.clauses.all():
        assert f'id="{clause.anchor}"' in html
    op_13 = html[html.index('id="op-13"') :]
    op_13 = op_13[: op_13.index("</article>")]
    assert "ASEAN Cyber Defence Network" in op_13
    assert '<span class="badge badge-in_progress">In progress</span>' in op_13
    assert "55%" in op_13


def test_declaratory_clauses_are_shown_in_grey_and_not_counted(client, manager):
    declaration = make_declaration(slug="admm-2025-test")
    declaratory = make_clause(
        declaration,
        lead_word="EMPHASISE",
        lead_verb="EMPHASISE",
        verb_class=VerbClass.DECLARATORY,
        trackable=False,
        text="EMPHASISE the importance of freedom of navigation.",
    )
    make_instrument(declaratory, Relation.CITES, name="UNCLOS")
    adopted = make_instrument(make_clause(declaration), name="Concept Paper on ADIC")
    make_status(adopted, status=Status.COMPLETED, as_of=D(2026, 1, 1))
    client.force_login(manager)

    response = client.get("/reports/declarations/admm-2025-test/?as_of=2026-06-01")

    assert response.context["rollup"].counts == {Status.COMPLETED: 1}
    assert response.context["rollup"].percent == 100
    html = main(response)
    assert 'class="clause not-counted" id="op-1"' in html
    assert "EMPHASISE</strong> the importance of freedom of navigation." in html
    assert 'class="clause counted" id="op-2"' in html


# As of a past date, a report does not change when later entries are added


def add_later_entries():
    """Entries that must not show in a report as of 30 June 2026: one describing a later
    date, one backdated but published after it, and one never published."""
    acdn = Instrument.objects.get(acronym="ACDN")
    adic = Instrument.objects.get(acronym="ADIC")
    make_status(acdn, status=Status.COMPLETED, progress=100, as_of=D(2026, 11, 20))
    make_status(
        adic,
        status=Status.DISCONTINUED,
        as_of=D(2026, 6, 1),
        published_at=datetime.datetime(2026, 7, 15, 9, tzinfo=datetime.UTC),
    )
    make_status(adic, status=Status.COMPLETED, as_of=D(2026, 6, 2), published=False)
    make_status(
        Instrument.objects.get(name="ACDN phase 2: information-sharing platform"),
        status=Status.COMPLETED,
        as_of=D(2026, 10, 1),
    )


@pytest.mark.parametrize("url", ["/reports/", f"/reports/declarations/{SEED_SLUG}/"])
def test_a_report_as_of_a_past_date_does_not_change_when_later_entries_are_added(
    client, manager, url
):
    seed_with_sample_statuses()
    client.force_login(manager)
    past = f"{url}?as_of=2026-06-30"
    page_before = main(client.get(past))
    csv_before = csv_rows(client.get(past + "&format=csv"))

    add_later_entries()

    assert main(client.get(past)) == page_before
    assert csv_rows(client.get(past + "&format=csv")) == csv_before
    # Today's report does see the new entries.
    assert main(client.get(f"{url}?as_of={SAMPLE_DAY}")) != main(
        client.get(f"{url}?as_of=2026-06-30")
    )


def test_a_past_report_shows_the_status_known_then(client, manager):
    seed_with_sample_statuses()
    client.force_login(manager)

    response = client.get(f"/reports/declarations/{SEED_SLUG}/?as_of=2026-04-15")

    acdn = Instrument.objects.get(acronym="ACDN")
    clause = next(c for c in response.context["operative"] if c.number == 13)
    shown = next(r.instrument for r in clause.references.all() if r.instrument_id == acdn.pk)
    assert (shown.current_status, shown.current_progress) == (Status.IN_PROGRESS, 30)


# Instrument page


def test_the_instrument_page_shows_timeline_milestones_evidence_and_citations_across_years(
    client, manager, malaysia
):
    earlier = make_declaration(slug="admm-2024-vientiane", title="Vientiane Joint Declaration")
    later = make_declaration(slug="admm-2025-kuala-lumpur", title="Kuala Lumpur Declaration")
    instrument = make_instrument(
        make_clause(earlier, number=4), slug="acdn", name="ASEAN Cyber Defence Network"
    )
    Reference.objects.create(
        clause=make_clause(later, number=13), instrument=instrument, relation=Relation.ADOPTS
    )
    make_instrument(
        slug="acdn-p1",
        name="Phase 1",
        parent=instrument,
        due_on=D(2026, 3, 31),
        completed_on=D(2026, 3, 15),
    )
    make_instrument(slug="acdn-p2", name="Phase 2", parent=instrument, due_on=D(2026, 9, 30))
    first = make_status(instrument, status=Status.PLANNED, progress=10, as_of=D(2025, 11, 15))
    make_status(instrument, party=malaysia, status=Status.IN_PROGRESS, as_of=D(2026, 9, 1))
    Evidence.objects.create(
        status=first, title="Working group report", url="https://example.org/report.pdf"
    )
    client.force_login(manager)

    response = client.get("/reports/instruments/acdn/?as_of=2026-10-01")

    html = main(response)
    assert 'class="chart chart-timeline"' in html  # status timeline chart
    assert html.count('class="chart chart-timeline"') == 2  # and the milestones chart
    assert "Malaysia" in html and "Region" in html
    assert '<a href="https://example.org/report.pdf" rel="noopener noreferrer nofollow">' in html
    assert "Phase 1" in html and "15 Mar 2026" in html and "30 Sep 2026" in html
    assert "Vientiane Joint Declaration" in html and "Kuala Lumpur Declaration" in html
    assert 'href="/reports/declarations/admm-2025-kuala-lumpur/?as_of=2026-10-01#op-13"' in html


# Country matrix, overdue and stale lists


def test_the_country_matrix_shows_each_partys_latest_status(client, manager, malaysia):
    declaration, instrument = small_world()
    philippines = Party.objects.get(code="PHL")
    usa = Party.objects.get(code="USA")
    make_status(instrument, party=malaysia, status=Status.PLANNED, as_of=D(2026, 1, 1))
    make_status(instrument, party=malaysia, status=Status.COMPLETED, as_of=D(2026, 5, 1))
    make_status(instrument, party=usa, status=Status.DELAYED, as_of=D(2026, 5, 1))
    client.force_login(manager)

    rows = csv_rows(client.get("/reports/countries/?as_of=2026-06-01&format=csv"))

    header, *body = rows
    assert header[:2] == ["Instrument", "Overall"]
    assert "USA" in header  # a Plus country, once it reports
    assert "MYS" in header and "PHL" in header  # every ASEAN Member State
    row = dict(zip(header, next(r for r in body if r[0] == str(instrument)), strict=True))
    assert row["MYS"] == "Completed"
    assert row["USA"] == "Delayed"
    assert row[philippines.code] == ""
    assert row["Overall"] == "In progress"


def test_a_plus_country_gets_a_column_only_for_what_it_reported_in_scope(client, manager, malaysia):
    declaration, instrument = small_world()
    other = make_instrument(make_clause(make_declaration(slug="admm-2024-x")), name="Other")
    make_status(other, party=Party.objects.get(code="USA"), as_of=D(2026, 5, 1))
    make_status(instrument, party=Party.objects.get(code="JPN"), as_of=D(2026, 8, 1))
    client.force_login(manager)

    def header(query):
        return csv_rows(client.get(f"/reports/countries/?format=csv&{query}"))[0]

    assert "USA" in header("as_of=2026-06-01")
    assert "USA" not in header(f"as_of=2026-06-01&declaration={declaration.slug}")
    # Japan's entry is dated after the as-of date: not known yet, so no column.
    assert "JPN" not in header("as_of=2026-06-01")
    assert "JPN" in header("as_of=2026-09-01")


def test_the_country_matrix_filters_by_declaration_and_theme(client, manager):
    small_world()
    other = make_instrument(make_clause(make_declaration(slug="admm-2024-x")), name="Other")
    other.themes.add(Theme.objects.get(slug="cyber-security"))
    client.force_login(manager)

    def names(query):
        return {
            row[0] for row in csv_rows(client.get(f"/reports/countries/?format=csv&{query}"))[1:]
        }

    assert names("declaration=admm-2024-x") == {"Other"}
    assert names("theme=cyber-security") == {"Other"}
    assert "ASEAN Cyber Defence Network" in names("")


def test_the_overdue_and_stale_lists_are_the_queryset_methods(client, manager):
    seed_with_sample_statuses()
    client.force_login(manager)
    at = SAMPLE_DAY

    overdue = csv_rows(client.get(f"/reports/overdue/?as_of={at}&format=csv"))
    stale = csv_rows(client.get(f"/reports/stale/?as_of={at}&format=csv"))

    assert {row[0] for row in overdue[1:]} == {str(i) for i in Instrument.objects.overdue(at=at)}
    assert {row[0] for row in stale[1:]} == {str(i) for i in Instrument.objects.stale(at=at)}
    assert len(overdue) - 1 == 2


# Changes between two dates


def test_the_changes_report_lists_status_changes_additions_and_newly_overdue(client, manager):
    declaration, moved = small_world()
    make_status(moved, status=Status.PLANNED, as_of=D(2025, 12, 1))
    make_status(moved, status=Status.DELAYED, as_of=D(2026, 3, 1))
    still = make_instrument(make_clause(declaration), name="Unchanged")
    make_status(still, status=Status.PLANNED, as_of=D(2025, 12, 1))
    late = make_instrument(make_clause(declaration), name="Late", due_on=D(2026, 3, 31))
    make_instrument(make_clause(declaration), name="Long late", due_on=D(2025, 11, 30))
    # Typed in during the period, but adopted long before: not an addition.
    Instrument.objects.filter(pk=still.pk).update(
        created_at=datetime.datetime(2026, 3, 5, tzinfo=datetime.UTC)
    )
    march = make_declaration(slug="march", title="March declaration", adopted_on=D(2026, 3, 5))
    new = make_instrument(make_clause(march), name="Adopted in March")
    # Cited again in March, but adopted before the period: not an addition either.
    Reference.objects.create(clause=make_clause(march), instrument=moved, relation="welcomes")
    client.force_login(manager)

    response = client.get("/reports/changes/?from=2026-01-01&to=2026-06-30")

    changes, additions, overdue, published = response.context["tables"]
    assert [(i.name, i.previous_status, i.current_status) for i in changes.rows] == [
        (moved.name, Status.PLANNED, Status.DELAYED)
    ]
    assert [str(obj) for obj in additions.rows] == ["March declaration", new.name]
    assert [obj.added_on for obj in additions.rows] == [D(2026, 3, 5)] * 2
    assert [i.name for i in overdue.rows] == [late.name]
    assert {e.instrument_id for e in published.rows} == {moved.pk}
    assert "Unchanged" not in main(response).split("Status entries published")[0]
    # Every count shown is the number of rows listed under it.
    for table in response.context["tables"]:
        assert table.title.endswith(f"({len(list(table.rows))})")


def test_the_changes_report_lists_a_progress_move_of_at_least_the_step(client, manager, settings):
    settings.TRACKER_CHANGES_PROGRESS_STEP = 10
    declaration, moved = small_world()
    small = make_instrument(make_clause(declaration), name="Small move")
    for instrument, before, after in ((moved, 30, 55), (small, 30, 35)):
        make_status(instrument, status=Status.IN_PROGRESS, progress=before, as_of=D(2025, 12, 1))
        make_status(instrument, status=Status.IN_PROGRESS, progress=after, as_of=D(2026, 3, 1))
    client.force_login(manager)

    response = client.get("/reports/changes/?from=2026-01-01&to=2026-06-30")

    changes = response.context["tables"][0]
    assert [(i.name, i.previous_progress, i.current_progress) for i in changes.rows] == [
        (moved.name, 30, 55)
    ]


def test_the_changes_report_starts_at_the_latest_meeting_by_default(client, manager):
    make_declaration(adopted_on=D(2024, 10, 31))
    make_declaration(adopted_on=D(2025, 10, 31))
    client.force_login(manager)

    response = client.get("/reports/changes/?to=2026-06-30")

    assert response.context["start"] == D(2025, 10, 31)
    assert response.context["end"] == D(2026, 6, 30)


# Search


def test_search_finds_clauses_by_text_and_instruments_by_name_and_acronym(client, manager):
    seed_with_sample_statuses()
    client.force_login(manager)

    by_acronym = client.get("/reports/search/?q=ACDN")
    by_words = client.get("/reports/search/?q=cyber+defence")

    acdn = Instrument.objects.get(acronym="ACDN")
    instruments, clauses = by_acronym.context["tables"]
    assert acdn in list(instruments.rows)
    assert "op-13" in [clause.anchor for clause in clauses.rows]
    instruments, clauses = by_words.context["tables"]
    assert acdn in list(instruments.rows)
    assert "op-13" in [clause.anchor for clause in clauses.rows]
    assert "op-9" not in [clause.anchor for clause in clauses.rows]  # ADIC: no cyber defence


# Query counts stay fixed as rows grow


class Growing:
    """Data that every report lists: per step a declaration, an instrument cited by a
    trackable clause of it and of the main declaration, a milestone and statuses for the
    hub instrument (with evidence), and citations of the hub."""

    def __init__(self):
        self.main = make_declaration(slug="admm-main", adopted_on=D(2025, 10, 31))
        self.hub = make_instrument(make_clause(self.main), slug="hub", name="Hub Instrument")
        self.parties = list(Party.objects.all())
        self.theme = Theme.objects.get(slug="cyber-security")
        self.size = 0

    def grow(self, count):
        for _ in range(count):
            n = self.size = self.size + 1
            text = f"ADOPT the Instrument {n} on cyber defence."
            other = make_declaration(adopted_on=D(2025, 1, 1) + datetime.timedelta(days=n))
            instrument = make_instrument(
                make_clause(self.main, text=text),
                name=f"Instrument {n}",
                due_on=D(2026, 1, 1),
            )
            instrument.themes.add(self.theme)
            Reference.objects.create(
                clause=make_clause(other, text=text), instrument=instrument, relation="adopts"
            )
            Reference.objects.create(
                clause=make_clause(other, text=text), instrument=self.hub, relation="reaffirms"
            )
            make_status(instrument, status=Status.IN_PROGRESS, as_of=D(2026, 2, 1), progress=n)
            make_status(instrument, party=self.parties[n % 11], as_of=D(2026, 2, 2))
            make_instrument(name=f"Milestone {n}", parent=self.hub, due_on=D(2026, 5, n % 28 + 1))
            entry = make_status(
                self.hub, party=self.parties[n % len(self.parties)], as_of=D(2026, 3, 1)
            )
            Evidence.objects.create(
                status=entry, title=f"Report {n}", url=f"https://example.org/{n}"
            )


# The scorecard and the instrument page read their instruments' milestones (one query more
# than before): milestones give an instrument its per cent complete.
PAGES = {
    "/reports/?as_of=2026-06-30": 10,
    "/reports/?as_of=2026-06-30&format=csv": 10,
    "/reports/declarations/admm-main/?as_of=2026-06-30": 10,
    "/reports/declarations/admm-main/?as_of=2026-06-30&format=xlsx": 10,
    "/reports/instruments/hub/?as_of=2026-06-30": 12,
    "/reports/countries/?as_of=2026-06-30": 8,
    "/reports/countries/?as_of=2026-06-30&theme=cyber-security&format=csv": 6,
    "/reports/overdue/?as_of=2026-06-30": 8,
    "/reports/stale/?as_of=2027-06-30": 8,
    "/reports/changes/?from=2025-01-01&to=2026-06-30": 10,
    "/reports/search/?q=instrument": 6,
}


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
    return len(queries), body


@pytest.mark.parametrize("url", PAGES)
def test_each_report_runs_a_fixed_number_of_queries_as_rows_grow(client, manager, url):
    world = Growing()
    world.grow(2)
    client.force_login(manager)
    small, small_body = queries_for(client, url)

    world.grow(18)
    large, large_body = queries_for(client, url)

    assert len(large_body) > len(small_body)  # the rows did grow
    assert (small, large) == (PAGES[url], PAGES[url])


def test_roles_can_read_reports_because_they_may_view_instruments():
    for role in ["Administrators", "Editors", "Country editors", "Managers"]:
        codenames = Group.objects.get(name=role).permissions.values_list("codename", flat=True)
        assert "view_instrument" in codenames, role
