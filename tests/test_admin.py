import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from declarations.models import (
    Declaration,
    EditConflict,
    ImplementationStatus,
    Instrument,
    Kind,
    Reference,
    Relation,
    ReviewState,
    Status,
    Theme,
    record_status,
    reporting_scope,
    review_status,
    save_versioned,
)
from tests.factories import make_clause, make_declaration, make_instrument, make_status

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)


@pytest.mark.parametrize(("app", "model"), REGISTERED)
def test_every_changelist_answers_an_administrator(client, administrator, app, model):
    client.force_login(administrator)
    response = client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert response.status_code == 200


# django-axes' sign-in records, background jobs, sent reminders and the task backend's rows
# are written by the app alone; their admin has no add page.
WRITTEN_BY_THE_APP = {
    ("declarations", "job"),
    ("declarations", "sentreminder"),
    ("django_tasks_database", "dbtaskresult"),
}
ADDABLE = [
    (app, model)
    for app, model in REGISTERED
    if app != "axes" and (app, model) not in WRITTEN_BY_THE_APP
]


@pytest.mark.parametrize(("app", "model"), ADDABLE)
def test_every_add_page_answers_an_administrator(client, administrator, app, model):
    client.force_login(administrator)
    response = client.get(reverse(f"admin:{app}_{model}_add"))
    assert response.status_code == 200


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("admin:declarations_instrument_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


# Personas and test data ---------------------------------------------------------------

PERSONAS = [
    "administrator",
    "editor",
    "malaysia_editor",
    "philippines_editor",
    "manager",
    "anonymous",
]
TODAY = timezone.localdate()
CONFLICT = "was changed by someone else since you opened it"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Five personas per test: the default password hasher's work factor would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def everyone(administrator, editor, malaysia_editor, philippines_editor, manager):
    return {
        "administrator": administrator,
        "editor": editor,
        "malaysia_editor": malaysia_editor,
        "philippines_editor": philippines_editor,
        "manager": manager,
        "anonymous": None,
    }


@pytest.fixture
def as_persona(client, everyone):
    def sign_in(persona):
        client.logout()
        if everyone[persona] is not None:
            client.force_login(everyone[persona])
        return client

    return sign_in


@pytest.fixture
def acdn():
    declaration = make_declaration(slug="admm-2025-kuala-lumpur", title="KL Joint Declaration")
    clause = make_clause(declaration, text="ADOPT the ACDN Guidelines and Roadmap.")
    return make_instrument(
        clause,
        slug="acdn-roadmap",
        name="ASEAN Cyber Defence Network Guidelines and Roadmap for the Implementation of ACDN",
        acronym="ACDN",
        kind=Kind.GUIDELINES,
        due_on=TODAY - datetime.timedelta(days=30),
    )


@pytest.fixture
def entries(acdn, malaysia, philippines, malaysia_editor, philippines_editor, editor):
    """One entry in each state that matters for scope."""
    day = TODAY - datetime.timedelta(days=10)
    return {
        "published": record_status(
            instrument=acdn,
            party=malaysia,
            status=Status.IN_PROGRESS,
            progress=40,
            as_of=day,
            by=editor,
            state=ReviewState.PUBLISHED,
        ),
        "malaysia_draft": record_status(
            instrument=acdn, party=malaysia, status=Status.DELAYED, as_of=day, by=malaysia_editor
        ),
        "philippines_draft": record_status(
            instrument=acdn,
            party=philippines,
            status=Status.PLANNED,
            as_of=day,
            note="Philippine draft, not for other countries' eyes",
            by=philippines_editor,
        ),
        "philippines_submitted": record_status(
            instrument=acdn,
            party=philippines,
            status=Status.IN_PROGRESS,
            as_of=day,
            by=philippines_editor,
            state=ReviewState.SUBMITTED,
        ),
    }


def page_data(response):
    """The POST data a browser would send back for an admin change page, unchanged."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(getattr(item, "pk", item)) for item in value]
            elif isinstance(value, datetime.date):
                data[bound.html_name] = value.isoformat()
            else:
                data[bound.html_name] = str(getattr(value, "pk", value))

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def action_choices(response):
    return {name for name, _ in response.context["action_form"].fields["action"].choices}


# The permission matrix ------------------------------------------------------------------

CHANGELISTS = [
    "declaration",
    "clause",
    "instrument",
    "reference",
    "implementationstatus",
    "party",
    "theme",
]


@pytest.mark.parametrize("model", CHANGELISTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_staff_persona_may_read_every_list(as_persona, persona, model):
    response = as_persona(persona).get(reverse(f"admin:declarations_{model}_changelist"))
    assert response.status_code == (302 if persona == "anonymous" else 200)


ADD = {  # model: personas who may open its add page
    "declaration": {"administrator", "editor"},
    "clause": {"administrator", "editor"},
    "instrument": {"administrator", "editor"},
    "reference": {"administrator", "editor"},
    "implementationstatus": {"administrator", "editor", "malaysia_editor", "philippines_editor"},
    "party": {"administrator"},
    "theme": {"administrator", "editor"},
}


@pytest.mark.parametrize("model", ADD)
@pytest.mark.parametrize("persona", PERSONAS)
def test_add_pages_answer_only_those_who_may_add(as_persona, persona, model):
    response = as_persona(persona).get(reverse(f"admin:declarations_{model}_add"))
    if persona == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if persona in ADD[model] else 403)


# persona -> what they get on each entry's page: edit, view, hidden (as if it did not exist).
# Reviewers never edit a country's figures (they reject with a comment instead): they read
# drafts and submitted entries; a draft is its party's editors' to change.
ENTRY_PAGES = {
    "published": {
        "administrator": "view",
        "editor": "view",
        "malaysia_editor": "view",
        "philippines_editor": "view",
        "manager": "view",
    },
    "malaysia_draft": {
        "administrator": "view",
        "editor": "view",
        "malaysia_editor": "edit",
        "philippines_editor": "hidden",
        "manager": "hidden",
    },
    "philippines_draft": {
        "administrator": "view",
        "editor": "view",
        "malaysia_editor": "hidden",
        "philippines_editor": "edit",
        "manager": "hidden",
    },
    "philippines_submitted": {
        "administrator": "view",
        "editor": "view",
        "malaysia_editor": "hidden",
        "philippines_editor": "view",
        "manager": "hidden",
    },
}


@pytest.mark.parametrize("entry_name", ENTRY_PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_status_entry_pages_follow_state_and_country_scope(
    as_persona, entries, persona, entry_name
):
    entry = entries[entry_name]
    response = as_persona(persona).get(
        reverse("admin:declarations_implementationstatus_change", args=[entry.pk])
    )
    if persona == "anonymous":
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]
        return
    expected = ENTRY_PAGES[entry_name][persona]
    if expected == "hidden":
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")
    else:
        assert response.status_code == 200
        assert response.context["has_change_permission"] is (expected == "edit")


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_status_list_hides_other_parties_unpublished_entries(as_persona, entries, persona):
    response = as_persona(persona).get(
        reverse("admin:declarations_implementationstatus_changelist")
    )
    if persona == "anonymous":
        assert response.status_code == 302
        return
    listed = {entry.pk for entry in response.context["cl"].result_list}
    visible = {name for name, rules in ENTRY_PAGES.items() if rules[persona] in {"view", "edit"}}
    assert listed == {entries[name].pk for name in visible}


INSTRUMENT_PAGE = {  # persona: (may edit the instrument, offered the record form)
    "administrator": (True, True),
    "editor": (True, True),
    "malaysia_editor": (False, True),
    "philippines_editor": (False, True),
    "manager": (False, False),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_instrument_page_offers_recording_to_reporters_only(as_persona, acdn, persona):
    response = as_persona(persona).get(
        reverse("admin:declarations_instrument_change", args=[acdn.pk])
    )
    if persona == "anonymous":
        assert response.status_code == 302
        return
    may_edit, may_record = INSTRUMENT_PAGE[persona]
    assert response.status_code == 200
    assert response.context["has_change_permission"] is may_edit
    assert ("record_url" in response.context) is may_record
    assert (b"Record a status entry" in response.content) is may_record


ACTIONS = {  # persona: (instrument list actions, status list actions)
    "administrator": (
        {"", "record_progress", "delete_selected"},
        {"", "submit_for_review", "publish", "reject"},
    ),
    "editor": ({"", "record_progress"}, {"", "submit_for_review", "publish", "reject"}),
    "malaysia_editor": ({"", "record_progress"}, {"", "submit_for_review"}),
    "philippines_editor": ({"", "record_progress"}, {"", "submit_for_review"}),
    "manager": (set(), set()),
}


@pytest.mark.parametrize("persona", PERSONAS[:-1])
def test_actions_are_offered_by_role(as_persona, persona):
    client = as_persona(persona)
    instruments, statuses = ACTIONS[persona]
    response = client.get(reverse("admin:declarations_instrument_changelist"))
    assert (action_choices(response) if response.context["action_form"] else set()) == instruments
    response = client.get(reverse("admin:declarations_implementationstatus_changelist"))
    assert (action_choices(response) if response.context["action_form"] else set()) == statuses


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_import_page_answers_those_who_may_record(as_persona, persona):
    response = as_persona(persona).get(reverse("admin:declarations_implementationstatus_import"))
    expected = {"anonymous": 302, "manager": 403}.get(persona, 200)
    assert response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_record_pages_and_actions_refuse_those_who_may_not_record(as_persona, acdn, persona):
    client = as_persona(persona)
    response = client.get(reverse("admin:declarations_instrument_record_status", args=[acdn.pk]))
    expected = {"anonymous": 302, "manager": 403}.get(persona, 200)
    assert response.status_code == expected


def test_a_manager_cannot_record_by_posting_the_action(client, manager, acdn):
    client.force_login(manager)
    response = client.post(
        reverse("admin:declarations_instrument_changelist"),
        {"action": "record_progress", ACTION_CHECKBOX_NAME: [acdn.pk], "apply": "1"}
        | record_data(None, state="published"),
    )
    # With no action offered the list ignores the post: no form, nothing recorded.
    assert response.status_code == 200
    assert "form" not in response.context
    assert not ImplementationStatus.objects.exists()


# The Malaysia editor and the Philippines ------------------------------------------------


def record_data(party, **fields):
    """The "Record progress" form, filled in; `party` None is the region."""
    return {
        "party": str(party.pk) if party else "",
        "status": Status.IN_PROGRESS,
        "progress": "50",
        "as_of": TODAY.isoformat(),
        "note": "Recorded in a test",
        "state": "submitted",
        "evidence-TOTAL_FORMS": "2",
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "10",
        "evidence-0-title": "Meeting report",
        "evidence-0-url": "https://example.org/report.pdf",
        "evidence-0-kind": "meeting_report",
        "evidence-1-kind": "other",
        **fields,
    }


# A refused party names the rule, not "Select a valid choice".
SCOPE_RULE = "You report for Malaysia only."


class TestTheMalaysiaEditorCannotReportForThePhilippines:
    def test_not_by_the_status_form(self, client, malaysia_editor, acdn, philippines):
        client.force_login(malaysia_editor)
        response = client.post(
            reverse("admin:declarations_implementationstatus_add"),
            {
                "instrument": str(acdn.pk),
                "party": str(philippines.pk),
                "status": Status.COMPLETED,
                "as_of": TODAY.isoformat(),
                "state": "submitted",
                "evidence-TOTAL_FORMS": "0",
                "evidence-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["party"] == [SCOPE_RULE]
        assert not ImplementationStatus.objects.exists()

    def test_not_by_the_instrument_page(self, client, malaysia_editor, acdn, philippines):
        client.force_login(malaysia_editor)
        response = client.post(
            reverse("admin:declarations_instrument_record_status", args=[acdn.pk]),
            record_data(philippines),
        )
        assert response.status_code == 200
        assert response.context["form"].errors["party"] == [SCOPE_RULE]
        assert not ImplementationStatus.objects.exists()

    def test_not_by_the_bulk_action(self, client, malaysia_editor, acdn, philippines):
        client.force_login(malaysia_editor)
        response = client.post(
            reverse("admin:declarations_instrument_changelist"),
            {"action": "record_progress", ACTION_CHECKBOX_NAME: [acdn.pk], "apply": "1"}
            | record_data(philippines),
        )
        assert response.status_code == 200
        assert response.context["form"].errors["party"] == [SCOPE_RULE]
        assert not ImplementationStatus.objects.exists()

    def test_not_for_the_region_either(self, client, malaysia_editor, acdn):
        client.force_login(malaysia_editor)
        response = client.post(
            reverse("admin:declarations_instrument_record_status", args=[acdn.pk]),
            record_data(None),
        )
        assert response.context["form"].errors["party"] == [SCOPE_RULE]
        assert not ImplementationStatus.objects.exists()

    def test_nor_read_their_drafts_history(self, client, malaysia_editor, entries):
        client.force_login(malaysia_editor)
        draft = entries["philippines_draft"]
        history = reverse("admin:declarations_implementationstatus_history", args=[draft.pk])
        assert client.get(history).status_code == 403
        record = draft.history.latest()
        one_version = reverse(
            "admin:declarations_implementationstatus_simple_history",
            args=[draft.pk, record.history_id],
        )
        assert client.get(one_version).status_code == 403

    def test_nor_find_their_drafts_in_the_instrument_history(
        self, client, malaysia_editor, entries, acdn
    ):
        client.force_login(malaysia_editor)
        response = client.get(reverse("admin:declarations_instrument_change", args=[acdn.pk]))
        assert b"not for other countries" not in response.content
        shown = next(
            inline
            for inline in response.context["inline_admin_formsets"]
            if inline.formset.model is ImplementationStatus
        )
        listed = {form.instance.pk for form in shown.formset.forms}
        assert listed == {entries["published"].pk, entries["malaysia_draft"].pk}

    def test_nor_learn_of_them_through_the_review_state_filter(
        self, client, malaysia_editor, entries
    ):
        client.force_login(malaysia_editor)
        response = client.get(
            reverse("admin:declarations_instrument_changelist"), {"review_state": "submitted"}
        )
        assert list(response.context["cl"].result_list) == []


# Recording progress -----------------------------------------------------------------------


class TestRecordingProgress:
    def test_a_country_editor_records_and_submits_from_the_instrument_page(
        self, client, malaysia_editor, acdn, malaysia
    ):
        client.force_login(malaysia_editor)
        response = client.post(
            reverse("admin:declarations_instrument_record_status", args=[acdn.pk]),
            record_data(malaysia),
        )
        assert response.status_code == 302
        entry = ImplementationStatus.objects.get()
        assert (entry.party, entry.review_state, entry.recorded_by) == (
            malaysia,
            ReviewState.SUBMITTED,
            malaysia_editor,
        )
        assert [(e.title, e.url) for e in entry.evidence.all()] == [
            ("Meeting report", "https://example.org/report.pdf")
        ]

    def test_a_country_editor_cannot_publish_at_once(self, client, malaysia_editor, acdn, malaysia):
        client.force_login(malaysia_editor)
        response = client.post(
            reverse("admin:declarations_instrument_record_status", args=[acdn.pk]),
            record_data(malaysia, state="published"),
        )
        assert "state" in response.context["form"].errors
        assert not ImplementationStatus.objects.exists()

    def test_an_as_of_date_in_the_future_is_refused(self, client, editor, acdn, malaysia):
        client.force_login(editor)
        response = client.post(
            reverse("admin:declarations_instrument_record_status", args=[acdn.pk]),
            record_data(malaysia, as_of=(TODAY + datetime.timedelta(days=30)).isoformat()),
        )
        assert "as_of" in response.context["form"].errors
        assert not ImplementationStatus.objects.exists()

    def test_the_bulk_action_first_asks_for_the_status(self, client, editor, acdn):
        other = make_instrument(name="Second instrument")
        client.force_login(editor)
        response = client.post(
            reverse("admin:declarations_instrument_changelist"),
            {"action": "record_progress", ACTION_CHECKBOX_NAME: [acdn.pk, other.pk]},
        )
        assert response.status_code == 200
        assert response.templates[0].name == "admin/declarations/instrument/record_progress.html"
        assert set(response.context["instruments"]) == {acdn, other}
        assert not ImplementationStatus.objects.exists()

    def test_the_bulk_action_records_one_entry_per_instrument(self, client, editor, acdn):
        other = make_instrument(name="Second instrument")
        client.force_login(editor)
        response = client.post(
            reverse("admin:declarations_instrument_changelist"),
            {"action": "record_progress", ACTION_CHECKBOX_NAME: [acdn.pk, other.pk], "apply": "1"}
            | record_data(None, state="published", note="Both on track"),
        )
        assert response.status_code == 302
        recorded = ImplementationStatus.objects.order_by("instrument__name")
        assert [(e.instrument, e.party, e.note, e.review_state) for e in recorded] == [
            (acdn, None, "Both on track", ReviewState.PUBLISHED),
            (other, None, "Both on track", ReviewState.PUBLISHED),
        ]
        assert all(entry.evidence.count() == 1 for entry in recorded)

    def test_the_add_form_records_through_the_write_path(
        self, client, philippines_editor, acdn, philippines
    ):
        client.force_login(philippines_editor)
        response = client.post(
            reverse("admin:declarations_implementationstatus_add"),
            {
                "instrument": str(acdn.pk),
                "party": str(philippines.pk),
                "status": Status.PLANNED,
                "progress": "5",
                "as_of": TODAY.isoformat(),
                "note": "Budget requested",
                "state": "draft",
                "evidence-TOTAL_FORMS": "1",
                "evidence-INITIAL_FORMS": "0",
                "evidence-0-title": "Budget request",
                "evidence-0-url": "https://example.org/budget",
                "evidence-0-kind": "official_record",
            },
        )
        assert response.status_code == 302
        entry = ImplementationStatus.objects.get()
        assert (entry.recorded_by, entry.review_state, entry.evidence.get().title) == (
            philippines_editor,
            ReviewState.DRAFT,
            "Budget request",
        )

    def test_the_instrument_page_shows_history_newest_first_and_the_current_status(
        self, client, manager, acdn
    ):
        make_status(acdn, status=Status.PLANNED, as_of=TODAY - datetime.timedelta(days=90))
        make_status(acdn, status=Status.IN_PROGRESS, progress=55, as_of=TODAY)
        client.force_login(manager)
        response = client.get(reverse("admin:declarations_instrument_change", args=[acdn.pk]))
        history = next(
            inline
            for inline in response.context["inline_admin_formsets"]
            if inline.formset.model is ImplementationStatus
        )
        assert [form.instance.status for form in history.formset.forms] == [
            Status.IN_PROGRESS,
            Status.PLANNED,
        ]
        assert b'<span class="status-badge status-in_progress">In progress</span>' in (
            response.content
        )
        assert b'<progress class="status-progress" max="100" value="55"' in response.content


# Review and published entries -----------------------------------------------------------


class TestReview:
    def test_an_editor_publishes_a_submitted_entry_with_a_comment(self, client, editor, entries):
        entry = entries["philippines_submitted"]
        client.force_login(editor)
        changelist = reverse("admin:declarations_implementationstatus_changelist")
        first = client.post(changelist, {"action": "publish", ACTION_CHECKBOX_NAME: [entry.pk]})
        assert first.status_code == 200  # the comment page
        client.post(
            changelist,
            {
                "action": "publish",
                ACTION_CHECKBOX_NAME: [entry.pk],
                "apply": "1",
                "comment": "Checked against the meeting report.",
            },
        )
        entry.refresh_from_db()
        assert (entry.review_state, entry.reviewed_by, entry.review_comment) == (
            ReviewState.PUBLISHED,
            editor,
            "Checked against the meeting report.",
        )

    def test_a_rejection_needs_a_comment(self, client, editor, entries):
        entry = entries["philippines_submitted"]
        client.force_login(editor)
        response = client.post(
            reverse("admin:declarations_implementationstatus_changelist"),
            {"action": "reject", ACTION_CHECKBOX_NAME: [entry.pk], "apply": "1", "comment": ""},
        )
        assert "comment" in response.context["form"].errors
        entry.refresh_from_db()
        assert entry.review_state == ReviewState.SUBMITTED

    def test_a_reviewer_publishes_from_the_review_page(self, client, editor, entries):
        entry = entries["philippines_submitted"]
        client.force_login(editor)
        url = reverse("admin:declarations_implementationstatus_review", args=[entry.pk])
        response = client.post(
            url, {"version_seen": str(entry.version), "publish": "Publish"}, follow=True
        )
        entry.refresh_from_db()
        assert entry.review_state == ReviewState.PUBLISHED
        assert f"{entry.label}: published." in response.content.decode()

    def test_an_entry_changed_since_the_reviewer_opened_it_is_not_published(
        self, client, editor, entries
    ):
        entry = entries["philippines_submitted"]
        seen = entry.version
        ImplementationStatus.objects.filter(pk=entry.pk).update(version=seen + 1, progress=99)
        client.force_login(editor)
        response = client.post(
            reverse("admin:declarations_implementationstatus_review", args=[entry.pk]),
            {"version_seen": str(seen), "publish": "Publish"},
            follow=True,
        )
        assert CONFLICT in response.content.decode()
        entry.refresh_from_db()
        assert entry.review_state == ReviewState.SUBMITTED

    def test_a_country_editor_cannot_publish_even_by_posting_the_action(
        self, client, philippines_editor, entries
    ):
        entry = entries["philippines_submitted"]
        client.force_login(philippines_editor)
        client.post(
            reverse("admin:declarations_implementationstatus_changelist"),
            {"action": "publish", ACTION_CHECKBOX_NAME: [entry.pk], "apply": "1"},
        )
        entry.refresh_from_db()
        assert entry.review_state == ReviewState.SUBMITTED

    def test_a_country_editor_submits_their_draft(self, client, malaysia_editor, entries):
        draft = entries["malaysia_draft"]
        client.force_login(malaysia_editor)
        client.post(
            reverse("admin:declarations_implementationstatus_changelist"),
            {"action": "submit_for_review", ACTION_CHECKBOX_NAME: [draft.pk]},
        )
        draft.refresh_from_db()
        assert draft.review_state == ReviewState.SUBMITTED

    @pytest.mark.parametrize("persona", ["administrator", "editor", "malaysia_editor"])
    def test_a_published_entry_cannot_be_changed_by_anyone(self, as_persona, entries, persona):
        entry = entries["published"]
        client = as_persona(persona)
        url = reverse("admin:declarations_implementationstatus_change", args=[entry.pk])
        data = {
            "instrument": str(entry.instrument_id),
            "party": str(entry.party_id),
            "status": Status.COMPLETED,
            "as_of": entry.as_of.isoformat(),
            "version_seen": str(entry.version),
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
            "_save": "Save",
        }
        assert client.post(url, data).status_code == 403
        entry.refresh_from_db()
        assert entry.status == Status.IN_PROGRESS

    def test_a_published_entry_cannot_be_deleted_even_by_an_administrator(
        self, client, administrator, entries
    ):
        entry = entries["published"]
        client.force_login(administrator)
        url = reverse("admin:declarations_implementationstatus_delete", args=[entry.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
        assert ImplementationStatus.objects.filter(pk=entry.pk).exists()

    def test_a_correction_is_a_new_entry_and_the_history_shows_both(
        self, client, editor, entries, acdn, malaysia
    ):
        client.force_login(editor)
        client.post(
            reverse("admin:declarations_instrument_record_status", args=[acdn.pk]),
            record_data(malaysia, status=Status.DELAYED, progress="35", state="published"),
        )
        response = client.get(reverse("admin:declarations_instrument_change", args=[acdn.pk]))
        history = next(
            inline
            for inline in response.context["inline_admin_formsets"]
            if inline.formset.model is ImplementationStatus
        )
        published = [
            form.instance.progress
            for form in history.formset.forms
            if form.instance.review_state == ReviewState.PUBLISHED
        ]
        assert published == [35, 40]


# Change history ------------------------------------------------------------------------------

HISTORY_MODELS = ["declaration", "clause", "instrument", "reference", "party"]


@pytest.mark.parametrize("model", HISTORY_MODELS)
def test_history_pages_work_on_this_django(client, editor, acdn, model):
    reference = Reference.objects.get(instrument=acdn)
    objects = {
        "declaration": reference.clause.declaration,
        "clause": reference.clause,
        "instrument": acdn,
        "reference": reference,
        "party": acdn.lead_parties.model.objects.get(code="MYS"),
    }
    obj = objects[model]
    obj.save()  # parties come from a data migration, which leaves no history
    client.force_login(editor)
    response = client.get(reverse(f"admin:declarations_{model}_history", args=[obj.pk]))
    assert response.status_code == 200
    record = obj.history.latest()
    response = client.get(
        reverse(f"admin:declarations_{model}_simple_history", args=[obj.pk, record.history_id])
    )
    assert response.status_code == 200


def test_the_history_records_who_changed_what(client, editor, acdn):
    client.force_login(editor)
    url = reverse("admin:declarations_instrument_change", args=[acdn.pk])
    data = page_data(client.get(url))
    data["description"] = "Phase plan agreed"
    client.post(url, data)
    latest = acdn.history.latest()
    assert (latest.history_user, latest.description, latest.history_type) == (
        editor,
        "Phase plan agreed",
        "~",
    )
    response = client.get(reverse("admin:declarations_instrument_history", args=[acdn.pk]))
    assert b"eddie" in response.content


@pytest.mark.parametrize("persona", ["administrator", "editor", "manager"])
def test_a_history_version_cannot_be_posted_back(as_persona, acdn, persona):
    """django-simple-history's revert form would save for anyone who may view."""
    record = acdn.history.earliest()
    acdn.name = "Renamed later"
    acdn.save()
    response = as_persona(persona).post(
        reverse("admin:declarations_instrument_simple_history", args=[acdn.pk, record.history_id]),
        {"name": "Reverted", "slug": acdn.slug, "kind": acdn.kind, "version_seen": "2"},
    )
    assert response.status_code == 403
    acdn.refresh_from_db()
    assert acdn.name == "Renamed later"


# No lost updates -------------------------------------------------------------------------------


class TestConcurrentEdits:
    def test_the_second_of_two_instrument_saves_is_refused(
        self, client, editor, administrator, acdn
    ):
        url = reverse("admin:declarations_instrument_change", args=[acdn.pk])
        first, second = client, Client()
        first.force_login(editor)
        second.force_login(administrator)
        first_data, second_data = page_data(first.get(url)), page_data(second.get(url))

        first_data["description"] = "First save"
        assert first.post(url, first_data).status_code == 302
        second_data["acronym"] = "XXX"
        response = second.post(url, second_data)

        assert response.status_code == 200
        assert CONFLICT in response.content.decode()
        assert "Nothing was saved." in response.content.decode()
        acdn.refresh_from_db()
        assert (acdn.description, acdn.acronym, acdn.version) == ("First save", "ACDN", 2)
        assert acdn.history.count() == 2  # created, then the first save only

    def test_the_second_of_two_draft_saves_is_refused(
        self, client, django_user_model, malaysia_editor, malaysia, entries
    ):
        draft = entries["malaysia_draft"]
        url = reverse("admin:declarations_implementationstatus_change", args=[draft.pk])
        colleague = django_user_model.objects.create_user("mas2", is_staff=True)
        colleague.groups.set(malaysia_editor.groups.all())
        malaysia.editors.add(colleague)
        first, second = client, Client()
        first.force_login(colleague)
        second.force_login(malaysia_editor)
        first_data, second_data = page_data(first.get(url)), page_data(second.get(url))

        first_data["progress"] = "40"
        assert first.post(url, first_data).status_code == 302
        second_data["progress"] = "70"
        second_data["note"] = "Overwrite attempt"
        response = second.post(url, second_data)

        assert CONFLICT in response.content.decode()
        draft.refresh_from_db()
        assert (draft.progress, draft.note, draft.version) == (40, "", 2)

    def test_a_milestone_changed_meanwhile_outside_the_inline_does_not_block_the_parent(
        self, client, editor, acdn
    ):
        milestone = make_instrument(name="Phase 1", parent=acdn, kind=Kind.MILESTONE)
        url = reverse("admin:declarations_instrument_change", args=[acdn.pk])
        client.force_login(editor)
        data = page_data(client.get(url))
        milestone.description = "Someone else's words"
        save_versioned(milestone, version=milestone.version)

        data["description"] = "Edited"
        assert client.post(url, data).status_code == 302
        milestone.refresh_from_db()
        assert milestone.description == "Someone else's words"

    def test_a_milestone_row_changed_meanwhile_is_not_overwritten(self, client, editor, acdn):
        """The inline row would write back the completion date the editor was shown."""
        milestone = make_instrument(name="Phase 1", parent=acdn, kind=Kind.MILESTONE)
        url = reverse("admin:declarations_instrument_change", args=[acdn.pk])
        client.force_login(editor)
        data = page_data(client.get(url))
        milestone.completed_on = TODAY
        save_versioned(milestone, version=milestone.version)

        data["children-0-due_on"] = "2027-01-31"
        response = client.post(url, data)
        assert CONFLICT in response.content.decode()
        milestone.refresh_from_db()
        assert (milestone.due_on, milestone.completed_on) == (None, TODAY)

    def test_a_save_that_loses_the_race_after_validating_writes_nothing(self, client, editor, acdn):
        """Another transaction commits between this save's form check and its UPDATE."""
        url = reverse("admin:declarations_instrument_change", args=[acdn.pk])
        client.force_login(editor)
        data = page_data(client.get(url))
        data["description"] = "Mine"
        raced = []

        def other_save_first(execute, sql, params, many, context):
            if not raced and sql.startswith('UPDATE "declarations_instrument" SET "version"'):
                raced.append(sql)
                with context["connection"].cursor() as cursor:
                    cursor.execute(
                        'UPDATE "declarations_instrument" SET "version" = "version" + 1 '
                        'WHERE "id" = %s',
                        [acdn.pk],
                    )
            return execute(sql, params, many, context)

        with connection.execute_wrapper(other_save_first):
            response = client.post(url, data, follow=True)

        assert raced
        assert CONFLICT in response.content.decode()
        acdn.refresh_from_db()
        # The admin's transaction rolled back: neither this save nor any part of it stayed.
        assert (acdn.description, acdn.history.count()) == ("", 1)

    def test_two_saves_of_the_same_version_one_wins(self, acdn):
        mine, theirs = Instrument.objects.get(pk=acdn.pk), Instrument.objects.get(pk=acdn.pk)
        mine.description = "Mine"
        save_versioned(mine, version=mine.version)
        theirs.description = "Theirs"
        with pytest.raises(EditConflict, match=CONFLICT):
            save_versioned(theirs, version=theirs.version)
        acdn.refresh_from_db()
        assert (acdn.description, acdn.version) == ("Mine", 2)

    def test_two_reviews_of_the_same_entry_one_wins(self, editor, administrator, entries):
        pk = entries["philippines_submitted"].pk
        first = ImplementationStatus.objects.get(pk=pk)
        second = ImplementationStatus.objects.get(pk=pk)
        review_status(first, by=editor, publish=True, comment="Fine")
        with pytest.raises(EditConflict):
            review_status(second, by=administrator, publish=False, comment="No")
        stored = ImplementationStatus.objects.get(pk=pk)
        assert (stored.review_state, stored.reviewed_by, stored.review_comment) == (
            ReviewState.PUBLISHED,
            editor,
            "Fine",
        )

    def test_the_declaration_form_is_versioned_too(self, client, editor, administrator, acdn):
        declaration = Declaration.objects.get(slug="admm-2025-kuala-lumpur")
        url = reverse("admin:declarations_declaration_change", args=[declaration.pk])
        first, second = client, Client()
        first.force_login(editor)
        second.force_login(administrator)
        first_data, second_data = page_data(first.get(url)), page_data(second.get(url))
        first_data["place"] = "Kuala Lumpur"
        assert first.post(url, first_data).status_code == 302
        second_data["place"] = "Putrajaya"
        assert CONFLICT in second.post(url, second_data).content.decode()
        declaration.refresh_from_db()
        assert declaration.place == "Kuala Lumpur"


# The declaration page -------------------------------------------------------------------------


def test_staff_fix_a_clause_proposed_by_the_importer(client, editor, acdn):
    declaration = Declaration.objects.get(slug="admm-2025-kuala-lumpur")
    clause = declaration.clauses.get()
    url = reverse("admin:declarations_declaration_change", args=[declaration.pk])
    client.force_login(editor)
    response = client.get(url)
    assert b"View report" in response.content
    assert f'href="/reports/declarations/{declaration.slug}/"'.encode() in response.content
    assert b"ACDN</a> (adopts)" in response.content  # the instrument links, shown
    data = page_data(response)
    data["clauses-0-lead_verb"] = "WELCOME"
    data["clauses-0-verb_class"] = "welcomes"
    data.pop("clauses-0-trackable")
    assert client.post(url, data).status_code == 302
    clause.refresh_from_db()
    assert (clause.lead_verb, clause.verb_class, clause.trackable) == ("WELCOME", "welcomes", False)


def test_a_clause_page_edits_its_instrument_links(client, editor, acdn):
    clause = acdn.clauses.get()
    other = make_instrument(name="Maritime Cybersecurity Conference", kind=Kind.CONFERENCE)
    url = reverse("admin:declarations_clause_change", args=[clause.pk])
    client.force_login(editor)
    data = page_data(client.get(url))
    data["references-TOTAL_FORMS"] = "2"
    data["references-1-instrument"] = str(other.pk)
    data["references-1-relation"] = Relation.APPROVES
    assert client.post(url, data).status_code == 302
    assert set(clause.instruments.all()) == {acdn, other}


# The instruments list ---------------------------------------------------------------------------


def build_instruments(count):
    theme = Theme.objects.get(slug="cyber-security")
    declaration = make_declaration()
    for n in range(count):
        clause = make_clause(declaration, text=f"ADOPT instrument {n}.")
        parent = make_instrument(clause, name=f"Programme {n}", due_on=TODAY)
        parent.themes.add(theme)
        child = make_instrument(name=f"Phase of {n}", parent=parent, kind=Kind.MILESTONE)
        make_status(parent, status=Status.IN_PROGRESS, progress=n % 100, as_of=TODAY)
        make_status(child, status=Status.PLANNED, as_of=TODAY - datetime.timedelta(days=3))


@pytest.mark.parametrize("rows", [3, 30])
def test_the_instruments_list_runs_a_fixed_number_of_queries(
    client, editor, rows, django_assert_num_queries
):
    build_instruments(rows)
    client.force_login(editor)
    url = reverse("admin:declarations_instrument_changelist")
    client.get(url)  # warm the session and the content types cache
    # session, user, user's and groups' permissions, may-record check, the filters'
    # declarations, themes and parties, the count, the page of rows.
    with django_assert_num_queries(10):
        response = client.get(url)
    assert len(response.context["cl"].result_list) == 2 * rows


@pytest.mark.parametrize("rows", [3, 30])
def test_the_status_list_runs_a_fixed_number_of_queries(
    client, malaysia_editor, malaysia, rows, django_assert_num_queries
):
    build_instruments(rows)
    for instrument in Instrument.objects.filter(parent__isnull=True):
        make_status(instrument, party=malaysia, as_of=TODAY, published=False)
    client.force_login(malaysia_editor)
    url = reverse("admin:declarations_implementationstatus_changelist")
    client.get(url)
    # session, user, user's and groups' permissions, the party filter, the count, the page
    # of rows with instrument, party and recorder joined (no date hierarchy: it would read
    # every entry's date).
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["cl"].result_list) == 3 * rows


