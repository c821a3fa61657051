"""Incremental sync of instruments: `?updated_since=` hears of every change a consumer
would see in an instrument's representation."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from declarations.models import Instrument
from tests.factories import make_instrument, make_status
from tests.test_api import API

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_api_throttles")]

T = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)
BEFORE = T - datetime.timedelta(days=30)
AFTER = T + datetime.timedelta(days=1)


@pytest.fixture
def reader(api_client_for, consumer):
    return api_client_for(consumer)


@pytest.fixture
def family():
    """A roadmap with a phase that has a step, and an unrelated instrument, all last edited
    before T."""
    roadmap = make_instrument(slug="roadmap", name="Roadmap", kind="roadmap")
    phase = make_instrument(parent=roadmap, slug="phase-1", name="Phase 1", kind="milestone")
    step = make_instrument(parent=phase, slug="step-1", name="Step 1", kind="milestone")
    other = make_instrument(slug="other", name="Other")
    Instrument.objects.update(updated_at=BEFORE)
    return roadmap, phase, step, other


def changed_since(client, instant=T):
    response = client.get(f"{API}/instruments/", {"updated_since": instant.isoformat()})
    assert response.status_code == 200
    return sorted(row["slug"] for row in response.json()["results"])


def publish(instrument, at):
    return make_status(instrument, as_of=at.date(), published_at=at)


def test_nothing_changed_since_gives_nothing(reader, family):
    publish(family[0], BEFORE)
    assert changed_since(reader) == []


def test_an_instruments_own_edit_counts(reader, family):
    Instrument.objects.filter(slug="other").update(updated_at=AFTER)
    assert changed_since(reader) == ["other"]


def test_a_status_published_since_counts_for_its_instrument(reader, family):
    publish(family[3], AFTER)
    assert changed_since(reader) == ["other"]


def test_a_milestones_status_counts_for_the_milestone_and_its_ancestors(reader, family):
    roadmap, phase, step, _ = family
    publish(step, AFTER)
    assert changed_since(reader) == ["phase-1", "roadmap", "step-1"]


def test_a_milestones_edit_counts_for_its_parent_and_grandparent(reader, family):
    Instrument.objects.filter(slug="step-1").update(updated_at=AFTER)
    assert changed_since(reader) == ["phase-1", "roadmap", "step-1"]


def test_an_unpublished_entry_does_not_count(reader, family):
    make_status(family[3], as_of=AFTER.date(), published=False)
    assert changed_since(reader) == []


def test_the_instant_is_compared_in_utc(reader, family):
    publish(family[3], AFTER)
    far_east = datetime.timezone(datetime.timedelta(hours=14))
    assert changed_since(reader, AFTER.astimezone(far_east)) == ["other"]
    assert changed_since(reader, AFTER.astimezone(far_east) + datetime.timedelta(seconds=1)) == []


def test_statuses_keep_publication_time(reader, family):
    publish(family[3], AFTER)
    response = reader.get(f"{API}/statuses/", {"updated_since": T.isoformat()})
    assert [row["instrument"] for row in response.json()["results"]] == ["other"]


def test_the_filter_reads_the_entries_once_not_per_instrument(reader, family):
    for instrument in family:
        publish(instrument, AFTER)
    reader.get(f"{API}/themes/")  # records the token's last use, once a minute
    with CaptureQueriesContext(connection) as queries:
        changed_since(reader)
    # The token, the count and the page; the subqueries are part of the last two.
    assert len(queries) == 3
    page = queries[-1]["sql"]
    # Uncorrelated subqueries (IN), which the database reads once: none names the outer row.
    assert page.count("published_at") >= 3 and " IN (SELECT" in page
