"""Text that feeds, downloads and XML cannot carry (declarations.text): one rule, refused at
every way in with a message naming the character, removed from a pasted declaration with a
warning, and audited only once a change is committed."""

import datetime
import logging

import pytest
from django import forms
from django.apps import apps
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms import modelform_factory
from django.urls import reverse
from rest_framework import serializers

from declarations.admin import forms as admin_forms
from declarations.api.statuses import EvidenceSerializer, StatusWriteSerializer
from declarations.demo import SEED
from declarations.intake import status_import
from declarations.intake.importing import import_text, plan_import
from declarations.models import (
    Clause,
    ImplementationStatus,
    Instrument,
    ReviewState,
    Status,
    record_status,
    review_status,
)
from declarations.text import storable, unstorable_in, validate_storable_text
from tests.factories import make_clause, make_declaration, make_instrument

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
VERTICAL_TAB = (
    "Remove the control character U+000B (vertical tab, which Word writes for a line break)"
)


# The rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("line one\x0bline two", f"{VERTICAL_TAB} at character 9."),
        ("\x00", "Remove the control character U+0000 (null) at character 1."),
        ("unit\x1fseparator", "Remove the control character U+001F at character 5."),
        ("del\x7f", "Remove the control character U+007F (delete) at character 4."),
        ("c1 \x85", "Remove the control character U+0085 (next line) at character 4."),
        ("\ufffe", "Remove the noncharacter U+FFFE at character 1."),
        ("x\U0010ffff", "Remove the noncharacter U+10FFFF at character 2."),
        (
            "cut \ud83d in two",
            "Remove the lone surrogate U+D83D (half of a character that was cut in two) "
            "at character 5.",
        ),
        ("\x0b\x0c\x01", f"{VERTICAL_TAB} at character 1, and 2 more such characters."),
    ],
)
def test_the_rule_refuses_a_character_no_output_can_carry_and_says_which_and_where(text, message):
    with pytest.raises(ValidationError) as refused:
        validate_storable_text(text)
    assert refused.value.messages == [message]


@pytest.mark.parametrize(
    "text",
    [
        "Tab\tand\nnew lines\r\n",
        "Türkiye, Viet Nam, Lao PDR",
        "\u202eright-to-left override, zero\u200dwidth joiner",
        "emoji 👩\u200d💻 🇲🇾",
        "<b>&amp;</b> =1+1",
        "\ufeffbyte-order mark, \ufffd replacement character",
    ],
)
def test_the_rule_accepts_unusual_text_that_every_output_can_carry(text):
    validate_storable_text(text)
    assert storable(text) == text


def test_removing_keeps_words_apart_where_a_break_separated_them():
    assert storable("line one\x0bline two\x0cpage\x00\x7f\ufffe end") == (
        "line one line two page end"
    )
    assert unstorable_in("a\x0bb\x0b\x00") == ["\x00", "\x0b"]


# Every way in carries the rule ------------------------------------------------------------


def text_fields(model):
    return [
        field
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField)
    ]


def test_every_text_field_of_every_model_carries_the_rule():
    """A new text field without the rule fails here. A field with choices is exempt: it
    holds one of its choices, checked in Python and by a CHECK constraint."""
    missing, checked = [], []
    for model in apps.get_app_config("declarations").get_models():
        for field in text_fields(model):
            # simple_history's own column, which only code writes.
            if field.choices or field.name == "history_change_reason":
                continue
            checked.append(f"{model.__name__}.{field.name}")
            if validate_storable_text not in field.validators:
                missing.append(f"{model.__name__}.{field.name}")
    assert not missing, f"Add validators=[validate_storable_text] to: {', '.join(missing)}"
    # The walk reached what the probe broke, historical copies included.
    assert {
        "ImplementationStatus.note",
        "ImplementationStatus.review_comment",
        "Evidence.title",
        "Evidence.url",
        "Declaration.title",
        "Declaration.text",
        "Clause.text",
        "Instrument.name",
        "Instrument.description",
        "HistoricalImplementationStatus.note",
        "HistoricalClause.text",
    } <= set(checked)


# The importer's text is cleaned, not refused (`plan_import`).
FORM_FIELDS_CLEANED_INSTEAD = {("DeclarationImportForm", "text")}


