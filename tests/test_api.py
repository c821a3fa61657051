"""The REST API at /api/v1/: access, the one write, lists, filters, sync, CSV, 304, 429."""

import base64
import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from declarations.api.serializers import EXPANDABLE
from declarations.models import (
    ApiToken,
    Clause,
    Declaration,
    Evidence,
    ImplementationStatus,
    Instrument,
    Part,
    Party,
    Reference,
    ReviewState,
    Status,
    Theme,
    VerbClass,
)
from tests.factories import make_clause, make_declaration, make_instrument, make_status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_api_throttles")]


D = datetime.date
API = "/api/v1"
LISTS = ["declarations", "clauses", "instruments", "statuses", "parties", "themes"]


def at_noon(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def entry(instrument, party=None, **fields):
    """A status entry as the POST endpoint expects it."""
    return {
        "instrument": instrument.slug,
        "party": party.code if party else None,
        "status": Status.IN_PROGRESS,
        "progress": 40,
        "as_of": "2026-03-01",
        "note": "Planning conference held.",
        **fields,
    }


@pytest.fixture
def reader(api_client_for, consumer):
    return api_client_for(consumer)


@pytest.fixture
def acdn():
    """The ACDN Guidelines, adopted by operative paragraph 9 of a 2025 declaration."""
    declaration = make_declaration(slug="admm-2025-kuala-lumpur", title="KL Joint Declaration")
    make_clause(
        declaration,
        part=Part.PREAMBLE,
        lead_word="RECOGNISING",
        lead_verb="RECOGNISING",
        verb_class=VerbClass.DECLARATORY,
        trackable=False,
        text="RECOGNISING the need.",
    )
    for _ in range(8):
        make_clause(
            declaration,
            text="REAFFIRM our commitment.",
            lead_verb="REAFFIRM",
            verb_class=VerbClass.COMMITMENT,
            trackable=False,
        )
    clause = make_clause(declaration, text="ADOPT the ACDN Guidelines.")
    return make_instrument(
        clause, slug="acdn-guidelines", name="ACDN Guidelines", acronym="ACDN", kind="guidelines"
    )


# Access ----------------------------------------------------------------------------------


class TestAccess:
    def test_an_anonymous_visitor_is_asked_for_a_token(self, client):
        response = client.get(f"{API}/instruments/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Token")

    def test_a_public_deployment_lets_anonymous_visitors_read_but_not_write(
        self, client, settings, acdn
    ):
        settings.TRACKER_PUBLIC_API = True
        assert client.get(f"{API}/instruments/").status_code == 200
        response = client.post(f"{API}/statuses/", entry(acdn), content_type="application/json")
        assert response.status_code == 401

    def test_an_api_consumer_reads_with_a_token(self, reader, acdn):
        response = reader.get(f"{API}/instruments/")
        assert response.status_code == 200
        assert [row["slug"] for row in response.json()["results"]] == ["acdn-guidelines"]

    def test_the_bearer_scheme_is_accepted_too(self, api_client_for, consumer):
        client = api_client_for(consumer)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {client.key}")
        assert client.get(f"{API}/themes/").status_code == 200

    def test_a_manager_signed_in_reads_through_the_session(self, client, manager):
        client.force_login(manager)
        assert client.get(f"{API}/declarations/").status_code == 200

    def test_an_api_consumer_cannot_write(self, reader, acdn):
        response = reader.post(f"{API}/statuses/", entry(acdn))
        assert response.status_code == 403
        assert not ImplementationStatus.objects.exists()

    def test_everything_but_recording_a_status_is_read_only(
        self, api_client_for, administrator, acdn
    ):
        client = api_client_for(administrator)
        assert client.post(f"{API}/instruments/", {"slug": "x"}).status_code == 405
        assert client.delete(f"{API}/instruments/{acdn.slug}/").status_code == 405
        assert client.patch(f"{API}/declarations/admm-2025-kuala-lumpur/", {}).status_code == 405

    def test_a_revoked_token_is_refused(self, api_client_for, consumer):
        client = api_client_for(consumer)
        ApiToken.objects.filter(pk=client.token.pk).update(revoked_at=timezone.now())
        response = client.get(f"{API}/themes/")
        assert response.status_code == 401
        assert "revoked" in response.json()["detail"]

    def test_an_expired_token_is_refused(self, api_client_for, consumer):
        yesterday = timezone.now() - datetime.timedelta(days=1)
        client = api_client_for(consumer, expires_at=yesterday)
        assert client.get(f"{API}/themes/").status_code == 401

    def test_a_token_not_yet_expired_is_accepted(self, api_client_for, consumer):
        client = api_client_for(consumer, expires_at=timezone.now() + datetime.timedelta(days=1))
        assert client.get(f"{API}/themes/").status_code == 200

    def test_a_wrong_key_with_a_real_prefix_is_refused(self, api_client_for, consumer):
        client = api_client_for(consumer)
        client.credentials(HTTP_AUTHORIZATION=f"Token {client.key[:8]}{'x' * 35}")
        assert client.get(f"{API}/themes/").status_code == 401

    def test_a_deactivated_users_token_is_refused(self, api_client_for, consumer):
        client = api_client_for(consumer)
        consumer.is_active = False
        consumer.save()
        assert client.get(f"{API}/themes/").status_code == 401

    def test_a_malformed_authorization_header_is_refused(self, client):
        response = client.get(f"{API}/themes/", HTTP_AUTHORIZATION="Token two words")
        assert response.status_code == 401

    def test_only_a_hash_of_the_key_is_stored(self, api_client_for, consumer):
        client = api_client_for(consumer)
        token = ApiToken.objects.get(pk=client.token.pk)
        assert client.key not in (token.key_hash, token.prefix)
        assert token.key_hash == ApiToken.hash_key(client.key)

    def test_last_use_is_written_at_most_once_a_minute(self, api_client_for, consumer):
        client = api_client_for(consumer)
        client.get(f"{API}/themes/")
        first = ApiToken.objects.get(pk=client.token.pk).last_used_at
        assert first is not None
        client.get(f"{API}/themes/")
        assert ApiToken.objects.get(pk=client.token.pk).last_used_at == first

        two_minutes_ago = timezone.now() - datetime.timedelta(minutes=2)
        ApiToken.objects.filter(pk=client.token.pk).update(last_used_at=two_minutes_ago)
        client.get(f"{API}/themes/")
        assert ApiToken.objects.get(pk=client.token.pk).last_used_at > two_minutes_ago


class TestConsumersSeeOnlyPublishedEntries:
    @pytest.fixture
    def unpublished(self, acdn, malaysia):
        for state in (ReviewState.DRAFT, ReviewState.SUBMITTED, ReviewState.REJECTED):
            make_status(
                acdn,
                party=malaysia,
                status=Status.COMPLETED,
                as_of=D(2026, 2, 1),
                published=False,
                review_state=state,
            )
        return make_status(acdn, party=malaysia, status=Status.PLANNED, as_of=D(2026, 1, 1))

    def test_the_statuses_list_holds_published_entries_only(self, reader, unpublished):
        rows = reader.get(f"{API}/statuses/").json()["results"]
        assert [row["id"] for row in rows] == [unpublished.pk]

    def test_an_unpublished_entry_has_no_address(self, reader, unpublished):
        draft = ImplementationStatus.objects.exclude(pk=unpublished.pk).first()
        assert reader.get(f"{API}/statuses/{draft.pk}/").status_code == 404
        assert reader.get(f"{API}/statuses/{unpublished.pk}/").status_code == 200

    def test_an_instruments_status_ignores_unpublished_entries(self, reader, unpublished):
        row = reader.get(f"{API}/instruments/acdn-guidelines/").json()
        assert row["current_status"] == Status.PLANNED
        assert [s["status"] for s in row["status_by_party"]] == [Status.PLANNED]


# The one write ---------------------------------------------------------------------------


class TestEvidence:
    """A list reads each entry's evidence in the same query as the entries."""

    @pytest.fixture
    def documented(self, acdn):
        status = make_status(acdn, as_of=D(2026, 1, 1))
        for title, kind in [("Zeta minutes", "meeting_report"), ("Alpha decree", "other")]:
            Evidence.objects.create(
                status=status, title=title, url="https://example.org/" + title[:4], kind=kind
            )
        make_status(acdn, as_of=D(2026, 2, 1))  # none
        return status

    def test_the_list_and_the_detail_give_the_evidence_in_the_order_it_was_added(
        self, reader, documented
    ):
        # Links: no file (tests/test_evidence_files.py has the files).
        expected = [
            {"title": "Zeta minutes", "url": "https://example.org/Zeta", "kind": "meeting_report",
             "file": None},
            {"title": "Alpha decree", "url": "https://example.org/Alph", "kind": "other",
             "file": None},
        ]  # fmt: skip
        rows = reader.get(f"{API}/statuses/").json()["results"]
        assert [row["evidence"] for row in rows] == [expected, []]
        assert reader.get(f"{API}/statuses/{documented.pk}/").json()["evidence"] == expected


class TestRecordingAStatus:
    def test_an_editor_publishes_an_entry_for_the_region(self, api_client_for, editor, acdn):
        payload = entry(
            acdn,
            state="published",
            evidence=[
                {
                    "title": "Meeting report",
                    "url": "https://example.org/r.pdf",
                    "kind": "meeting_report",
                }
            ],
        )
        response = api_client_for(editor).post(f"{API}/statuses/", payload)
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["review_state"] == ReviewState.PUBLISHED
        assert body["party"] is None
        saved = ImplementationStatus.objects.get(pk=body["id"])
        assert saved.recorded_by == editor and saved.published_at is not None
        assert Evidence.objects.get(status=saved).title == "Meeting report"
        assert body["evidence"] == [{**payload["evidence"][0], "file": None}]

    def test_a_country_editors_entry_goes_to_review(
        self, api_client_for, malaysia_editor, acdn, malaysia
    ):
        client = api_client_for(malaysia_editor)
        response = client.post(f"{API}/statuses/", entry(acdn, malaysia))
        assert response.status_code == 201
        assert response.json()["review_state"] == ReviewState.SUBMITTED
        assert client.get(f"{API}/statuses/").json()["results"] == []

    def test_a_country_editor_may_keep_a_draft(
        self, api_client_for, malaysia_editor, acdn, malaysia
    ):
        response = api_client_for(malaysia_editor).post(
            f"{API}/statuses/", entry(acdn, malaysia, state="draft")
        )
        assert response.json()["review_state"] == ReviewState.DRAFT

    def test_the_malaysia_editor_cannot_report_for_the_philippines(
        self, api_client_for, malaysia_editor, acdn, philippines
    ):
        response = api_client_for(malaysia_editor).post(
            f"{API}/statuses/", entry(acdn, philippines)
        )
        assert response.status_code == 403
        assert "Philippines" in response.json()["detail"]
        assert not ImplementationStatus.objects.exists()

    def test_a_country_editor_cannot_report_for_the_region(
        self, api_client_for, malaysia_editor, acdn
    ):
        response = api_client_for(malaysia_editor).post(
            f"{API}/statuses/", entry(acdn, party=None) | {"party": "region"}
        )
        assert response.status_code == 403

    def test_a_country_editor_cannot_publish(self, api_client_for, malaysia_editor, acdn, malaysia):
        response = api_client_for(malaysia_editor).post(
            f"{API}/statuses/", entry(acdn, malaysia, state="published")
        )
        assert response.status_code == 403
        assert not ImplementationStatus.objects.exists()

    def test_a_manager_cannot_record_anything(self, api_client_for, manager, acdn):
        assert api_client_for(manager).post(f"{API}/statuses/", entry(acdn)).status_code == 403

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"instrument": "no-such-instrument"}, "instrument"),
            ({"party": "XXX"}, "party"),
            ({"progress": 150}, "progress"),
            ({"status": "finished-ish"}, "status"),
            ({"as_of": "2999-01-01"}, "as_of"),
            ({"evidence": [{"title": "x", "url": "not a url"}]}, "evidence"),
            ({"evidence": [{"title": "x" * 201, "url": "https://example.org/"}]}, "evidence"),
            # Characters the database cannot store are refused, never a server error.
            ({"instrument": "acdn\x00"}, "instrument"),
            ({"party": "MY\ud800"}, "party"),
            ({"note": "lone \ud800 surrogate"}, "note"),
            ({"evidence": [{"title": "\udfff", "url": "https://example.org/"}]}, "evidence"),
        ],
    )
    def test_invalid_fields_are_answered_400_field_by_field(
        self, api_client_for, editor, acdn, change, field
    ):
        # Sent as ASCII JSON, escapes included, as a client program would.
        body = json.dumps(entry(acdn) | change)
        response = api_client_for(editor).post(
            f"{API}/statuses/", body, content_type="application/json"
        )
        assert response.status_code == 400
        assert field in response.json()
        assert not ImplementationStatus.objects.exists()

    def test_writes_have_their_own_throttle(self, api_client_for, editor, acdn, settings):
        rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] | {"write": "1/minute"}
        settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": rates}
        client = api_client_for(editor)
        assert client.post(f"{API}/statuses/", entry(acdn)).status_code == 201
        assert client.post(f"{API}/statuses/", entry(acdn)).status_code == 429
        assert client.get(f"{API}/statuses/").status_code == 200


