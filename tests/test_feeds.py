"""Atom feeds of published status changes, overall and per declaration."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from declarations.models import ImplementationStatus, ReviewState, Status
from tests.factories import make_clause, make_declaration, make_instrument, make_status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_api_throttles")]

ATOM = "{http://www.w3.org/2005/Atom}"
FEED = "/api/v1/feeds/statuses/"
D = datetime.date


@pytest.fixture
def reader(api_client_for, consumer):
    return api_client_for(consumer)


@pytest.fixture
def two_declarations(malaysia):
    """ADSARX, cited by the 2025 declaration, and ADMM Cyber, cited by the 2024 one; each with
    published entries, and ADSARX with a draft and a rejected entry too."""
    kl = make_declaration(slug="admm-2025-kuala-lumpur")
    vientiane = make_declaration(slug="admm-2024-vientiane", adopted_on=D(2024, 11, 21))
    adsarx = make_instrument(make_clause(kl), slug="adsarx", name="ADSARX", acronym="ADSARX")
    cyber = make_instrument(make_clause(vientiane), slug="cyber", name="ADMM Cybersecurity")
    make_status(adsarx, status=Status.PLANNED, as_of=D(2026, 1, 10))
    make_status(
        adsarx,
        party=malaysia,
        status=Status.IN_PROGRESS,
        progress=25,
        as_of=D(2026, 3, 1),
        note="Initial planning conference held.",
    )
    make_status(cyber, status=Status.COMPLETED, as_of=D(2026, 2, 1))
    make_status(adsarx, status=Status.COMPLETED, as_of=D(2026, 4, 1), published=False)
    make_status(
        adsarx,
        status=Status.DELAYED,
        as_of=D(2026, 4, 2),
        published=False,
        review_state=ReviewState.REJECTED,
    )
    return adsarx, cyber


def entries(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def test_the_feed_lists_published_changes_newest_first(reader, two_declarations):
    titles = [e.findtext(f"{ATOM}title") for e in entries(reader.get(FEED))]
    assert titles == [
        "ADSARX (ADSARX): In progress (Malaysia)",
        "ADMM Cybersecurity: Completed (Region)",
        "ADSARX (ADSARX): Planned (Region)",
    ]


def test_drafts_and_rejected_entries_never_appear(reader, two_declarations):
    body = reader.get(FEED).content.decode()
    assert "Delayed" not in body and "ADSARX (ADSARX): Completed" not in body


def test_each_entry_has_its_own_address_date_and_summary(reader, two_declarations, malaysia):
    newest = ImplementationStatus.objects.get(party=malaysia)
    feed = entries(reader.get(FEED))
    assert feed[0].find(f"{ATOM}link").get("href").endswith(f"/api/v1/statuses/{newest.pk}/")
    assert feed[0].findtext(f"{ATOM}updated").startswith("2026-03-01T12:00:00")
    assert feed[0].findtext(f"{ATOM}summary") == (
        "As of 2026-03-01: In progress, 25% complete. Initial planning conference held."
    )
    ids = [entry.findtext(f"{ATOM}id") for entry in feed]
    assert len(ids) == len(set(ids))


def test_a_declarations_feed_holds_only_the_instruments_it_cites(reader, two_declarations):
    response = reader.get("/api/v1/feeds/declarations/admm-2024-vientiane/")
    titles = [e.findtext(f"{ATOM}title") for e in entries(response)]
    assert titles == ["ADMM Cybersecurity: Completed (Region)"]


def test_an_unknown_declarations_feed_is_a_json_404(reader):
    response = reader.get("/api/v1/feeds/declarations/no-such-declaration/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_feeds_need_a_token_unless_the_api_is_public(client, settings, two_declarations):
    assert client.get(FEED).status_code == 401
    settings.TRACKER_PUBLIC_API = True
    assert len(entries(client.get(FEED))) == 3


def test_a_feed_reader_asking_for_any_xml_gets_the_feed(reader, two_declarations):
    response = reader.get(FEED, HTTP_ACCEPT="application/rss+xml, application/xml;q=0.9")
    assert len(entries(response)) == 3


def test_an_unchanged_feed_answers_304(reader, two_declarations):
    first = reader.get(FEED)
    assert first["Last-Modified"]
    assert reader.get(FEED, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert reader.get(FEED, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_a_newly_published_entry_changes_the_feed(reader, two_declarations):
    adsarx, _ = two_declarations
    first = reader.get(FEED)
    make_status(adsarx, status=Status.ONGOING, as_of=D(2026, 5, 1))
    again = reader.get(FEED, HTTP_IF_NONE_MATCH=first["ETag"])
    assert len(entries(again)) == 4


def test_the_feed_costs_the_same_queries_for_one_entry_or_many(
    reader, two_declarations, django_assert_num_queries
):
    adsarx, _ = two_declarations
    reader.get(FEED)  # records the token's last use
    for n in range(20):
        make_status(adsarx, as_of=D(2026, 6, 1) + datetime.timedelta(n))
    # The token, and the entries with their instruments and parties.
    with django_assert_num_queries(2):
        assert len(entries(reader.get(FEED))) == 23
