"""Every surface gives the same answer to the same question, on data nobody chose.

Hypothesis builds random worlds: declarations that share instruments, nested milestones,
parties, drafts, rejections, entries published long after the date they describe. An
oracle written here in plain Python from the README's rules ("How the numbers are
counted") says what the answer must be; the QuerySet methods, the reports, their CSV, the
API and the admin's list filters must all give it. Each answer as of a past date must
then stay the same after later writes.

HYPOTHESIS_EXAMPLES sets the number of worlds (25 by default).
"""

import csv
import datetime
import io
import os
import re
from dataclasses import dataclass, field

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from declarations.models import (
    CLOSED_STATUSES,
    STATUS_LADDER,
    TRACKED_RELATIONS,
    Basis,
    Clause,
    Declaration,
    ImplementationStatus,
    Instrument,
    Kind,
    Part,
    Party,
    Reference,
    Relation,
    ReviewState,
    Status,
    VerbClass,
    end_of_day,
)
from declarations.models.base import status_label

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PAST = TODAY - datetime.timedelta(days=40)
PARTY_CODES = [None, "MYS", "PHL", "SGP"]
STATES = [ReviewState.PUBLISHED] * 3 + [
    ReviewState.DRAFT,
    ReviewState.SUBMITTED,
    ReviewState.REJECTED,
]
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "25"))

days = st.integers(min_value=-400, max_value=60)


@st.composite
def entries(draw):
    as_of = TODAY + datetime.timedelta(days=draw(st.integers(-400, 0)))
    return {
        "party": draw(st.sampled_from(PARTY_CODES)),
        "status": draw(st.sampled_from(Status.values)),
        "progress": draw(st.one_of(st.none(), st.integers(0, 100))),
        "as_of": as_of,
        # Published the same day, or long after (a back-dated entry).
        "delay": draw(st.sampled_from([0, 0, 1, 30, 200])),
        "state": draw(st.sampled_from(STATES)),
    }


@st.composite
def instruments(draw, depth=0):
    due = draw(st.one_of(st.none(), days))
    return {
        "due": None if due is None else TODAY + datetime.timedelta(days=due),
        "completed": draw(
            st.one_of(st.none(), days.map(lambda d: TODAY + datetime.timedelta(days=d)))
        ),
        "entries": draw(st.lists(entries(), max_size=5)),
        "children": draw(st.lists(instruments(depth + 1), max_size=2)) if depth < 2 else [],
        # A milestone may be cited itself: it then belongs where it is cited only.
        "cited_by": draw(st.lists(st.integers(0, 2), max_size=2 if depth else 3, unique=True)),
        "relation": draw(st.sampled_from([Relation.ADOPTS, Relation.WELCOMES, Relation.CITES])),
    }


worlds = st.fixed_dictionaries(
    {
        "declarations": st.lists(st.booleans(), min_size=1, max_size=3),  # trackable clause?
        "instruments": st.lists(instruments(), min_size=1, max_size=4),
    }
)


@dataclass
class Node:
    obj: Instrument
    parent: "Node | None"
    refs: list = field(default_factory=list)  # (declaration slug, tracked)
    entries: list = field(default_factory=list)  # ImplementationStatus rows