# Representations -------------------------------------------------------------------------


class TestInstruments:
    @pytest.fixture
    def roadmap(self, acdn, malaysia, philippines):
        acdn.due_on = D(2026, 6, 30)
        acdn.save()
        acdn.themes.add(Theme.objects.get(slug="cyber-security"))
        acdn.lead_parties.add(malaysia)
        make_status(acdn, status=Status.PLANNED, progress=10, as_of=D(2025, 11, 15))
        make_status(acdn, status=Status.IN_PROGRESS, progress=55, as_of=D(2026, 9, 15))
        make_status(
            acdn, party=malaysia, status=Status.IN_PROGRESS, progress=60, as_of=D(2026, 9, 1)
        )
        make_status(acdn, party=philippines, status=Status.PLANNED, as_of=D(2026, 5, 1))
        make_instrument(
            parent=acdn,
            slug="acdn-phase-1",
            name="Phase 1",
            kind="milestone",
            due_on=D(2026, 3, 31),
            completed_on=D(2026, 3, 15),
        )
        return acdn

    def test_an_instrument_carries_status_progress_milestones_and_citing_declarations(
        self, reader, roadmap
    ):
        row = reader.get(f"{API}/instruments/acdn-guidelines/?as_of=2026-10-01").json()
        assert (row["current_status"], row["current_progress"]) == (Status.IN_PROGRESS, 55)
        assert row["current_as_of"] == "2026-09-15"
        assert row["due_on"] == "2026-06-30" and row["overdue"] is True
        assert {(s["party"], s["progress"]) for s in row["status_by_party"]} == {
            ("MYS", 60),
            ("PHL", None),
        }
        assert [m["slug"] for m in row["milestones"]] == ["acdn-phase-1"]
        assert row["cited_by"] == [
            {
                "declaration": "admm-2025-kuala-lumpur",
                "declaration_title": "KL Joint Declaration",
                "adopted_on": "2025-10-31",
                "anchor": "op-9",
                "printed_number": "",  # the text numbers no paragraph
                "relation": "adopts",
                "clause_url": "http://testserver/api/v1/clauses/admm-2025-kuala-lumpur/op-9/",
            }
        ]
        assert row["themes"] == ["cyber-security"] and row["lead_parties"] == ["MYS"]

    def test_as_of_reproduces_an_earlier_status(self, reader, roadmap):
        row = reader.get(f"{API}/instruments/acdn-guidelines/?as_of=2026-01-01").json()
        assert (row["current_status"], row["current_progress"]) == (Status.PLANNED, 10)
        assert row["status_by_party"] == [] and row["overdue"] is False

    @pytest.mark.parametrize(
        ("query", "found"),
        [
            ("status=in_progress", True),
            ("status=completed", False),
            ("overdue=true", True),
            ("overdue=true&as_of=2026-01-01", False),
            ("declaration=admm-2025-kuala-lumpur", True),
            ("declaration=another", False),
            ("kind=guidelines", True),
            ("theme=cyber-security", True),
            ("theme=hadr", False),
            ("party=PHL", True),
            ("party=SGP", False),
            ("q=ACDN", True),
            ("tracked=true", True),
            ("updated_since=2999-01-01T00:00:00Z", False),
        ],
    )
    def test_the_report_filters_apply(self, reader, roadmap, query, found):
        slugs = [row["slug"] for row in reader.get(f"{API}/instruments/?{query}").json()["results"]]
        assert ("acdn-guidelines" in slugs) is found

    def test_a_list_row_has_the_overall_status_and_leaves_the_collections_out(
        self, reader, roadmap
    ):
        row = reader.get(f"{API}/instruments/?as_of=2026-10-01").json()["results"][0]
        assert (row["slug"], row["current_status"], row["current_progress"]) == (
            "acdn-guidelines",
            Status.IN_PROGRESS,
            55,
        )
        assert row["overdue"] is True and row["current_as_of"] == "2026-09-15"
        assert not set(EXPANDABLE) & set(row)
        assert "description" not in row

    def test_expand_adds_the_detail_collections_to_each_row(self, reader, roadmap):
        detail = reader.get(f"{API}/instruments/acdn-guidelines/?as_of=2026-10-01").json()
        rows = reader.get(
            f"{API}/instruments/?as_of=2026-10-01&expand=status_by_party,cited_by&expand=themes"
        ).json()["results"]
        row = rows[0]
        assert {name for name in EXPANDABLE if name in row} == {
            "status_by_party",
            "cited_by",
            "themes",
        }
        for name in ("status_by_party", "cited_by", "themes"):
            assert row[name] == detail[name], name

    def test_an_unknown_expansion_is_a_400_naming_it(self, reader, roadmap):
        response = reader.get(f"{API}/instruments/?expand=themes,history")
        assert response.status_code == 400
        message = response.json()["expand"][0]
        assert "'history'" in message and "status_by_party" in message

    @pytest.mark.parametrize("query", ["expand=,", "expand=themes,,cited_by", "expand=themes,"])
    def test_an_empty_name_in_an_expansion_list_is_a_400(self, reader, roadmap, query):
        response = reader.get(f"{API}/instruments/?{query}")
        assert response.status_code == 400
        assert "empty name" in response.json()["expand"][0]

    def test_an_empty_expansion_is_a_400_asking_for_a_value(self, reader, roadmap):
        response = reader.get(f"{API}/instruments/?expand=")
        assert response.status_code == 400
        assert "expand" in response.json()

    @pytest.mark.parametrize("name", ["no_information", "none"])
    def test_no_information_finds_the_never_assessed_and_the_no_information_entries(
        self, reader, roadmap, name
    ):
        said = make_instrument(slug="said-nothing")
        make_status(said, status=Status.NO_INFORMATION, as_of=D(2026, 1, 1))
        body = reader.get(f"{API}/instruments/?status={name}").json()
        assert {row["slug"] for row in body["results"]} == {"said-nothing", "acdn-phase-1"}

    def test_an_invalid_filter_value_is_a_400(self, reader, roadmap):
        response = reader.get(f"{API}/instruments/?status=finished-ish")
        assert response.status_code == 400
        assert "status" in response.json()


