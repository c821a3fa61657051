"""Bulk writes (`declarations.models.bulk`): on PostgreSQL new rows go by COPY, with ids
drawn from their sequence, and anything COPY would not store as saving does goes through
`bulk_create`. (tests/test_status_import_jobs.py compares the rows the status import
leaves with those record_status leaves, on whichever database the tests run.)"""

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from declarations.intake.status_import import apply, read_table
from declarations.models import Evidence, ImplementationStatus, ReviewState, bulk, record_status
from tests.test_status_import import csv_file, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def acdn():
    from tests.factories import make_instrument

    return make_instrument(slug="acdn", name="ACDN Guidelines and Roadmap", acronym="ACDN")


def test_a_file_still_to_be_stored_is_never_copied():
    link = Evidence(title="Minutes", url="https://example.org/m")
    assert bulk.copyable(Evidence, [link]) == (connection.vendor == "postgresql")
    link.file = ContentFile(b"%PDF-1.7", name="minutes.pdf")  # stored when its row is saved
    assert not bulk.copyable(Evidence, [link])


def test_rows_written_in_bulk_are_saved_with_their_ids_and_the_next_save_follows_them(
    editor, acdn, malaysia
):
    table = read_table(
        csv_file([row(evidence_url="https://example.org/a"), row(party=""), row(party="PHL")])
    )
    assert apply(table, user=editor, state=ReviewState.SUBMITTED) == 3
    entries = list(ImplementationStatus.objects.order_by("pk"))
    assert [e.party.code if e.party else "" for e in entries] == ["MYS", "", "PHL"]
    assert list(entries[0].evidence.values_list("url", flat=True)) == ["https://example.org/a"]
    assert sorted(ImplementationStatus.history.values_list("id", flat=True)) == [
        e.pk for e in entries
    ]
    # The sequence moved past the ids drawn, so an entry saved one by one takes the next.
    later = record_status(
        by=editor, instrument=acdn, party=malaysia, status="planned", as_of=entries[0].as_of
    )
    assert later.pk > entries[-1].pk
