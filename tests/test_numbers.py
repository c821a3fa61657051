"""One rule for every number: what was seen on the demo data, and what each rule says
(README, "How the numbers are counted")."""

import csv
import datetime
import io

import pytest

from declarations.models import (
    Basis,
    Instrument,
    Kind,
    Party,
    PartyGroup,
    Reference,
    Relation,
    Status,
    milestone_progress,
    rollups,
)
from tests.factories import make_clause, make_declaration, make_instrument, make_status
from tests.samples import SAMPLE_DAY, SEED_SLUG, seed_with_sample_statuses

pytestmark = pytest.mark.django_db

D = datetime.date


def slugs(queryset):
    return sorted(queryset.values_list("slug", flat=True))


@pytest.fixture
def seed():
    return seed_with_sample_statuses()


class TestBelonging:
    def test_filtering_by_declaration_keeps_the_overdue_milestones(self, seed, client, manager):
        client.force_login(manager)
        everything = client.get(f"/reports/overdue/?as_of={SAMPLE_DAY}")
        in_seed = client.get(f"/reports/overdue/?as_of={SAMPLE_DAY}&declaration={SEED_SLUG}")
        rows = [row[0].value for row in everything.context["tables"][0].cells()]
        assert "ACDN phase 2: information-sharing platform" in rows
        assert [row[0].value for row in in_seed.context["tables"][0].cells()] == rows

    def test_the_api_counts_milestones_under_their_parents_declaration(
        self, seed, api_client_for, consumer
    ):
        api = api_client_for(consumer)
        url = f"/api/v1/instruments/?as_of={SAMPLE_DAY}&overdue=true"
        everything = api.get(url).json()
        in_seed = api.get(url + f"&declaration={SEED_SLUG}").json()
        assert everything["count"] == 2
        assert in_seed["count"] == everything["count"]

    def test_every_status_filter_agrees_with_and_without_the_declaration(
        self, seed, api_client_for, consumer
    ):
        api = api_client_for(consumer)
        for status in Status.values:
            url = f"/api/v1/instruments/?as_of={SAMPLE_DAY}&tracked=true&status={status}"
            assert (
                api.get(url).json()["count"]
                == api.get(url + f"&declaration={SEED_SLUG}").json()["count"]
            ), status

    def test_a_milestone_with_its_own_citation_belongs_to_that_declaration_only(self):
        first, second = make_declaration(slug="first"), make_declaration(slug="second")
        parent = make_instrument(name="Roadmap")
        Reference.objects.create(
            clause=make_clause(first), instrument=parent, relation=Relation.ADOPTS
        )
        inherited = make_instrument(name="Phase 1", parent=parent, kind=Kind.MILESTONE)
        own = make_instrument(name="Phase 2", parent=parent, kind=Kind.MILESTONE)
        Reference.objects.create(
            clause=make_clause(second), instrument=own, relation=Relation.WELCOMES
        )
        nested = make_instrument(name="Step 1.1", parent=inherited, kind=Kind.MILESTONE)
        assert slugs(Instrument.objects.in_declaration("first")) == sorted(
            [parent.slug, inherited.slug, nested.slug]
        )
        assert slugs(Instrument.objects.in_declaration(second)) == [own.slug]

    def test_milestones_inherit_themes_and_lead_parties(self, malaysia):
        from declarations.models import Theme

        theme = Theme.objects.first()
        parent = make_instrument(name="Exercise")
        parent.themes.add(theme)
        parent.lead_parties.add(malaysia)
        child = make_instrument(name="Planning conference", parent=parent)
        assert child in Instrument.objects.with_theme(theme.slug)
        assert child in Instrument.objects.led_by("MYS")
        assert child in Instrument.objects.for_party(malaysia)


class TestRollUp:
    def test_a_completed_milestone_moves_its_instruments_progress(self, seed):
        adsarx = Instrument.objects.get(acronym="ADSARX", parent=None)
        before = milestone_progress([adsarx.pk], SAMPLE_DAY)[adsarx.pk]
        assert (before.count, before.completed, before.percent) == (3, 1, 33)
        conduct = adsarx.children.get(name="ADSARX conduct")
        make_status(conduct, status=Status.COMPLETED, as_of=SAMPLE_DAY)
        after = milestone_progress([adsarx.pk], SAMPLE_DAY)[adsarx.pk]
        assert (after.completed, after.percent) == (2, 67)
        # The day before, the new entry was neither true nor known: the past stays as it was.
        day_before = SAMPLE_DAY - datetime.timedelta(days=1)
        assert milestone_progress([adsarx.pk], day_before)[adsarx.pk] == before
        earlier = milestone_progress([adsarx.pk], D(2026, 1, 1))[adsarx.pk]
        assert earlier.completed == 0

    def test_weights_and_nesting_roll_up_level_by_level(self):
        roadmap = make_instrument(name="Roadmap")
        phase1 = make_instrument(name="Phase 1", parent=roadmap, weight=3)
        make_instrument(name="Phase 2", parent=roadmap, weight=1, completed_on=D(2026, 1, 1))
        make_instrument(name="Step 1.1", parent=phase1, completed_on=D(2026, 1, 1))
        make_instrument(name="Step 1.2", parent=phase1)
        result = milestone_progress([roadmap.pk, phase1.pk], D(2026, 6, 1))
        assert result[phase1.pk].percent == 50
        # Phase 1 counts 3 x 0.5, phase 2 counts 1 x 1: 2.5 of 4.
        assert result[roadmap.pk].percent == 62  # round(62.5) rounds to even
        assert (result[roadmap.pk].count, result[roadmap.pk].completed) == (2, 1)

    def test_the_roll_up_says_how_many_instruments_it_took_from_milestones(self, seed):
        instruments = Instrument.objects.with_current_status(at=SAMPLE_DAY)
        counted = rollups(instruments, at=SAMPLE_DAY)
        assert counted.overall.from_milestones == 2  # ACDN and ADSARX