class TestListRowsRead:
    """The statuses list and the unexpanded instruments list read their pages as rows of
    values and write them without model instances (serializers.RowListSerializer). A row
    must equal what DRF's fields make of the same object: the detail for an entry, the
    expanded list (model instances) for an instrument."""

    @pytest.fixture
    def varied(self, acdn, malaysia, philippines):
        """Entries and instruments of every shape a row has: region and party entries, none
        or several evidence items, no progress, text outside ASCII, a parent, no due date,
        overdue, completed, never assessed, an assessment by countries only."""
        acdn.due_on = D(2026, 6, 30)
        acdn.acronym = "ACDN"
        acdn.save()
        make_status(acdn, status=Status.PLANNED, progress=None, as_of=D(2025, 11, 15))
        documented = make_status(
            acdn, party=malaysia, progress=60, as_of=D(2026, 9, 1), note="Đà Nẵng — “node” ✓"
        )
        for title in ("Zeta minutes", "Alpha decree", "Mid report"):
            Evidence.objects.create(status=documented, title=title, url="https://example.org/")
        done = make_instrument(
            slug="done-milestone",
            name="Done milestone",
            kind="milestone",
            parent=acdn,
            due_on=D(2026, 3, 31),
            completed_on=D(2026, 3, 15),
        )
        make_status(done, status=Status.COMPLETED, progress=100, as_of=D(2026, 3, 15))
        make_instrument(  # completed late, and no entry says so
            slug="late-milestone",
            name="Late milestone",
            kind="milestone",
            parent=acdn,
            due_on=D(2026, 4, 30),
            completed_on=D(2026, 5, 20),
        )
        closed = make_instrument(slug="closed", name="Closed", due_on=D(2025, 12, 31))
        make_status(closed, status=Status.DISCONTINUED, as_of=D(2026, 1, 10))
        countries_only = make_instrument(slug="by-countries", name="By countries")
        make_status(countries_only, party=philippines, status=Status.DELAYED, as_of=D(2026, 4, 1))
        make_instrument(slug="never", name="Never assessed", due_on=D(2027, 1, 1))

    def test_each_status_row_equals_the_entrys_detail(self, reader, varied):
        rows = reader.get(f"{API}/statuses/?page_size=100").json()["results"]
        assert len(rows) == ImplementationStatus.objects.published().count() >= 5
        assert any(row["evidence"] for row in rows) and any(row["party"] for row in rows)
        for row in rows:
            detail = reader.get(row["url"]).json()
            assert list(row.items()) == list(detail.items())

    @pytest.mark.parametrize(
        ("as_of", "overdue"),
        [
            (None, None),  # today
            ("2026-01-01", {"closed"}),
            ("2026-03-20", set()),
            ("2026-05-10", {"late-milestone"}),
            ("2026-10-01", {"acdn-guidelines"}),
        ],
    )
    def test_each_instrument_row_equals_the_expanded_row_less_its_collections(
        self, reader, varied, as_of, overdue
    ):
        query = f"?page_size=100&as_of={as_of}" if as_of else "?page_size=100"
        lean = reader.get(f"{API}/instruments/{query}").json()["results"]
        expanded = reader.get(f"{API}/instruments/{query}&expand={','.join(EXPANDABLE)}")
        assert len(lean) == Instrument.objects.count() >= 5
        for row, full in zip(lean, expanded.json()["results"], strict=True):
            assert list(row.items()) == [(k, v) for k, v in full.items() if k not in EXPANDABLE]
        if overdue is not None:
            assert {row["slug"] for row in lean if row["overdue"]} == overdue

    @pytest.mark.parametrize("path", ["statuses/", "instruments/"])
    def test_a_list_page_builds_no_model_instances_of_its_rows(self, reader, varied, path):
        from django.db.models.signals import pre_init

        built = []

        def count(sender, **kwargs):
            built.append(sender)

        pre_init.connect(count)
        try:
            rows = reader.get(f"{API}/{path}").json()["results"]
        finally:
            pre_init.disconnect(count)
        assert rows
        assert ImplementationStatus not in built and Instrument not in built