class World:
    """The random world in the database, and the oracle's view of it."""

    def __init__(self, spec, recorder):
        self.nodes = []
        self.declarations = []
        self.parties = {p.code: p for p in Party.objects.filter(code__in=PARTY_CODES[1:])}
        for n, trackable in enumerate(spec["declarations"]):
            declaration = Declaration.objects.create(
                slug=f"decl-{n}",
                title=f"Declaration {n}",
                body="ADMM",
                meeting=f"{n}th ADMM",
                adopted_on=TODAY - datetime.timedelta(days=500 - n),
            )
            declaration.trackable = trackable
            self.declarations.append(declaration)
        for item in spec["instruments"]:
            self.add(item, parent=None, recorder=recorder)

    def add(self, item, *, parent, recorder):
        n = len(self.nodes)
        obj = Instrument.objects.create(
            slug=f"inst-{n}",
            name=f"Instrument {n:02d}",
            kind=Kind.MILESTONE if parent else Kind.ROADMAP,
            parent=parent.obj if parent else None,
            due_on=item["due"],
            completed_on=item["completed"],
        )
        node = Node(obj, parent)
        self.nodes.append(node)
        for index in item["cited_by"]:
            if index >= len(self.declarations):
                continue
            declaration = self.declarations[index]
            clause = Clause.objects.create(
                declaration=declaration,
                part=Part.OPERATIVE,
                number=declaration.clauses.count() + 1,
                lead_word="ADOPT",
                lead_verb="ADOPT",
                verb_class=VerbClass.ADOPTS if declaration.trackable else VerbClass.DECLARATORY,
                text=f"ADOPT instrument {n}.",
                trackable=declaration.trackable,
            )
            Reference.objects.create(clause=clause, instrument=obj, relation=item["relation"])
            node.refs.append(
                (declaration.slug, declaration.trackable and item["relation"] in TRACKED_RELATIONS)
            )
        for spec in item["entries"]:
            self.record(node, spec, recorder=recorder)
        for child in item["children"]:
            self.add(child, parent=node, recorder=recorder)

    def record(self, node, spec, *, recorder, published_at=None):
        published = spec["state"] == ReviewState.PUBLISHED
        if published and published_at is None:
            published_at = datetime.datetime.combine(
                spec["as_of"] + datetime.timedelta(days=spec["delay"]),
                datetime.time(12),
                datetime.UTC,
            )
        entry = ImplementationStatus.objects.create(
            instrument=node.obj,
            party=self.parties.get(spec["party"]),
            status=spec["status"],
            progress=spec["progress"],
            as_of=spec["as_of"],
            review_state=spec["state"],
            published_at=published_at if published else None,
            recorded_by=recorder,
        )
        node.entries.append(entry)
        return entry

    # The oracle: the README's rules, written again without the ORM.

    def known(self, node, at):
        return [
            e
            for e in node.entries
            if e.review_state == ReviewState.PUBLISHED
            and e.as_of <= at
            and e.published_at <= end_of_day(at)
        ]

    @staticmethod
    def newest(items):
        return max(items, key=lambda e: (e.as_of, e.published_at, e.pk))

    def overall(self, node, at):
        """(status, basis, as_of)"""
        known = self.known(node, at)
        region = [e for e in known if e.party_id is None]
        if region:
            entry = self.newest(region)
            return entry.status, Basis.REGION, entry.as_of
        by_party = {}
        for entry in known:
            by_party.setdefault(entry.party_id, []).append(entry)
        if not by_party:
            return None, Basis.NONE, None
        latest = [self.newest(items) for items in by_party.values()]
        status = min((e.status for e in latest), key=STATUS_LADDER.index)
        return status, Basis.PARTIES, max(e.as_of for e in known)

    def belongs(self, node, slug):
        if node.refs:
            return any(ref == slug for ref, _ in node.refs)
        return node.parent is not None and self.belongs(node.parent, slug)

    def tracked(self, node):
        if node.refs:
            return any(tracked for _, tracked in node.refs)
        return node.parent is not None and self.tracked(node.parent)

    def overdue(self, node, at):
        status = self.overall(node, at)[0]
        obj = node.obj
        return (
            obj.due_on is not None
            and obj.due_on < at
            and (obj.completed_on is None or obj.completed_on > at)
            and status not in CLOSED_STATUSES
        )

    def stale(self, node, at):
        status, _, as_of = self.overall(node, at)
        cutoff = at - datetime.timedelta(days=django_settings.TRACKER_STALE_AFTER_DAYS)
        return (
            self.tracked(node)
            and status not in CLOSED_STATUSES
            and (as_of is None or as_of < cutoff)
        )

    def slugs(self, rule, at, declaration=None):
        return {
            n.obj.slug
            for n in self.nodes
            if rule(n, at) and (declaration is None or self.belongs(n, declaration))
        }

    def party_status(self, node, code, at):
        party = self.parties[code]
        mine = [e for e in self.known(node, at) if e.party_id == party.pk]
        return self.newest(mine).status if mine else None

    def counted(self, slug, at):
        """A declaration's roll-up counts: instruments its trackable clauses cite, once."""
        counts = {}
        for node in self.nodes:
            if any(ref == slug and tracked for ref, tracked in node.refs):
                status = self.overall(node, at)[0] or Status.NO_INFORMATION
                counts[status] = counts.get(status, 0) + 1
        return counts


def api_slugs(api, query):
    body = api.get(f"/api/v1/instruments/?page_size=100&{query}").json()
    assert body["count"] <= 100
    return {row["slug"] for row in body["results"]}


def report_names(client, url):
    tables = client.get(url).context["tables"]
    return {cell[0].value for cell in tables[0].cells()}


