"""Backup and restore: `manage.py backup FILE` then `manage.py restore FILE` into an empty
database gives back the same API answers, byte for byte, for every endpoint."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.core.management.commands import createcachetable
from django.db import DatabaseError, connection
from django.urls import reverse

from declarations.models import ApiToken, Declaration, ImplementationStatus, Instrument
from tests.factories import make_status
from tests.samples import SEED_SLUG, seed_with_sample_statuses
from tests.urlmap import walk
from tracker.env import cache_from_url

pytestmark = pytest.mark.django_db

PAGE = "page_size=100"


def follow(client, url):
    """Every page of a list, as the list of bodies."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        body = response.json()
        pages.append(body)
        # The status sync always offers `next` (to poll later); `has_more` says when to stop.
        url = body.get("next") if body.get("has_more", True) else None
    return pages


def api_snapshot(client):
    """The JSON (or XML) of every API GET address: lists in full, every object's detail."""
    snapshot = {}
    for key, _route, _ in walk():
        if not key.startswith("api:") or not key.endswith("-list"):
            continue
        url = f"{reverse(key)}?{PAGE}"
        snapshot[key] = follow(client, url)
        for page in snapshot[key]:
            for item in page["results"]:
                path = item.get("url") or detail_path(key, item)
                if path:
                    snapshot[path] = client.get(path).content.decode()
    declaration = Declaration.objects.get(slug=SEED_SLUG)
    for name in ("api:declaration-akn", "api:feed-declaration"):
        path = reverse(name, kwargs={"slug": declaration.slug})
        snapshot[path] = client.get(path).content.decode()
    snapshot["feed"] = client.get(reverse("api:feed-statuses")).content.decode()
    return snapshot


def detail_path(key, item):
    if key == "api:status-list":
        return reverse("api:status-detail", kwargs={"pk": item["id"]})
    if key == "api:party-list":
        return reverse("api:party-detail", kwargs={"code": item["code"]})
    if key in {"api:declaration-list", "api:instrument-list", "api:theme-list"}:
        return reverse(key.replace("-list", "-detail"), kwargs={"slug": item["slug"]})
    return None


def empty_the_database():
    """What `migrate` alone leaves: flush, as on a new database. Within the test's
    transaction PostgreSQL first needs the pending foreign-key checks run."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo_data(malaysia_editor, editor, philippines):
    seed_with_sample_statuses()
    # An unpublished entry too: a backup keeps the review queue, not only what is public.
    make_status(
        Instrument.objects.first(), party=philippines, as_of=datetime.date(2026, 11, 1),
        published=False, note="Waiting for review",
    )  # fmt: skip


def test_a_backup_restored_into_an_empty_database_answers_every_endpoint_identically(
    tmp_path, api_client_for, consumer, demo_data, settings
):
    settings.TRACKER_API_SYNC_DELAY_SECONDS = 0
    # Two full walks of the API are far more than one reader's per-minute budget.
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] | {"user": "100000/minute"}
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": rates}
    reader = api_client_for(consumer)
    before = api_snapshot(reader)
    counts = {
        model: model.objects.count()
        for model in (
            Declaration,
            Instrument,
            ImplementationStatus,
            # History is kept as it was, not re-created by the restore.
            Instrument.history.model,
            ImplementationStatus.history.model,
        )
    }
    assert counts[ImplementationStatus] > 10
    assert len(before) > 50

    file = tmp_path / "backup.json.gz"
    call_command("backup", str(file))
    # An empty database: nothing but what `migrate` itself leaves behind.
    empty_the_database()
    assert not Declaration.objects.exists()
    call_command("restore", str(file))

    assert {model: model.objects.count() for model in counts} == counts
    # The consumer's token was restored too (only its hash is stored): the same key works.
    assert ApiToken.objects.filter(pk=reader.token.pk).exists()
    after = api_snapshot(reader)
    assert sorted(after) == sorted(before)
    for key in before:
        assert after[key] == before[key], key


def test_restore_refuses_a_database_that_already_holds_data(tmp_path, demo_data):
    file = tmp_path / "backup.json"
    call_command("backup", str(file))
    with pytest.raises(CommandError, match="already holds declarations"):
        call_command("restore", str(file))
    # --replace is the explicit way to overwrite.
    call_command("restore", str(file), "--replace")
    assert Declaration.objects.filter(slug=SEED_SLUG).exists()


def test_a_damaged_backup_leaves_the_database_as_it_was(tmp_path, demo_data):
    file = tmp_path / "broken.json"
    file.write_text('[{"model": "declarations.declaration", "pk": 1, "fields": {')
    count = ImplementationStatus.objects.count()
    with pytest.raises(Exception, match="(?i)json|fixture|problem"):
        call_command("restore", str(file), "--replace")
    assert ImplementationStatus.objects.count() == count


def test_a_backup_named_xml_is_refused_with_the_reason(tmp_path):
    with pytest.raises(CommandError, match="strips whitespace"):
        call_command("backup", str(tmp_path / "backup.xml"))


def cache_table_exists(name):
    return name in connection.introspection.table_names()


def test_a_restore_creates_the_database_cache_table_so_the_api_answers_at_once(
    tmp_path, demo_data, settings, api_client_for, consumer, client
):
    settings.CACHES = {"default": cache_from_url("db://restored_cache")}
    file = tmp_path / "backup.json"
    call_command("backup", str(file))
    empty_the_database()
    assert not cache_table_exists("restored_cache")

    call_command("restore", str(file))

    assert cache_table_exists("restored_cache")
    # Throttled API reads count in that cache: they answer instead of a 500.
    assert api_client_for(consumer).get(reverse("api:theme-list")).status_code == 200
    assert client.get(reverse("healthz")).json()["cache"] == "ok"
    # Run again over the same database, the table is kept, not created twice.
    call_command("restore", str(file), "--replace")
    assert cache_table_exists("restored_cache")


def test_a_restore_that_cannot_create_the_cache_table_says_so_and_loads_nothing(
    tmp_path, demo_data, settings, monkeypatch
):
    settings.CACHES = {"default": cache_from_url("db://restored_cache")}
    file = tmp_path / "backup.json"
    call_command("backup", str(file))
    empty_the_database()

    def refuse(*args, **kwargs):
        raise DatabaseError("permission denied for schema public")

    monkeypatch.setattr(createcachetable.Command, "create_table", refuse)
    with pytest.raises(CommandError, match="cache table could not be created.*permission denied"):
        call_command("restore", str(file))
    assert not Declaration.objects.exists()