class TestClausesAndDeclarations:
    def test_a_clause_is_found_by_declaration_and_anchor_with_its_instruments(self, reader, acdn):
        row = reader.get(f"{API}/clauses/admm-2025-kuala-lumpur/op-9/").json()
        assert row["lead_verb"] == "ADOPT"
        assert [(i["slug"], i["relation"]) for i in row["instruments"]] == [
            ("acdn-guidelines", "adopts")
        ]

    def test_an_unknown_anchor_is_a_404(self, reader, acdn):
        assert reader.get(f"{API}/clauses/admm-2025-kuala-lumpur/op-99/").status_code == 404
        assert reader.get(f"{API}/clauses/admm-2025-kuala-lumpur/art-1/").status_code == 404

    @pytest.mark.parametrize(
        ("query", "anchors"),
        [
            ("part=preamble", ["pre-1"]),
            ("verb_class=adopts", ["op-9"]),
            ("lead_verb=adopt", ["op-9"]),
            ("trackable=true", ["op-9"]),
            ("instrument=acdn-guidelines", ["op-9"]),
            ("q=need", ["pre-1"]),
        ],
    )
    def test_clause_filters(self, reader, acdn, query, anchors):
        rows = reader.get(f"{API}/clauses/?{query}").json()["results"]
        assert [row["anchor"] for row in rows] == anchors

    def test_a_declaration_lists_its_clauses_preamble_first(self, reader, acdn):
        row = reader.get(f"{API}/declarations/admm-2025-kuala-lumpur/").json()
        assert [c["anchor"] for c in row["clauses"]][:3] == ["pre-1", "op-1", "op-2"]
        assert row["akoma_ntoso_url"].endswith("/declarations/admm-2025-kuala-lumpur/akn.xml")

    def test_declarations_are_searched_by_title(self, reader, acdn):
        make_declaration(title="Singapore Joint Declaration")
        rows = reader.get(f"{API}/declarations/?q=singapore").json()["results"]
        assert [row["title"] for row in rows] == ["Singapore Joint Declaration"]

    def test_parties_and_themes_are_listed(self, reader):
        parties = reader.get(f"{API}/parties/?group=asean&page_size=100").json()
        assert parties["count"] == 11
        assert reader.get(f"{API}/parties/MYS/").json()["name"] == "Malaysia"
        assert reader.get(f"{API}/themes/hadr/").status_code == 200