def test_every_text_field_of_a_plain_form_that_writes_carries_the_rule():
    """ModelForms get the rule from the model; forms of their own must name it."""
    form_classes = [
        value
        for module in (admin_forms, status_import)
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, forms.Form)
        and value.__module__ == module.__name__
    ]
    missing = [
        f"{form.__name__}.{name}"
        for form in form_classes
        for name, field in form.declared_fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field.widget, forms.HiddenInput)
        and (form.__name__, name) not in FORM_FIELDS_CLEANED_INSTEAD
        and validate_storable_text not in field.validators
    ]
    assert not missing, f"Add validators=[validate_storable_text] to: {', '.join(missing)}"
    assert {"RecordProgressForm", "EvidenceForm", "ReviewForm", "StatusRowForm"} <= {
        form.__name__ for form in form_classes
    }


def test_every_text_field_the_api_writes_carries_the_rule():
    fields = {
        **{f"status.{name}": field for name, field in StatusWriteSerializer().fields.items()},
        **{f"evidence.{name}": field for name, field in EvidenceSerializer().fields.items()},
    }
    text = {
        name: field
        for name, field in fields.items()
        if isinstance(field, serializers.CharField)
        # A party is a code of letters, digits, - and _, which its pattern checks first.
        and not isinstance(field, serializers.RegexField)
    }
    assert set(text) == {"status.note", "evidence.title", "evidence.url"}
    assert all(validate_storable_text in field.validators for field in text.values())


# ... and refuses, field by field ----------------------------------------------------------


@pytest.fixture
def adsarx():
    declaration = make_declaration(slug="admm-2025-kuala-lumpur")
    clause = make_clause(declaration, text="ADOPT the Concept Paper on ADSARX.")
    return make_instrument(clause, slug="adsarx", name="ADSARX", acronym="ADSARX")