def test_the_instruments_list_shows_badges_bars_and_dates(client, manager, acdn):
    make_status(acdn, status=Status.DELAYED, progress=30, as_of=TODAY - datetime.timedelta(days=5))
    client.force_login(manager)
    response = client.get(reverse("admin:declarations_instrument_changelist"))
    content = response.content.decode()
    assert '<span class="status-badge status-delayed">Delayed</span>' in content
    assert (
        '<progress class="status-progress" max="100" value="30" aria-hidden="true"></progress> 30%'
        in content
    )
    assert 'href="/static/declarations/admin.css"' in content
    assert ' style="' not in content.split('<table id="result_list"')[1]


class TestInstrumentFilters:
    @pytest.fixture
    def world(self, acdn, malaysia, philippines, malaysia_editor):
        fresh = make_instrument(
            make_clause(text="ADOPT the ADSARX concept paper."),
            name="ADSARX Concept Paper",
            acronym="ADSARX",
            due_on=TODAY + datetime.timedelta(days=100),
        )
        fresh.themes.add(Theme.objects.get(slug="search-and-rescue"))
        fresh.lead_parties.add(philippines)
        make_status(fresh, status=Status.IN_PROGRESS, as_of=TODAY - datetime.timedelta(days=2))
        done = make_instrument(
            make_clause(),
            name="Completed SOP",
            due_on=TODAY - datetime.timedelta(days=400),
        )
        make_status(done, status=Status.COMPLETED, as_of=TODAY - datetime.timedelta(days=300))
        record_status(
            instrument=acdn,
            party=malaysia,
            status=Status.DELAYED,
            as_of=TODAY,
            by=malaysia_editor,
            state=ReviewState.SUBMITTED,
        )
        return {"acdn": acdn, "fresh": fresh, "done": done}

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({"current_status": "in_progress"}, {"fresh"}),
            ({"current_status": "none"}, {"acdn"}),
            ({"current_status": "completed"}, {"done"}),
            ({"overdue": "yes"}, {"acdn"}),
            ({"overdue": "no"}, {"fresh", "done"}),
            ({"stale": "yes"}, {"acdn"}),
            ({"stale": "no"}, {"fresh", "done"}),
            ({"theme": "search-and-rescue"}, {"fresh"}),
            ({"party": "PHL"}, {"fresh"}),
            ({"review_state": "submitted"}, {"acdn"}),
            ({"kind": "guidelines"}, {"acdn"}),
            ({"q": "ADSARX"}, {"fresh"}),
            ({"q": "Guidelines and Roadmap"}, {"acdn"}),  # words of the citing clause
        ],
    )
    def test_each_filter_answers_like_the_reports(self, client, editor, world, query, expected):
        client.force_login(editor)
        response = client.get(reverse("admin:declarations_instrument_changelist"), query)
        assert response.status_code == 200
        names = {
            name
            for name, instrument in world.items()
            if instrument in response.context["cl"].result_list
        }
        assert names == expected
        assert len(response.context["cl"].result_list) == len(expected)

    def test_the_declaration_filter_includes_milestones(self, client, editor, world):
        milestone = make_instrument(name="ACDN phase 1", parent=world["acdn"], kind=Kind.MILESTONE)
        declaration = Declaration.objects.get(slug="admm-2025-kuala-lumpur")
        client.force_login(editor)
        response = client.get(
            reverse("admin:declarations_instrument_changelist"), {"declaration": declaration.pk}
        )
        assert set(response.context["cl"].result_list) == {world["acdn"], milestone}

    def test_the_overdue_and_stale_numbers_match_the_model_rules(self, client, editor, world):
        client.force_login(editor)
        url = reverse("admin:declarations_instrument_changelist")
        overdue = client.get(url, {"overdue": "yes"}).context["cl"].result_list
        stale = client.get(url, {"stale": "yes"}).context["cl"].result_list
        assert set(overdue) == set(Instrument.objects.overdue())
        assert set(stale) == set(Instrument.objects.stale())