# Pagination and query counts -------------------------------------------------------------


@pytest.fixture
def many_of_everything(malaysia, philippines):
    """120 of each listed thing, each with all the relations a row shows, so that a page
    of 100 would cost 100 more queries if anything were loaded one row at a time. Built in
    bulk: a row-by-row build takes seconds."""
    n = range(120)
    themes = list(Theme.objects.all())
    declarations = Declaration.objects.bulk_create(
        Declaration(slug=f"d-{i}", title=f"Declaration {i}", body="ADMM", adopted_on=D(2025, 1, 1))
        for i in n
    )
    clauses = Clause.objects.bulk_create(
        Clause(
            declaration=declarations[0],
            part=Part.OPERATIVE,
            number=i + 1,
            lead_word="ADOPT",
            lead_verb="ADOPT",
            verb_class=VerbClass.ADOPTS,
            text="ADOPT it.",
            trackable=True,
        )
        for i in n
    )
    instruments = Instrument.objects.bulk_create(
        Instrument(slug=f"i-{i}", name=f"Instrument {i}", due_on=D(2026, 1, 1)) for i in n
    )
    Instrument.objects.bulk_create(
        Instrument(slug=f"m-{i}", name=f"Milestone {i}", kind="milestone", parent=instruments[i])
        for i in n
    )
    Reference.objects.bulk_create(
        Reference(clause=clauses[i], instrument=instruments[i], relation="adopts") for i in n
    )
    Instrument.themes.through.objects.bulk_create(
        Instrument.themes.through(instrument=instruments[i], theme=themes[i % len(themes)])
        for i in n
    )
    Instrument.lead_parties.through.objects.bulk_create(
        Instrument.lead_parties.through(instrument=instruments[i], party=malaysia) for i in n
    )
    statuses = ImplementationStatus.objects.bulk_create(
        ImplementationStatus(
            instrument=instruments[i],
            party=party,
            status=Status.IN_PROGRESS,
            as_of=D(2026, 1, 1),
            review_state=ReviewState.PUBLISHED,
            published_at=at_noon(D(2026, 1, 1)) + datetime.timedelta(minutes=i),
        )
        for i in n
        for party in (None, malaysia, philippines)
    )
    Evidence.objects.bulk_create(
        Evidence(status=status, title="Report", url="https://example.org/") for status in statuses
    )


