"""The queries behind the API lists, the current status and the overdue list read the status
table through its indexes: with sequential scans priced out (`enable_seqscan = off`), no
plan may still scan it, which would mean no index can answer the query. At a million status
entries such a scan is what makes a page slow; here the tables are small and the planner is
only asked which index it would use."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from declarations.models import ImplementationStatus, Instrument, Status
from tests.factories import make_instrument, make_status

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="EXPLAIN plans and enable_seqscan are PostgreSQL's; SQLite plans differ.",
    ),
]

API = "/api/v1"
# The tables that grow with the status history.
LARGE_TABLES = ("declarations_implementationstatus", "declarations_evidence")


def plan(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")


def queryset_plan(queryset):
    return plan(*queryset.query.sql_with_params())


def assert_no_scan_of_large_tables(text):
    for table in LARGE_TABLES:
        assert f"Seq Scan on {table}" not in text, text


@pytest.fixture
def history(malaysia, philippines):
    """A few instruments, each with dated entries for the region and two countries."""
    day = datetime.date(2026, 1, 1)
    instruments = [
        make_instrument(name=f"Instrument {n}", due_on=day, slug=f"plan-{n}") for n in range(5)
    ]
    for instrument in instruments:
        for party in (None, malaysia, philippines):
            for months in range(3):
                make_status(
                    instrument,
                    party=party,
                    status=Status.IN_PROGRESS,
                    as_of=day + datetime.timedelta(days=30 * months),
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE declarations_implementationstatus")
    return instruments


@pytest.fixture
def reader(api_client_for, consumer):
    return api_client_for(consumer)


@pytest.mark.parametrize("endpoint", ["instruments", "statuses"])
def test_the_api_lists_read_the_status_table_by_index(reader, history, endpoint):
    with CaptureQueriesContext(connection) as captured:
        response = reader.get(f"{API}/{endpoint}/?page_size=50")
    assert response.status_code == 200
    reading = [q["sql"] for q in captured if "declarations_implementationstatus" in q["sql"]]
    assert reading
    for sql in reading:
        if sql.lstrip().upper().startswith("SELECT"):
            assert_no_scan_of_large_tables(plan(sql))


def test_the_current_status_is_one_index_probe_per_instrument(history):
    text = queryset_plan(Instrument.objects.with_current_status(at=timezone.localdate()))
    assert "status_current_idx" in text
    assert_no_scan_of_large_tables(text)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_once_vacuumed_a_current_status_probe_reads_the_index_alone(history):
    # The indexes carry the values read: a probe visits no table page once VACUUM
    # (autovacuum on a live database) has marked them all-visible.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE declarations_implementationstatus")
    text = queryset_plan(Instrument.objects.with_current_status(at=timezone.localdate()))
    status_reads = [
        line for line in text.splitlines() if "declarations_implementationstatus" in line
    ]
    assert status_reads, text
    # The region's probe reads status_current_idx alone. The parties' summary (used when
    # there is no region entry) reads by index too, though on a table this small the planner
    # may visit the table for some of its probes.
    assert "Index Only Scan using status_current_idx" in text, text
    assert all("Index Only Scan" in line or "Index Scan" in line for line in status_reads), text


def test_the_overdue_list_reads_the_status_table_by_index(history):
    text = queryset_plan(Instrument.objects.overdue(at=timezone.localdate()))
    assert "status_current_idx" in text
    assert_no_scan_of_large_tables(text)


def test_each_partys_latest_entry_is_read_in_index_order(history):
    latest = ImplementationStatus.objects.latest_per_party(timezone.localdate()).filter(
        instrument__in=[i.pk for i in history[:2]]
    )
    text = queryset_plan(latest)
    # On a table this small the planner may take any index that starts with the instrument.
    assert "Index" in text, text
    assert_no_scan_of_large_tables(text)


def test_the_country_matrix_probes_one_index_entry_per_instrument_and_party(
    history, malaysia, philippines
):
    matrix = Instrument.objects.with_party_statuses([malaysia, philippines])
    text = queryset_plan(matrix)
    assert "status_latest_idx" in text
    assert_no_scan_of_large_tables(text)


def test_one_partys_sync_reads_that_partys_entries_in_publication_order(reader, history, malaysia):
    with CaptureQueriesContext(connection) as captured:
        assert reader.get(f"{API}/statuses/?party={malaysia.code}").status_code == 200
    (sql,) = [q["sql"] for q in captured if 'FROM "declarations_implementationstatus"' in q["sql"]]
    # On a table this small a sort costs nothing; at a million entries it is the whole table.
    with connection.cursor() as cursor:
        cursor.execute("SET enable_sort = off")
        try:
            text = plan(sql)
        finally:
            cursor.execute("RESET enable_sort")
    assert "Index Scan using status_party_sync_idx" in text, text
