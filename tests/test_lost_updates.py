"""No lost updates on any page staff edit: every change page and every inline row.

Each race is what two people do: A opens a page, B opens the same page, B saves a change,
then A saves another. A must be refused with the conflict message and write nothing, and
B's change must be what is stored. Inline rows are raced the same way, and so is the
declaration importer against an admin page opened before it ran.
"""

import datetime
import io
import re
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from declarations.admin.base import VersionedInlineFormSet, VersionedMixin
from declarations.demo import SEED as SEED_PATH
from declarations.intake.importing import import_text
from declarations.models import (
    ApiToken,
    Clause,
    Declaration,
    Evidence,
    ImplementationStatus,
    Instrument,
    Kind,
    Part,
    Party,
    Reference,
    Relation,
    ReportingRound,
    Series,
    Theme,
    record_status,
    save_versioned,
)
from tests.factories import make_clause, make_declaration, make_instrument
from tests.test_admin import CONFLICT, page_data

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def world(malaysia_editor, malaysia, consumer):
    """One of each thing staff edit, linked as in real data."""
    declaration = make_declaration(slug="admm-2025-kuala-lumpur", title="KL Joint Declaration")
    clause = make_clause(declaration, text="ADOPT the ACDN Guidelines and Roadmap.")
    acdn = make_instrument(clause, slug="acdn", name="ACDN Guidelines and Roadmap", acronym="ACDN")
    milestone = make_instrument(name="Phase 1", parent=acdn, kind=Kind.MILESTONE)
    draft = record_status(
        instrument=acdn,
        party=malaysia,
        status="in_progress",
        as_of=TODAY,
        by=malaysia_editor,
        evidence=[{"title": "Minutes", "url": "https://example.org/minutes", "kind": "other"}],
    )
    return SimpleNamespace(
        declaration=declaration,
        clause=clause,
        reference=Reference.objects.get(clause=clause, instrument=acdn),
        instrument=acdn,
        milestone=milestone,
        draft=draft,
        evidence=draft.evidence.get(),
        party=malaysia,
        theme=Theme.objects.get(slug="cyber-security"),
        token=ApiToken.issue(user=consumer, name="Dashboard")[0],
        round=make_round(declaration),
        series=Series.objects.create(
            slug="aumx", name="ASEAN-U.S. Maritime Exercise", acronym="AUMX", kind=Kind.EXERCISE
        ),
    )


def make_round(declaration):
    round_ = ReportingRound.objects.create(
        name="Progress report to the 20th ADMM",
        reports_as_of=TODAY + datetime.timedelta(days=30),
        due_on=TODAY + datetime.timedelta(days=14),
    )
    round_.declarations.set([declaration])
    return round_


@dataclass
class Race:
    """Where the two people meet: the change page of `page`'s object, the `field` (its name
    in the posted form) they both change, and how to read that value back."""

    name: str
    page: str  # attribute of `world` whose change page is raced
    field: str
    stored: object  # world -> the stored value of `field`
    theirs: str
    mine: str
    admin_model: type
    inline_model: type | None = None  # the inline whose row is raced, if any
    persona: str = "editor"  # who A is
    # Who B is. A draft is edited only by its author (reviewers publish or reject it), so
    # its race is the author's, in two tabs.
    rival: str = "administrator"