class TestDeclarationImportPage:
    URL = "/admin/declarations/declaration/import/"

    @pytest.fixture
    def seed_text(self):
        from tests.test_importing import SEED

        return SEED

    def test_an_editor_previews_then_confirms(self, client, editor, seed_text):
        from declarations.models import Declaration

        client.force_login(editor)
        assert client.get(self.URL).status_code == 200
        preview = client.post(self.URL, {"text": seed_text, "preview": "1"})
        assert preview.status_code == 200
        assert "13 preambular, 25 operative" in preview.text
        assert "ACKNOWLDEGING" in preview.text
        assert not Declaration.objects.exists()

        confirmed = client.post(self.URL, {"text": seed_text, "confirm": "1"})
        declaration = Declaration.objects.get()
        assert confirmed.status_code == 302
        assert confirmed["Location"].endswith(f"/declaration/{declaration.pk}/change/")
        assert declaration.clauses.count() == 38

    def test_a_second_import_of_the_same_text_changes_nothing(self, client, editor, seed_text):
        from declarations.models import Clause

        client.force_login(editor)
        client.post(self.URL, {"text": seed_text, "confirm": "1"})
        again = client.post(self.URL, {"text": seed_text, "confirm": "1"})
        assert again.status_code == 200
        assert "would change nothing" in again.text
        assert Clause.objects.count() == 38

    def test_an_uploaded_binary_file_is_refused_and_nothing_written(self, client, editor):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from declarations.models import Declaration

        client.force_login(editor)
        upload = SimpleUploadedFile("scan.txt", b"\x89PNG\r\n\x1a\n\x00\x00binary")
        response = client.post(self.URL, {"file": upload, "preview": "1"})
        assert response.status_code == 200
        assert "The file is binary, not text." in response.text
        assert not Declaration.objects.exists()

    def test_text_without_operative_part_is_refused_with_the_reason(self, client, editor):
        client.force_login(editor)
        response = client.post(
            self.URL, {"text": "A Declaration\nRECOGNISING the need for peace;\n", "preview": "1"}
        )
        assert "Nothing was imported." in response.text

    @pytest.mark.parametrize("persona", ["manager", "malaysia_editor"])
    def test_readers_and_country_editors_cannot_import(self, client, request, persona):
        client.force_login(request.getfixturevalue(persona))
        assert client.get(self.URL).status_code == 403

    def test_the_declarations_list_links_the_import_page(self, client, editor):
        client.force_login(editor)
        response = client.get("/admin/declarations/declaration/")
        assert f'href="{self.URL}"' in response.text