class TestTotals:
    def test_a_shared_instrument_counts_once_overall_and_once_per_declaration(self):
        coc = make_instrument(name="Code of Conduct", acronym="COC")
        for slug in ("one", "two"):
            clause = make_clause(make_declaration(slug=slug))
            Reference.objects.create(clause=clause, instrument=coc, relation=Relation.WELCOMES)
        counted = rollups(Instrument.objects.with_current_status(), at=D(2026, 1, 1))
        assert counted.overall.total == 1
        assert counted.per_declaration_total == 2

    def test_the_dashboard_says_when_shared_instruments_are_counted_twice(
        self, seed, client, manager
    ):
        coc = Instrument.objects.get(acronym="COC")
        clause = make_clause(make_declaration(slug="later", title="A later declaration"))
        Reference.objects.create(clause=clause, instrument=coc, relation=Relation.WELCOMES)
        client.force_login(manager)
        html = client.get(f"/reports/?as_of={SAMPLE_DAY}").content.decode()
        overall = client.get(f"/reports/?as_of={SAMPLE_DAY}").context["overall"]
        assert f"({overall.total + 1} counted per declaration: some are shared)" in html


class TestOverallAcrossParties:
    def test_one_countrys_entry_is_never_the_whole(self, malaysia, philippines):
        instrument = make_instrument(name="Network")
        make_status(
            instrument, party=malaysia, status=Status.IN_PROGRESS, progress=40, as_of=D(2026, 1, 1)
        )
        current = Instrument.objects.with_current_status().get(pk=instrument.pk)
        assert current.status_basis == Basis.PARTIES
        assert current.parties_reported == 1
        assert current.parties_expected > 1

    def test_nothing_published_has_no_basis(self):
        instrument = make_instrument(name="Network")
        current = Instrument.objects.with_current_status().get(pk=instrument.pk)
        assert (current.current_status, current.status_basis) == (None, Basis.NONE)


class TestPagesSayWhatTheFiguresRestOn:
    def test_the_instrument_page_names_a_parties_basis(self, client, manager, malaysia):
        instrument = make_instrument(name="Network", slug="network")
        make_status(
            instrument, party=malaysia, status=Status.IN_PROGRESS, progress=40, as_of=D(2026, 1, 1)
        )
        client.force_login(manager)
        html = client.get("/reports/instruments/network/?as_of=2026-02-01").content.decode()
        members = Party.objects.filter(group=PartyGroup.ASEAN).count()
        assert f"1 of {members} parties reported; 0 completed" in html

    def test_the_scorecard_shows_what_the_milestones_say(self, seed, client, manager):
        client.force_login(manager)
        html = client.get(f"/reports/declarations/{SEED_SLUG}/?as_of={SAMPLE_DAY}").content
        assert "Milestones 1 of 3: 33%" in html.decode()  # ADSARX: the initial conference

    def test_a_paragraph_citing_nothing_has_no_status_in_the_download(self, seed, client, manager):
        client.force_login(manager)
        response = client.get(f"/reports/declarations/{SEED_SLUG}/?as_of={SAMPLE_DAY}&format=csv")
        rows = list(
            csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
        )
        header = rows[rows.index(["Clauses"]) + 1]
        body = rows[rows.index(["Clauses"]) + 2 :]
        status, instrument = header.index("Status"), header.index("Instrument")
        citing_nothing = [row for row in body if not row[instrument]]
        assert citing_nothing, "the seed has paragraphs that cite no instrument"
        assert {row[status] for row in citing_nothing} == {""}
        assert "No information" in {row[status] for row in body if row[instrument]}


class TestTheApiSaysWhatTheStatusRestsOn:
    def test_a_list_row_and_the_detail_carry_the_overall_basis(
        self, api_client_for, consumer, malaysia
    ):
        instrument = make_instrument(name="Network", slug="network")
        make_status(instrument, party=malaysia, status=Status.PLANNED, as_of=D(2026, 1, 1))
        members = Party.objects.filter(group=PartyGroup.ASEAN).count()
        api = api_client_for(consumer)
        row = api.get("/api/v1/instruments/?as_of=2026-02-01").json()["results"][0]
        detail = api.get("/api/v1/instruments/network/?as_of=2026-02-01").json()
        for answer in (row, detail):
            overall = answer["overall"]
            assert (overall["status"], overall["basis"], overall["parties_reported"]) == (
                Status.PLANNED,
                Basis.PARTIES,
                1,
            )
            assert overall["parties_expected"] == members
        assert detail["milestone_progress"] is None

    def test_the_detail_gives_the_milestones_progress(self, seed, api_client_for, consumer):
        adsarx = Instrument.objects.get(acronym="ADSARX", parent=None)
        api = api_client_for(consumer)
        detail = api.get(f"/api/v1/instruments/{adsarx.slug}/?as_of={SAMPLE_DAY}").json()
        assert detail["milestone_progress"] == {"count": 3, "completed": 1, "percent": 33}
        assert detail["overall"]["basis"] == Basis.REGION
