"""The admin fits the job: one form per page on the instrument page, dates day first with
their help text read out, the header links to the reports, managers land on the reports."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from declarations.admin.widgets import DayMonthYearInput
from declarations.models import ImplementationStatus, Kind, Status, day_text
from tests.factories import make_clause, make_instrument, make_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def acdn():
    return make_instrument(make_clause(), name="ACDN Guidelines and Roadmap", acronym="ACDN")


def test_the_instrument_page_has_one_form_and_links_to_recording(client, malaysia_editor, acdn):
    client.force_login(malaysia_editor)
    page = client.get(reverse("admin:declarations_instrument_change", args=[acdn.pk]))
    html = page.content.decode()
    forms = [f for f in re.findall(r"<form[^>]*>", html) if "logout" not in f]
    assert len(forms) == 1, forms
    record = reverse("admin:declarations_instrument_record_status", args=[acdn.pk])
    assert f'href="{record}"' in html


def test_dates_are_shown_and_typed_day_first(client, editor, acdn):
    make_status(acdn, status=Status.PLANNED, as_of=datetime.date(2026, 11, 30))
    client.force_login(editor)
    listing = client.get(reverse("admin:declarations_implementationstatus_changelist"))
    assert "30 Nov 2026" in listing.content.decode()
    assert day_text(datetime.date(2026, 3, 1)) == "1 Mar 2026"
    record = reverse("admin:declarations_instrument_record_status", args=[acdn.pk])
    form = client.get(record).content.decode()
    assert 'type="date"' not in form and 'placeholder="dd/mm/yyyy"' in form
    response = client.post(
        record,
        {
            "record_party": "",
            "status": Status.IN_PROGRESS,
            "as_of": "28/11/2026",
            "state": "published",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert ImplementationStatus.objects.filter(as_of=datetime.date(2026, 11, 28)).exists()


def test_the_api_keeps_iso_dates(api_client_for, consumer, acdn):
    make_status(acdn, status=Status.PLANNED, as_of=datetime.date(2026, 11, 30))
    (entry,) = api_client_for(consumer).get("/api/v1/statuses/").json()["results"]
    assert entry["as_of"] == "2026-11-30"


@pytest.mark.parametrize(("persona", "linked"), [("manager", True), ("malaysia_editor", True)])
def test_the_admin_header_links_to_the_reports(client, request, persona, linked):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("admin:index")).content.decode()
    assert (f'href="{reverse("report_dashboard")}" class="reports-link"' in page) is linked


def test_a_manager_lands_on_the_reports(client, manager):
    client.force_login(manager)
    response = client.get(reverse("signed_in"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("report_dashboard")


# Date fields: typed day first, and their help text read out ---------------------------------


class Page(HTMLParser):
    """The ids of a page, and the attributes of each of its inputs by name."""

    WARNING = "_timezone_warning_helptext"  # added by the admin's script when zones differ

    def __init__(self, html):
        super().__init__()
        self.ids, self.inputs = {}, {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids[attrs["id"]] = tag
        if tag == "input" and "name" in attrs:
            self.inputs[attrs["name"]] = attrs

    def missing_references(self):
        """(input, id) of each id an input's aria-describedby names and the page lacks."""
        return [
            (name, id_)
            for name, attrs in self.inputs.items()
            for id_ in attrs.get("aria-describedby", "").split()
            if id_ not in self.ids and not id_.endswith(self.WARNING)
        ]


def described_by(page, name):
    return page.inputs[name].get("aria-describedby", "").split()


def may_fill_in(page, request):
    """Whether anyone fills in the form of an admin page or inline."""
    if isinstance(page, admin.options.InlineModelAdmin):
        return page.has_change_permission(request) or page.has_add_permission(request, None)
    return page.has_change_permission(request) or page.has_add_permission(request)


def test_every_admin_date_field_is_typed_day_first(administrator):
    request = RequestFactory().get("/")
    request.user = administrator
    seen = set()
    for model_admin in admin.site._registry.values():
        for page in [model_admin, *model_admin.get_inline_instances(request)]:
            if not may_fill_in(page, request):
                continue
            read_only = set(page.get_readonly_fields(request))
            for field in page.model._meta.fields:
                if type(field) is not models.DateField or field.name in read_only:
                    continue
                widget = page.formfield_for_dbfield(field, request).widget
                assert isinstance(widget, DayMonthYearInput), (page, field.name)
                tabular = isinstance(page, admin.TabularInline)
                assert widget.help_text_shown is not tabular, (page, field.name)
                seen.add(f"{page.model.__name__}.{field.name}")
    assert {"ReportingRound.due_on", "Instrument.completed_on", "Party.member_since"} <= seen


def test_a_round_date_field_names_its_help_text_and_the_time_zone_warning(client, editor):
    client.force_login(editor)
    page = Page(client.get(reverse("admin:declarations_reportinground_add")).text)

    for name in ("reports_as_of", "due_on"):
        assert described_by(page, name) == [
            f"id_{name}_helptext",
            f"id_{name}_timezone_warning_helptext",  # added by the script, when zones differ
        ]
        assert page.ids[f"id_{name}_helptext"] == "div"
        assert page.inputs[name]["placeholder"] == "dd/mm/yyyy"
    assert page.missing_references() == []


def test_a_refused_date_names_its_error_as_well(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:declarations_reportinground_add"),
        {"name": "Progress report to the 20th ADMM", "reports_as_of": "01/06/2026",
         "due_on": "15/06/2026"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Updates must be due by the report date" in response.text
    page = Page(response.text)

    assert described_by(page, "due_on") == [
        "id_due_on_helptext",
        "id_due_on_error",
        "id_due_on_timezone_warning_helptext",
    ]
    assert {"id_due_on_helptext", "id_due_on_error"} <= page.ids.keys()
    assert page.inputs["due_on"]["value"] == "15/06/2026"  # what was typed, kept


def test_no_input_of_the_instrument_page_names_an_id_it_lacks(client, editor, acdn):
    """A milestone row shows its help texts as column tooltips, with no id to name."""
    make_instrument(name="Phase 1", parent=acdn, kind=Kind.MILESTONE)
    client.force_login(editor)
    page = Page(client.get(reverse("admin:declarations_instrument_change", args=[acdn.pk])).text)

    assert described_by(page, "due_on") == ["id_due_on_helptext", "id_due_on" + Page.WARNING]
    assert described_by(page, "children-0-due_on") == ["id_children-0-due_on" + Page.WARNING]
    assert page.missing_references() == []