class TestCountingALongStatusList:
    """The statuses changelist counts a very large unfiltered table from statistics."""

    URL = "/admin/declarations/implementationstatus/"

    @pytest.fixture
    def entries(self, acdn, malaysia):
        for month in range(1, 7):
            make_status(acdn, party=malaysia, as_of=datetime.date(2026, month, 1))
        make_status(acdn, as_of=datetime.date(2026, 7, 1), published=False)

    def test_a_small_table_is_counted_exactly(self, client, editor, entries):
        client.force_login(editor)
        assert client.get(self.URL).context["cl"].result_count == 7

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL statistics")
    def test_a_large_unfiltered_table_is_counted_from_statistics(
        self, client, editor, entries, monkeypatch
    ):
        from declarations.admin.list_filters import EstimatedCountPaginator

        monkeypatch.setattr(EstimatedCountPaginator, "ESTIMATE_FROM", 1)
        with connection.cursor() as cursor:
            # What autovacuum records: the statistics now say how many rows there are.
            cursor.execute("ANALYZE declarations_implementationstatus")
            cursor.execute(
                "UPDATE pg_class SET reltuples = 1234567 "
                "WHERE oid = 'declarations_implementationstatus'::regclass"
            )
        client.force_login(editor)
        assert client.get(self.URL).context["cl"].result_count == 1234567
        # A filtered list is still counted exactly.
        filtered = client.get(self.URL + "?review_state__exact=published")
        assert filtered.context["cl"].result_count == 6


def test_the_reporting_rule_names_every_party_a_user_reports_for(
    django_user_model, editor, malaysia, philippines
):
    both = django_user_model.objects.create_user("two", password="a-long-test-password")
    both.groups.set(Group.objects.filter(name="Country editors"))
    malaysia.editors.add(both)
    philippines.editors.add(both)
    nobody = django_user_model.objects.create_user("none", password="a-long-test-password")
    assert reporting_scope(both) == "You report for Malaysia and Philippines only."
    assert reporting_scope(nobody) == "You report for no party."
    assert reporting_scope(editor) == "You report for every party and for the region as a whole."