def test_the_api_refuses_a_note_pasted_from_word(api_client_for, editor, adsarx):
    response = api_client_for(editor).post(
        "/api/v1/statuses/",
        {
            "instrument": "adsarx",
            "party": "MYS",
            "status": Status.IN_PROGRESS,
            "as_of": TODAY.isoformat(),
            "note": "line one\u000bline two",
            "evidence": [{"title": "Re\x1fport", "url": "https://example.org/r.pdf"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["note"] == [f"{VERTICAL_TAB} at character 9."]
    assert response.json()["evidence"] == {
        "0": {"title": ["Remove the control character U+001F at character 3."]}
    }
    assert not ImplementationStatus.objects.exists()


def test_a_model_form_refuses_it_on_the_field(adsarx):
    form_class = modelform_factory(Instrument, fields=["slug", "name", "kind", "description"])
    form = form_class(
        {"slug": "adsarx", "name": "ADS\x0bARX", "kind": "concept_paper", "description": "a\x01"},
        instance=adsarx,
    )
    assert not form.is_valid()
    assert form.errors["name"] == [f"{VERTICAL_TAB} at character 4."]
    assert form.errors["description"] == ["Remove the control character U+0001 at character 2."]


def test_the_admin_status_form_refuses_it_on_the_note(client, editor, adsarx, malaysia):
    client.force_login(editor)
    response = client.post(
        reverse("admin:declarations_implementationstatus_add"),
        {
            "instrument": str(adsarx.pk),
            "party": str(malaysia.pk),
            "status": Status.IN_PROGRESS,
            "as_of": TODAY.isoformat(),
            "note": "line one\x0bline two",
            "state": "submitted",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["note"] == [f"{VERTICAL_TAB} at character 9."]
    assert not ImplementationStatus.objects.exists()


def test_record_progress_refuses_it_on_the_note_and_the_evidence(client, editor, adsarx, malaysia):
    client.force_login(editor)
    response = client.post(
        reverse("admin:declarations_instrument_record_status", args=[adsarx.pk]),
        {
            "party": str(malaysia.pk),
            "status": Status.IN_PROGRESS,
            "as_of": TODAY.isoformat(),
            "note": "line one\x0bline two",
            "state": "submitted",
            "evidence-TOTAL_FORMS": "1",
            "evidence-INITIAL_FORMS": "0",
            "evidence-0-title": "Re\x1fport",
            "evidence-0-url": "https://example.org/r.pdf",
            "evidence-0-kind": "other",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["note"] == [f"{VERTICAL_TAB} at character 9."]
    assert response.context["evidence_formset"].errors[0]["title"] == [
        "Remove the control character U+001F at character 3."
    ]
    assert not ImplementationStatus.objects.exists()


def test_a_review_comment_is_refused_on_the_page_and_in_the_write_path(
    client, editor, malaysia_editor, adsarx, malaysia
):
    entry = record_status(
        instrument=adsarx, party=malaysia, status=Status.PLANNED, as_of=TODAY,
        by=malaysia_editor, state=ReviewState.SUBMITTED,
    )  # fmt: skip
    client.force_login(editor)
    response = client.post(
        reverse("admin:declarations_implementationstatus_changelist"),
        {"action": "reject", ACTION_CHECKBOX_NAME: [entry.pk], "apply": "1", "comment": "N\x0bo"},
    )
    assert response.context["form"].errors["comment"] == [f"{VERTICAL_TAB} at character 2."]
    with pytest.raises(ValidationError) as refused:
        review_status(entry, by=editor, publish=False, comment="N\x0bo")
    assert refused.value.message_dict == {"review_comment": [f"{VERTICAL_TAB} at character 2."]}
    entry.refresh_from_db()
    assert entry.review_state == ReviewState.SUBMITTED


def test_the_status_import_refuses_it_by_row_and_column(editor, adsarx):
    header = list(status_import.COLUMNS)
    cells = dict.fromkeys(header, "")
    cells |= {"instrument": "adsarx", "party": "MYS", "status": "planned", "as_of": "2026-01-05"}
    table = [header, list((cells | {"note": "line one\x0bline two"}).values())]
    table.append(list((cells | {"evidence_url": "https://example.org/a\x7f"}).values()))
    preview = status_import.validate(table, user=editor)
    assert [str(error) for error in preview.errors] == [
        f"Row 2, column note: {VERTICAL_TAB} at character 9.",
        "Row 3, column evidence_url: Remove the control character U+007F (delete) at character 22.",
    ]


def test_a_pasted_declaration_loses_its_control_characters_and_the_preview_says_so():
    pasted = SEED.read_text(encoding="utf-8").replace(
        "Concept Paper on ASEAN Defence", "Concept Paper\x0bon ASEAN Defence", 1
    )
    assert pasted.count("\x0b") == 1
    # A NUL is refused outright (the text is not text: see test_importing); other control
    # characters are removed with a warning.
    plan = plan_import(pasted + "\x7f")
    preview = "\n".join(plan.preview())
    assert (
        "Warning: Removed 2 characters that cannot be stored: the control character U+000B "
        "(vertical tab, which Word writes for a line break); "
    ) in preview
    assert "U+007F" in preview
    declaration = import_text(pasted).declaration
    assert not unstorable_in(declaration.text)
    texts = Clause.objects.filter(declaration=declaration).values_list("text", flat=True)
    assert any("Concept Paper on ASEAN Defence" in text for text in texts)
    assert not any(unstorable_in(text) for text in texts)


# Audit lines of the write path: only for what is committed -------------------------------


def audit_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "tracker.audit"]


def test_a_publication_rolled_back_logs_nothing(
    editor, adsarx, caplog, django_capture_on_commit_callbacks
):
    with (
        caplog.at_level(logging.INFO),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        transaction.atomic(),
    ):
        record_status(
            instrument=adsarx, party=None, status=Status.PLANNED, as_of=TODAY, by=editor,
            state=ReviewState.PUBLISHED,
        )  # fmt: skip
        transaction.set_rollback(True)
    assert callbacks == []
    assert audit_lines(caplog) == []
    assert not ImplementationStatus.objects.exists()


def test_a_publication_is_logged_once_committed(
    editor, adsarx, caplog, django_capture_on_commit_callbacks
):
    with caplog.at_level(logging.INFO):
        with django_capture_on_commit_callbacks() as callbacks:
            entry = record_status(
                instrument=adsarx, party=None, status=Status.PLANNED, as_of=TODAY, by=editor,
                state=ReviewState.PUBLISHED,
            )  # fmt: skip
        assert audit_lines(caplog) == []
        for callback in callbacks:  # what a commit runs
            callback()
    [line] = audit_lines(caplog)
    assert line.startswith("event=status_published at=")
    assert f"object=implementationstatus:{entry.pk}" in line and "user=eddie" in line