RACES = [
    # Change pages.
    Race("declaration", "declaration", "title",
         lambda w: Declaration.objects.get(pk=w.declaration.pk).title,
         "Theirs", "Mine", Declaration),
    Race("clause", "clause", "text", lambda w: Clause.objects.get(pk=w.clause.pk).text,
         "ADOPT theirs.", "ADOPT mine.", Clause),
    Race("reference", "reference", "relation",
         lambda w: Reference.objects.get(pk=w.reference.pk).relation,
         Relation.WELCOMES, Relation.APPROVES, Reference),
    Race("instrument", "instrument", "description",
         lambda w: Instrument.objects.get(pk=w.instrument.pk).description,
         "Theirs", "Mine", Instrument),
    Race("status entry", "draft", "note",
         lambda w: ImplementationStatus.objects.get(pk=w.draft.pk).note,
         "Theirs", "Mine", ImplementationStatus,
         persona="malaysia_editor", rival="malaysia_editor"),
    Race("party", "party", "name", lambda w: Party.objects.get(pk=w.party.pk).name,
         "Malaysia (theirs)", "Malaysia (mine)", Party, persona="administrator"),
    Race("theme", "theme", "description",
         lambda w: Theme.objects.get(pk=w.theme.pk).description,
         "Theirs", "Mine", Theme),
    Race("API token", "token", "name", lambda w: ApiToken.objects.get(pk=w.token.pk).name,
         "Theirs", "Mine", ApiToken, persona="administrator"),
    Race("reporting round", "round", "name",
         lambda w: ReportingRound.objects.get(pk=w.round.pk).name,
         "Report to the 20th ADMM (theirs)", "Report to the 20th ADMM (mine)", ReportingRound),
    Race("series", "series", "name", lambda w: Series.objects.get(pk=w.series.pk).name,
         "Maritime Exercise (theirs)", "Maritime Exercise (mine)", Series),
    # Inline rows.
    Race("declaration's clauses", "declaration", "clauses-0-text",
         lambda w: Clause.objects.get(pk=w.clause.pk).text,
         "ADOPT theirs.", "ADOPT mine.", Declaration, Clause),
    Race("clause's instrument links", "clause", "references-0-relation",
         lambda w: Reference.objects.get(pk=w.reference.pk).relation,
         Relation.WELCOMES, Relation.APPROVES, Clause, Reference),
    Race("instrument's milestones", "instrument", "children-0-name",
         lambda w: Instrument.objects.get(pk=w.milestone.pk).name,
         "Phase 1 (theirs)", "Phase 1 (mine)", Instrument, Instrument),
    Race("instrument's citing clauses", "instrument", "references-0-relation",
         lambda w: Reference.objects.get(pk=w.reference.pk).relation,
         Relation.WELCOMES, Relation.APPROVES, Instrument, Reference),
    Race("status entry's evidence", "draft", "evidence-0-title",
         lambda w: Evidence.objects.get(pk=w.evidence.pk).title,
         "Theirs", "Mine", ImplementationStatus, Evidence,
         persona="malaysia_editor", rival="malaysia_editor"),
]  # fmt: skip


def change_url(obj):
    return reverse(f"admin:declarations_{obj._meta.model_name}_change", args=[obj.pk])


def open_page(user, url):
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return client, page_data(response)


@pytest.mark.parametrize("race", RACES, ids=[race.name for race in RACES])
def test_a_page_opened_before_someone_elses_save_is_refused_and_their_change_kept(
    request, world, administrator, race
):
    url = change_url(getattr(world, race.page))
    mine, my_data = open_page(request.getfixturevalue(race.persona), url)
    theirs, their_data = open_page(request.getfixturevalue(race.rival), url)
    assert race.field in my_data, "the raced field is on the page"

    their_data[race.field] = race.theirs
    assert theirs.post(url, their_data).status_code == 302
    assert race.stored(world) == race.theirs

    my_data[race.field] = race.mine
    response = mine.post(url, my_data)
    assert response.status_code == 200
    assert CONFLICT in response.text
    assert race.stored(world) == race.theirs


def test_a_stale_declaration_page_does_not_put_back_a_clause_edited_on_its_own_page(
    world, editor, administrator
):
    _, declaration_page = open_page(editor, change_url(world.declaration))
    clause_client, clause_page = open_page(administrator, change_url(world.clause))
    clause_page["text"] = "ADOPT the corrected wording."
    assert clause_client.post(change_url(world.clause), clause_page).status_code == 302

    declaration_client = Client()
    declaration_client.force_login(editor)
    declaration_page["place"] = "Putrajaya"  # only the declaration's own field is edited
    response = declaration_client.post(change_url(world.declaration), declaration_page)

    assert CONFLICT in response.text
    world.clause.refresh_from_db()
    world.declaration.refresh_from_db()
    assert world.clause.text == "ADOPT the corrected wording."
    assert world.declaration.place == "Kuala Lumpur, Malaysia"  # nothing of the page written


def test_deleting_an_inline_row_someone_changed_meanwhile_is_refused(world, editor, administrator):
    clause_client, clause_page = open_page(editor, change_url(world.clause))
    reference_client, reference_page = open_page(administrator, change_url(world.reference))
    reference_page["relation"] = Relation.WELCOMES
    assert reference_client.post(change_url(world.reference), reference_page).status_code == 302

    clause_page["references-0-DELETE"] = "on"
    response = clause_client.post(change_url(world.clause), clause_page)

    assert CONFLICT in response.text
    assert Reference.objects.get(pk=world.reference.pk).relation == Relation.WELCOMES