TOTALS = {
    "declarations": lambda: Declaration.objects.count(),
    "clauses": lambda: Clause.objects.count(),
    "instruments": lambda: Instrument.objects.count(),
    "statuses": lambda: ImplementationStatus.objects.published().count(),
    "parties": lambda: Party.objects.count(),
    "themes": lambda: Theme.objects.count(),
}

# Queries per list whatever the page size: the token, the count (none for the statuses'
# cursor), the rows, and one per prefetched relation.
EXPECTED_QUERIES = {
    "declarations": 3,
    "clauses": 4,
    "instruments": 3,
    "statuses": 2,
    "parties": 3,
    "themes": 3,
}


def test_each_list_costs_the_same_queries_for_10_50_and_100_rows(
    reader, many_of_everything, django_assert_num_queries
):
    reader.get(f"{API}/themes/")  # records the token's last use, once a minute
    for endpoint in LISTS:
        for size in (10, 50, 100):
            with django_assert_num_queries(EXPECTED_QUERIES[endpoint]):
                response = reader.get(f"{API}/{endpoint}/?page_size={size}")
            assert response.status_code == 200, endpoint
            assert len(response.json()["results"]) == min(size, TOTALS[endpoint]()), endpoint


def test_each_expanded_collection_costs_one_query_whatever_the_page_size(
    reader, many_of_everything, django_assert_num_queries
):
    reader.get(f"{API}/themes/")  # records the token's last use, once a minute
    expand = ",".join(EXPANDABLE)
    for size in (10, 50, 100):
        with django_assert_num_queries(EXPECTED_QUERIES["instruments"] + len(EXPANDABLE)):
            response = reader.get(f"{API}/instruments/?page_size={size}&expand={expand}")
        assert response.status_code == 200
        assert all(name in response.json()["results"][0] for name in EXPANDABLE)
    for name in EXPANDABLE:
        with django_assert_num_queries(EXPECTED_QUERIES["instruments"] + 1):
            reader.get(f"{API}/instruments/?expand={name}")


def test_the_page_size_is_capped_at_100(reader, many_of_everything):
    for endpoint in ("instruments", "statuses"):
        response = reader.get(f"{API}/{endpoint}/?page_size=1000")
        assert len(response.json()["results"]) == 100


# Incremental sync ------------------------------------------------------------------------


def poll(client, url):
    """Follow `next` until the API says nothing more is waiting; returns (ids, next url)."""
    seen = []
    while True:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
        if not body["has_more"]:
            return seen, url


def status_ids(client, query):
    return [row["id"] for row in client.get(f"{API}/statuses/?{query}").json()["results"]]


