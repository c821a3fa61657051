"""The admin fits the job: one form per page on the instrument page, dates day first, the
header links to the reports, managers land on the reports."""

import datetime
import re

import pytest
from django.urls import reverse

from declarations.models import ImplementationStatus, Status, day_text
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