def test_a_current_inline_row_can_still_be_deleted(world, editor):
    client, page = open_page(editor, change_url(world.clause))
    page["references-0-DELETE"] = "on"
    assert client.post(change_url(world.clause), page).status_code == 302
    assert not Reference.objects.filter(pk=world.reference.pk).exists()


def test_an_inline_row_that_loses_the_race_after_validating_writes_nothing(world, editor):
    """Another transaction saves the clause between the page's check and its UPDATE: the
    whole page, the declaration's own fields included, is rolled back."""
    client, page = open_page(editor, change_url(world.declaration))
    page["place"] = "Putrajaya"
    page["clauses-0-text"] = "ADOPT mine."
    raced = []

    def someone_saves_first(execute, sql, params, many, context):
        if not raced and sql.startswith('UPDATE "declarations_clause" SET "version"'):
            raced.append(sql)
            with context["connection"].cursor() as cursor:
                cursor.execute(
                    'UPDATE "declarations_clause" SET "version" = "version" + 1 WHERE "id" = %s',
                    [world.clause.pk],
                )
        return execute(sql, params, many, context)

    with connection.execute_wrapper(someone_saves_first):
        response = client.post(change_url(world.declaration), page, follow=True)

    assert raced
    assert CONFLICT in response.text
    world.clause.refresh_from_db()
    world.declaration.refresh_from_db()
    assert (world.clause.text, world.declaration.place) == (
        "ADOPT the ACDN Guidelines and Roadmap.",
        "Kuala Lumpur, Malaysia",
    )


def test_a_stale_round_page_is_refused_and_shown_again_with_what_its_editor_typed(
    world, editor, administrator
):
    url = change_url(world.round)
    mine, my_page = open_page(editor, url)
    theirs, their_page = open_page(administrator, url)
    later = TODAY + datetime.timedelta(days=21)
    their_page["due_on"] = later.isoformat()
    assert theirs.post(url, their_page).status_code == 302

    my_page["name"] = "Progress report to the 20th ADMM, revised"
    my_page["include_region"] = "on"
    response = mine.post(url, my_page)

    assert response.status_code == 200
    assert "This reporting round was changed by someone else" in response.text
    assert 'value="Progress report to the 20th ADMM, revised"' in response.text
    assert response.context["adminform"].form["include_region"].value() is True
    stored = ReportingRound.objects.get(pk=world.round.pk)
    assert (stored.name, stored.due_on, stored.include_region, stored.version) == (
        "Progress report to the 20th ADMM",
        later,
        False,
        2,
    )


def test_closing_a_round_bumps_its_version_so_a_page_opened_before_cannot_save(world, editor):
    client, page = open_page(editor, change_url(world.round))
    close = reverse("admin:declarations_reportinground_close", args=[world.round.pk])
    assert client.post(close).status_code == 302

    page["name"] = "Renamed after closing"
    assert client.post(change_url(world.round), page).status_code == 403
    stored = ReportingRound.objects.get(pk=world.round.pk)
    assert (stored.name, stored.state, stored.version) == (world.round.name, "closed", 2)


def test_a_token_page_opened_before_its_revocation_cannot_save(world, administrator):
    client, page = open_page(administrator, change_url(world.token))
    revoke = {"action": "revoke", "_selected_action": [str(world.token.pk)]}
    assert client.post(reverse("admin:declarations_apitoken_changelist"), revoke).status_code == 302

    page["expires_at_0"], page["expires_at_1"] = "2099-01-01", "00:00:00"
    response = client.post(change_url(world.token), page)
    assert CONFLICT in response.text
    world.token.refresh_from_db()
    assert world.token.revoked_at is not None and world.token.expires_at is None


def test_each_save_of_a_row_bumps_its_version(world, editor):
    client, page = open_page(editor, change_url(world.declaration))
    page["clauses-0-text"] = "ADOPT mine."
    assert client.post(change_url(world.declaration), page).status_code == 302
    assert Clause.objects.get(pk=world.clause.pk).version == world.clause.version + 1
    assert Declaration.objects.get(pk=world.declaration.pk).version == 2


# The declaration importer is a writer like any other --------------------------------------


def import_update_by_command(text, tmp_path, user):
    path = tmp_path / "edited.txt"
    path.write_text(text, encoding="utf-8")
    call_command("import_declaration", str(path), "--update", stdout=io.StringIO())