class TestIncrementalSync:
    def test_entries_published_between_two_polls_each_appear_exactly_once(self, reader, acdn):
        day = datetime.timedelta(days=1)
        noon = at_noon(D(2026, 1, 1))

        def publish(when):
            return make_status(acdn, as_of=D(2026, 1, 1), published_at=when).pk

        # Three entries share one instant, so a page of two splits them.
        first = [publish(noon), publish(noon + day), publish(noon + day), publish(noon + day)]
        first += [publish(noon + n * day) for n in range(2, 5)]
        seen, next_url = poll(reader, f"{API}/statuses/?page_size=2")
        assert sorted(seen) == sorted(first) and len(seen) == len(set(seen))

        # Published after the first poll: one in the same instant as the last entry seen,
        # the others later.
        later = [publish(noon + 4 * day)] + [publish(noon + n * day) for n in range(10, 14)]
        seen_later, next_url = poll(reader, next_url)
        assert sorted(seen_later) == sorted(later) and len(seen_later) == len(set(seen_later))
        assert poll(reader, next_url)[0] == []

    def test_a_poll_with_nothing_new_keeps_its_place(self, reader, acdn):
        make_status(acdn, as_of=D(2026, 1, 1))
        _, next_url = poll(reader, f"{API}/statuses/")
        body = reader.get(next_url).json()
        assert body["results"] == [] and body["has_more"] is False
        assert body["next"] == next_url

    def test_an_entry_waits_for_the_sync_delay_and_then_appears_once(
        self, reader, api_client_for, editor, acdn, settings
    ):
        api_client_for(editor).post(f"{API}/statuses/", entry(acdn, state="published"))
        seen, next_url = poll(reader, f"{API}/statuses/")
        assert seen == []
        settings.TRACKER_API_SYNC_DELAY_SECONDS = 0  # as if the delay had passed
        seen, next_url = poll(reader, next_url)
        assert len(seen) == 1
        assert poll(reader, next_url)[0] == []

    def test_updated_since_starts_a_sync_at_a_date(self, reader, acdn):
        make_status(acdn, as_of=D(2025, 12, 1))
        recent = make_status(acdn, as_of=D(2026, 2, 1))
        rows = reader.get(f"{API}/statuses/?updated_since=2026-01-01T00:00:00Z").json()
        assert [row["id"] for row in rows["results"]] == [recent.pk]

    def test_status_filters_select_by_party_and_date_known(self, reader, acdn, malaysia):
        region = make_status(acdn, as_of=D(2026, 1, 1))
        mys = make_status(acdn, party=malaysia, as_of=D(2026, 3, 1))
        assert status_ids(reader, "party=region") == [region.pk]
        assert status_ids(reader, "party=MYS") == [mys.pk]
        assert status_ids(reader, "as_of=2026-02-01") == [region.pk]

    @pytest.mark.parametrize(
        "forged",
        [
            "not-a-cursor",
            "2026-01-01T00:00:00|1",
            "2026-01-01T00:00:00+00:00|-1",
            "0001-01-01T00:00:00+05:00|1",
        ],
    )
    def test_a_forged_cursor_is_a_400(self, reader, forged):
        cursor = base64.urlsafe_b64encode(forged.encode()).decode()
        response = reader.get(f"{API}/statuses/", {"cursor": cursor})
        assert response.status_code == 400
        assert "cursor" in response.json()

    def test_a_cursor_with_an_unusual_offset_is_read_in_utc(self, reader, acdn):
        make_status(acdn, as_of=D(2026, 1, 2))
        forged = "2026-01-01T00:00:00-20:33|1"
        cursor = base64.urlsafe_b64encode(forged.encode()).decode()
        assert reader.get(f"{API}/statuses/", {"cursor": cursor}).status_code == 200


# Formats, conditional requests, throttling -----------------------------------------------