def csv_names(client, url):
    text = b"".join(client.get(url + "&format=csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    block = rows[rows.index([]) + 2 :]  # after the summary, the table's title
    return {row[0] for row in block[1:]}


def xlsx_names(client, url):
    from openpyxl import load_workbook

    response = client.get(url + "&format=xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheet = book[book.sheetnames[1]]  # after the Summary
    return {row[0] for row in list(sheet.iter_rows(values_only=True))[1:]}


def api_csv_slugs(api, query):
    text = api.get(f"/api/v1/instruments/?page_size=100&format=csv&{query}").content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    return {row["slug"] for row in rows}


def pdf_text(client, url):
    from pypdf import PdfReader

    response = client.get(url + "&format=pdf")
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def names(world, slugs):
    return {node.obj.name for node in world.nodes if node.obj.slug in slugs}


def admin_slugs(client, query):
    response = client.get(f"/admin/declarations/instrument/?{query}")
    assert response.status_code == 200
    return {obj.slug for obj in response.context["cl"].result_list}


@given(spec=worlds)
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_surface_gives_the_same_answer(
    spec, client, administrator, consumer, manager, api_client_for
):
    with transaction.atomic():
        world = World(spec, recorder=administrator)
        api = api_client_for(consumer)
        client.force_login(manager)
        check_overall_status(world)
        for at in (TODAY, PAST):
            check_lists(world, client, api, at)
            check_matrix_and_rollups(world, client, at)
            check_dashboard_downloads(world, client, at)
        check_pdf(world, client)
        client.force_login(administrator)
        check_admin_filters(world, client)
        check_the_past_stays_the_same(world, client, api, recorder=administrator)
        transaction.set_rollback(True)


def check_overall_status(world):
    for at in (TODAY, PAST):
        rows = Instrument.objects.with_current_status(at=at).in_bulk(
            [n.obj.pk for n in world.nodes]
        )
        for node in world.nodes:
            row = rows[node.obj.pk]
            status, basis, as_of = world.overall(node, at)
            assert (row.current_status, row.status_basis, row.current_as_of) == (
                status,
                basis,
                as_of,
            ), node.obj.slug


def check_lists(world, client, api, at):
    day = at.isoformat()
    for declaration in [None, *(d.slug for d in world.declarations)]:
        scope = f"&declaration={declaration}" if declaration else ""
        for rule, oracle in (("overdue", world.overdue), ("stale", world.stale)):
            expected = world.slugs(oracle, at, declaration)
            tracked = "&tracked=true" if rule == "stale" else ""
            query = f"as_of={day}&{rule}=true{tracked}{scope}"
            assert api_slugs(api, query) == expected, rule
            assert api_csv_slugs(api, query) == expected, rule
            url = f"/reports/{rule}/?as_of={day}{scope}"
            assert report_names(client, url) == names(world, expected), rule
            assert csv_names(client, url) == names(world, expected), rule
            assert xlsx_names(client, url) == names(world, expected), rule
        for status in {world.overall(n, at)[0] or Status.NO_INFORMATION for n in world.nodes}:
            expected = {
                n.obj.slug
                for n in world.nodes
                if (world.overall(n, at)[0] or Status.NO_INFORMATION) == status
                and (declaration is None or world.belongs(n, declaration))
            }
            assert api_slugs(api, f"as_of={day}&status={status}{scope}") == expected, status


def check_pdf(world, client):
    """The PDF is the page: the overdue list as of today names exactly the overdue items."""
    text = pdf_text(client, f"/reports/overdue/?as_of={TODAY.isoformat()}")
    overdue = world.slugs(world.overdue, TODAY)
    expected = names(world, overdue)
    # A listed milestone names its parent in the "Part of" column.
    parents = {n.parent.obj.name for n in world.nodes if n.parent and n.obj.slug in overdue}
    for node in world.nodes:
        if node.obj.name not in parents:
            assert (node.obj.name in text) == (node.obj.name in expected), node.obj.name


def check_matrix_and_rollups(world, client, at):
    day = at.isoformat()
    matrix = client.get(f"/reports/countries/?as_of={day}").context["tables"][0]
    codes = [column.label for column in matrix.columns]
    by_name = {node.obj.name: node for node in world.nodes}
    shown = set()
    for row in matrix.cells():
        node = by_name[row[0].value]
        shown.add(node.obj.slug)
        assert row[1].value == world.overall(node, at)[0]
        for code, cell in zip(codes, row, strict=True):
            if code in world.parties:
                assert cell.value == world.party_status(node, code, at), (node.obj.slug, code)
    assert shown == {n.obj.slug for n in world.nodes if world.tracked(n)}
    dashboard = client.get(f"/reports/?as_of={day}").context
    for declaration in Declaration.objects.all():
        row = next(d for d in dashboard["tables"][1].rows if d.pk == declaration.pk)
        assert row.rollup.counts == world.counted(declaration.slug, at)
        scorecard = client.get(f"/reports/declarations/{declaration.slug}/?as_of={day}")
        assert scorecard.context["rollup"].counts == world.counted(declaration.slug, at)


def csv_blocks(client, url):
    """A CSV download's tables by title: each a list of dicts, one per row."""
    text = b"".join(client.get(url + "&format=csv").streaming_content).decode("utf-8-sig")
    blocks = {}
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        title, *rows = list(csv.reader(io.StringIO(chunk.strip("\n"))))
        blocks[title[0]] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    return blocks


def xlsx_blocks(client, url):
    from openpyxl import load_workbook

    response = client.get(url + "&format=xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    blocks = {}
    for name in book.sheetnames:
        header, *rows = list(book[name].iter_rows(values_only=True))
        blocks[name] = [dict(zip(header, row, strict=True)) for row in rows]
    return blocks


def check_dashboard_downloads(world, client, at):
    """The dashboard's CSV, XLSX and PDF carry its numbers: each declaration's roll-up
    counts, the distinct tracked total and the overdue and stale counts."""
    url = f"/reports/?as_of={at.isoformat()}"
    counted = {n.obj.slug for n in world.nodes if any(tracked for _, tracked in n.refs)}
    summary = {
        "Tracked instruments": len(counted),
        "Overdue": len(world.slugs(world.overdue, at)),
        "Stale": len(world.slugs(world.stale, at)),
    }
    labels = {status: status_label(status) for status in STATUS_LADDER}
    for blocks in (csv_blocks(client, url), xlsx_blocks(client, url)):
        items = {row["Item"]: row["Value"] for row in blocks["Summary"]}
        assert {name: int(items[name]) for name in summary} == summary
        rows = {row["Declaration"]: row for row in blocks["Declarations"]}
        assert len(rows) == len(world.declarations)
        for declaration in world.declarations:
            row = rows[declaration.title]
            expected = world.counted(declaration.slug, at)
            assert int(row["Tracked"]) == sum(expected.values())
            for status, count in expected.items():
                assert int(row[labels[status]]) == count, (declaration.slug, status)
    if at != TODAY:
        return  # (the PDF is built by the same code for any date; once is enough)
    text = pdf_text(client, url).lower()
    for name, value in summary.items():
        phrase = name.lower().removesuffix("s")  # "1 tracked instrument"
        assert re.search(rf"(?<!\d){value} {phrase}", text), (name, value, text[:300])


def check_admin_filters(world, client):
    for declaration in world.declarations:
        expected = {n.obj.slug for n in world.nodes if world.belongs(n, declaration.slug)}
        assert admin_slugs(client, f"declaration={declaration.pk}") == expected
        overdue = world.slugs(world.overdue, TODAY, declaration.slug)
        assert admin_slugs(client, f"declaration={declaration.pk}&overdue=yes") == overdue


def check_the_past_stays_the_same(world, client, api, *, recorder):
    day = PAST.isoformat()
    urls = [
        f"/api/v1/instruments/?as_of={day}&page_size=100",
        f"/api/v1/statuses/?as_of={day}&page_size=100",
    ]
    reports = [
        f"/reports/?as_of={day}&format=csv",
        f"/reports/countries/?as_of={day}&format=csv",
        f"/reports/overdue/?as_of={day}&format=csv",
    ]
    before = [api.get(url).content for url in urls]
    before += [b"".join(client.get(url).streaming_content) for url in reports]
    # Later writes: published now, some describing a date before PAST (back-dated).
    for node in world.nodes:
        for code in PARTY_CODES:
            world.record(
                node,
                {
                    "party": code,
                    "status": Status.COMPLETED,
                    "progress": 100,
                    "as_of": PAST - datetime.timedelta(days=5),
                    "state": ReviewState.PUBLISHED,
                },
                recorder=recorder,
                published_at=timezone.now(),
            )
    after = [api.get(url).content for url in urls]
    after += [b"".join(client.get(url).streaming_content) for url in reports]
    assert after == before