IMPORT = "admin:declarations_declaration_import"


def preview_import(client, text):
    """The preview page, and the confirmation a browser would post from it."""
    response = client.post(reverse(IMPORT), {"text": text})
    assert response.status_code == 200 and response.context["plan"] is not None
    state = re.search(r'name="state" value="([^"]+)"', response.text).group(1)
    return response, {"text": text, "update": "on", "confirm": "1", "state": state}


def import_update_by_admin(text, tmp_path, user):
    client = Client()
    client.force_login(user)
    _, confirm = preview_import(client, text)
    assert client.post(reverse(IMPORT), confirm).status_code == 302


@pytest.mark.parametrize("run_import", [import_update_by_command, import_update_by_admin])
def test_a_page_opened_before_an_import_update_cannot_put_the_old_text_back(
    editor, administrator, tmp_path, run_import
):
    seed = SEED_PATH.read_text(encoding="utf-8")
    declaration = import_text(seed).declaration
    client, page = open_page(editor, change_url(declaration))
    edited = seed.replace("INTENSIFY efforts", "FURTHER INTENSIFY efforts")
    run_import(edited, tmp_path, administrator)

    page["meeting"] = "19th ADMM (corrected)"
    response = client.post(change_url(declaration), page)

    assert CONFLICT in response.text
    declaration.refresh_from_db()
    assert (declaration.text, declaration.meeting, declaration.version) == (edited, "19th ADMM", 2)
    clause = declaration.clauses.get(part=Part.OPERATIVE, number=2)
    assert (clause.text.startswith("FURTHER INTENSIFY"), clause.version) == (True, 2)


def test_an_update_confirmed_from_a_preview_older_than_a_clause_edit_is_refused(
    editor, administrator
):
    seed = SEED_PATH.read_text(encoding="utf-8")
    declaration = import_text(seed).declaration
    importer = Client()
    importer.force_login(administrator)
    edited = seed.replace("INTENSIFY efforts", "FURTHER INTENSIFY efforts")
    _, stale_confirm = preview_import(importer, edited)

    clause = declaration.clauses.get(part=Part.OPERATIVE, number=3)
    clause.text = "Wording corrected by staff after the preview."
    save_versioned(clause, version=clause.version)
    response = importer.post(reverse(IMPORT), stale_confirm)

    assert response.status_code == 200
    assert "changed since this preview" in response.text
    assert "op-3 edited" in response.context["plan"].preview_text  # now listed, for review
    assert Clause.objects.get(pk=clause.pk).text == "Wording corrected by staff after the preview."
    assert Declaration.objects.get(pk=declaration.pk).text == seed

    _, fresh_confirm = preview_import(importer, edited)
    assert importer.post(reverse(IMPORT), fresh_confirm).status_code == 302
    assert Declaration.objects.get(pk=declaration.pk).text == edited


# Every page is covered ----------------------------------------------------------------------


def staff_may_change(model):
    """Whether any role (group) may change `model`."""
    codename = f"change_{model._meta.model_name}"
    return Permission.objects.filter(
        codename=codename, content_type__app_label=model._meta.app_label, group__isnull=False
    ).exists()


def editable_inlines(model_admin, request):
    for inline in model_admin.get_inline_instances(request):
        if inline.has_change_permission(request) or inline.has_add_permission(request, None):
            yield inline


def test_every_model_staff_can_edit_is_versioned_and_raced_page_by_page_inline_by_inline(
    administrator,
):
    raced = {(race.admin_model, race.inline_model) for race in RACES}
    request = RequestFactory().get("/")
    request.user = administrator
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "declarations" or not staff_may_change(model):
            continue
        assert isinstance(model_admin, VersionedMixin), model
        assert "version" in {field.name for field in model._meta.fields}, model
        assert (model, None) in raced, f"no race for the {model.__name__} page"
        for inline in editable_inlines(model_admin, request):
            assert (model, inline.model) in raced, (model, inline)
            if inline.model in admin.site._registry:
                # Also edited on its own page: each row carries its version.
                assert issubclass(inline.formset, VersionedInlineFormSet), inline
                assert "version_seen" in inline.get_fields(request), inline
            # Otherwise the row is edited only on this page, whose own version (bumped by
            # every save of the page) refuses a stale page: its race above proves it.
