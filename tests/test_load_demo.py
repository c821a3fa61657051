import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from declarations.models import Declaration, ImplementationStatus, Instrument, ReviewState

pytestmark = pytest.mark.django_db


def load():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_it_imports_the_seed_and_marks_every_sample_entry():
    output = load()
    assert "admin" in output and "demo-admin-password" in output
    assert Declaration.objects.get().slug == "admm-2025-kuala-lumpur"
    notes = ImplementationStatus.objects.values_list("note", flat=True)
    assert notes and all(note.startswith("Sample data: ") for note in notes)
    acdn = Instrument.objects.get(acronym="ACDN", parent=None)
    assert acdn.children.count() == 3
    assert ImplementationStatus.objects.filter(review_state=ReviewState.SUBMITTED).count() == 1


def test_running_it_twice_changes_nothing():
    load()
    counts = (Instrument.objects.count(), ImplementationStatus.objects.count())
    assert "already imported" in load()
    assert (Instrument.objects.count(), ImplementationStatus.objects.count()) == counts
    assert get_user_model().objects.count() == 5


def test_it_prints_the_sign_in_address_on_the_port_the_demo_serves():
    out = io.StringIO()
    call_command("load_demo", "--port", "8101", stdout=out)
    assert "Sign in at http://127.0.0.1:8101/admin/" in out.getvalue()
    assert "Sign in at http://127.0.0.1:8000/admin/" in load()


def test_it_opens_a_sample_round_that_the_sample_draft_answers():
    from declarations.models import ReportingRound, round_summary

    load()
    round_ = ReportingRound.objects.get()
    assert round_.name == "Progress report to the 20th ADMM" and round_.is_open
    assert set(round_.requests.values_list("party__code", flat=True)) == {"MYS", "PHL"}
    assert round_summary(round_)["waiting"] == 1
    load()
    assert ReportingRound.objects.count() == 1