@pytest.mark.parametrize("endpoint", LISTS)
def test_every_list_is_available_as_csv(reader, acdn, endpoint):
    make_status(acdn, as_of=D(2026, 1, 1))
    response = reader.get(f"{API}/{endpoint}/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) >= 2
    assert all(len(row) == len(rows[0]) for row in rows)


def test_csv_neutralises_spreadsheet_formulas(reader):
    make_instrument(slug="formula", name='=HYPERLINK("http://evil.example","x")')
    rows = list(
        csv.DictReader(io.StringIO(reader.get(f"{API}/instruments/?format=csv").content.decode()))
    )
    assert rows[0]["name"].startswith("'=HYPERLINK")


def test_csv_lists_are_joined_and_empty_values_are_blank(reader, acdn, malaysia):
    acdn.lead_parties.add(malaysia, Party.objects.get(code="SGP"))
    text = reader.get(f"{API}/instruments/?format=csv&expand=lead_parties").content.decode()
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["lead_parties"] == "MYS; SGP"
    assert row["current_status"] == ""


def test_a_detail_is_not_offered_as_csv(reader, acdn):
    assert reader.get(f"{API}/instruments/acdn-guidelines/?format=csv").status_code == 404


def test_errors_are_json_even_when_csv_was_asked_for(reader):
    response = reader.get(f"{API}/instruments/?format=csv&status=finished-ish")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


class TestConditionalRequests:
    @pytest.mark.parametrize(
        "path", ["instruments/", "instruments/acdn-guidelines/", "statuses/", "declarations/"]
    )
    def test_an_unchanged_resource_answers_304(self, reader, acdn, path):
        make_status(acdn, as_of=D(2026, 1, 1))
        first = reader.get(f"{API}/{path}")
        assert first.status_code == 200 and first["ETag"]
        again = reader.get(f"{API}/{path}", HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert again.content == b""

    def test_a_newly_published_entry_changes_the_etag(self, reader, acdn):
        first = reader.get(f"{API}/instruments/acdn-guidelines/")
        make_status(acdn, as_of=D(2026, 1, 1))
        again = reader.get(f"{API}/instruments/acdn-guidelines/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 200
        assert again.json()["current_status"] == Status.IN_PROGRESS

    def test_csv_and_json_have_different_etags(self, reader, acdn):
        as_json = reader.get(f"{API}/instruments/")
        as_csv = reader.get(f"{API}/instruments/?format=csv", HTTP_IF_NONE_MATCH=as_json["ETag"])
        assert as_csv.status_code == 200

    def test_responses_must_be_revalidated(self, reader, acdn):
        cache_control = reader.get(f"{API}/instruments/")["Cache-Control"]
        assert "no-cache" in cache_control and "private" in cache_control


def test_a_client_over_the_limit_gets_429_with_retry_after(reader, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] | {"user": "3/minute"}
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": rates}
    answers = [reader.get(f"{API}/themes/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    response = reader.get(f"{API}/themes/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_anonymous_visitors_of_a_public_api_have_their_own_limit(client, settings):
    settings.TRACKER_PUBLIC_API = True
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] | {"anon": "2/minute"}
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": rates}
    answers = [client.get(f"{API}/themes/").status_code for _ in range(3)]
    assert answers == [200, 200, 429]


class TestTokensInTheAdmin:
    def test_an_administrator_creates_a_token_and_sees_its_key_once(
        self, client, administrator, consumer
    ):
        client.force_login(administrator)
        response = client.post(
            "/admin/declarations/apitoken/add/",
            {
                "user": consumer.pk,
                "name": "Think-tank dashboard",
                "expires_at_0": "",
                "expires_at_1": "",
            },
            follow=True,
        )
        token = ApiToken.objects.get(name="Think-tank dashboard")
        shown = [str(m) for m in response.context["messages"]]
        key = next(word for m in shown for word in m.split() if word.startswith(token.prefix))
        assert token.user == consumer and token.key_hash == ApiToken.hash_key(key)
        # The key works, and is never shown again.
        reader = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
        assert reader.get(f"{API}/themes/").status_code == 200
        page = client.get(f"/admin/declarations/apitoken/{token.pk}/change/")
        assert key not in page.content.decode()

    def test_the_list_shows_prefix_user_and_dates(
        self, client, administrator, api_client_for, consumer
    ):
        token = api_client_for(consumer).token
        client.force_login(administrator)
        page = client.get("/admin/declarations/apitoken/").content.decode()
        assert token.prefix in page and "dash" in page

    def test_revoking_in_the_admin_stops_the_token(
        self, client, administrator, api_client_for, consumer
    ):
        reader = api_client_for(consumer)
        client.force_login(administrator)
        client.post(
            "/admin/declarations/apitoken/",
            {"action": "revoke", "_selected_action": [reader.token.pk]},
        )
        assert ApiToken.objects.get(pk=reader.token.pk).revoked_at is not None
        assert reader.get(f"{API}/themes/").status_code == 401

    def test_an_editor_cannot_issue_tokens(self, client, editor):
        client.force_login(editor)
        assert client.get("/admin/declarations/apitoken/add/").status_code == 403


@pytest.mark.parametrize(
    "instant",
    [
        "2026-01-01T00:00:00-20:33",  # an offset Python accepts and PostgreSQL does not
        "0001-01-01T01:00:00+05:00",  # in UTC, before year 1
        "9999-12-31T23:00:00-05:00",  # in UTC, after year 9999
    ],
)
def test_updated_since_takes_any_iso_instant(reader, acdn, instant):
    response = reader.get(f"{API}/instruments/", {"updated_since": instant})
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["as_of=0001-01-01&stale=true", "as_of=9999-12-31&overdue=true"])
def test_the_earliest_and_latest_dates_are_answered(reader, acdn, query):
    assert reader.get(f"{API}/instruments/?{query}").status_code == 200


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache", None),
        ("db://tracker_cache", "tracker.cache.DatabaseCache", "tracker_cache"),
        ("redis://127.0.0.1:6379/0", "tracker.cache.RedisCache", "redis://127.0.0.1:6379/0"),
    ],
)
def test_the_throttle_cache_is_chosen_by_cache_url(url, backend, location):
    from tracker.settings import cache_from_url

    cache = cache_from_url(url)
    assert cache["BACKEND"] == backend
    assert cache.get("LOCATION") == location


def test_an_unknown_cache_url_or_rate_stops_start_up(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from tracker.settings import cache_from_url, env_rate

    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_from_url("memcached://localhost")
    monkeypatch.setenv("TRACKER_API_RATE_USER", "600/minutes")
    with pytest.raises(ImproperlyConfigured, match="TRACKER_API_RATE_USER"):
        env_rate("TRACKER_API_RATE_USER", "600/minute")


@pytest.mark.parametrize(
    "query",
    [
        "statuses/?status=completed&status=planned",
        "instruments/?kind=guidelines&kind=roadmap",
        "clauses/?verb_class=adopts&verb_class=welcomes",
    ],
)
def test_choice_filters_add_no_distinct(reader, acdn, query):
    # A DISTINCT over a million entries sorted every match before the first page.
    with CaptureQueriesContext(connection) as captured:
        assert reader.get(f"{API}/{query}").status_code == 200
    assert not [q["sql"] for q in captured if "DISTINCT" in q["sql"].upper()]
