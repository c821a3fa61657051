import datetime

import pytest
from django.core.management import CommandError, call_command

from declarations.models import Kind, Status
from tests.factories import make_clause, make_instrument, make_status

pytestmark = pytest.mark.django_db

AT = datetime.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def malaysia_items(malaysia):
    """ACDN, led by Malaysia: one milestone overdue, one done, the roadmap itself stale."""
    acdn = make_instrument(make_clause(), name="ACDN Guidelines and Roadmap", acronym="ACDN")
    acdn.lead_parties.add(malaysia)
    make_status(acdn, status=Status.IN_PROGRESS, as_of=AT - datetime.timedelta(days=400))
    late = make_instrument(
        name="ACDN phase 2: platform in operation",
        parent=acdn,
        kind=Kind.MILESTONE,
        due_on=datetime.date(2026, 9, 30),
    )
    make_status(late, status=Status.IN_PROGRESS, as_of=AT - datetime.timedelta(days=20))
    done = make_instrument(
        name="ACDN phase 1: contacts named",
        parent=acdn,
        kind=Kind.MILESTONE,
        due_on=datetime.date(2026, 3, 31),
        completed_on=datetime.date(2026, 3, 15),
    )
    make_status(done, status=Status.COMPLETED, as_of=datetime.date(2026, 3, 15))
    return {"acdn": acdn, "late": late}


@pytest.fixture
def philippines_items(philippines):
    """ADSARX, led by the Philippines and up to date: nothing to remind."""
    adsarx = make_instrument(make_clause(), name="ADSARX Concept Paper", acronym="ADSARX")
    adsarx.lead_parties.add(philippines)
    make_status(adsarx, status=Status.IN_PROGRESS, as_of=AT - datetime.timedelta(days=5))
    return adsarx


def with_email(user, email):
    user.email = email
    user.save()
    return user


def test_each_partys_editors_get_their_overdue_and_stale_items(
    mailoutbox, malaysia_editor, philippines_editor, malaysia_items, philippines_items
):
    with_email(malaysia_editor, "mas@example.org")
    with_email(philippines_editor, "phil@example.org")

    call_command("send_reminders", at=AT.isoformat(), base_url="https://tracker.example.org/")

    [message] = mailoutbox
    assert message.to == ["mas@example.org"]
    assert message.subject == "[Declaration tracker] Malaysia: 1 overdue, 1 stale"
    body = message.body
    assert "Overdue (1): due date passed and not completed" in body
    assert "- due 2026-09-30  ACDN: ACDN phase 2: platform in operation" in body
    assert "Stale (1): no published update in the last 180 days" in body
    assert "- last update 2025-10-26  ACDN Guidelines and Roadmap (ACDN)" in body
    assert (
        f"https://tracker.example.org/admin/declarations/instrument/{malaysia_items['late'].pk}/"
        "change/" in body
    )
    assert "phase 1" not in body  # completed on time
    assert "ADSARX" not in body  # the Philippines' business


def test_items_a_party_reported_on_count_as_theirs(
    mailoutbox, malaysia_editor, malaysia, philippines_items
):
    with_email(malaysia_editor, "mas@example.org")
    make_status(philippines_items, party=malaysia, status=Status.PLANNED, as_of=AT, published=False)

    call_command("send_reminders", at=(AT + datetime.timedelta(days=200)).isoformat())

    [message] = mailoutbox
    assert "ADSARX Concept Paper (ADSARX)" in message.body


def test_milestones_of_an_instrument_a_party_reported_on_count_as_theirs(
    mailoutbox, malaysia_editor, malaysia, philippines_items
):
    with_email(malaysia_editor, "mas@example.org")
    make_status(philippines_items, party=malaysia, status=Status.PLANNED, as_of=AT, published=False)
    make_instrument(
        name="ADSARX main planning conference",
        parent=philippines_items,
        kind=Kind.MILESTONE,
        due_on=AT - datetime.timedelta(days=10),
    )

    call_command("send_reminders", at=AT.isoformat())

    [message] = mailoutbox
    assert "- due 2026-11-20  ADSARX: ADSARX main planning conference" in message.body


def test_the_stale_period_is_configurable(mailoutbox, settings, malaysia_editor, malaysia_items):
    with_email(malaysia_editor, "mas@example.org")
    settings.TRACKER_STALE_AFTER_DAYS = 1000
    call_command("send_reminders", at=AT.isoformat())
    [message] = mailoutbox
    assert message.subject.endswith("1 overdue, 0 stale")


def test_editors_without_an_address_or_inactive_are_skipped(
    mailoutbox, malaysia_editor, malaysia_items, capsys
):
    call_command("send_reminders", at=AT.isoformat())
    assert mailoutbox == []
    assert "Malaysia: no editor has an email address; skipped." in capsys.readouterr().err

    with_email(malaysia_editor, "mas@example.org")
    malaysia_editor.is_active = False
    malaysia_editor.save()
    call_command("send_reminders", at=AT.isoformat())
    assert mailoutbox == []


def test_a_dry_run_sends_nothing(mailoutbox, malaysia_editor, malaysia_items, capsys):
    with_email(malaysia_editor, "mas@example.org")
    call_command("send_reminders", at=AT.isoformat(), dry_run=True)
    assert mailoutbox == []
    out = capsys.readouterr().out
    assert "Malaysia: mas@example.org: 1 overdue, 1 stale" in out
    assert "Dry run: 1 reminder(s) not sent." in out


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError, match="is not a date written YYYY-MM-DD"):
        call_command("send_reminders", at="30/11/2026")


# Once a day, on a schedule -----------------------------------------------------------------


def test_a_second_run_the_same_day_mails_nobody_again(
    mailoutbox, malaysia_editor, malaysia_items, capsys
):
    from declarations.models import SentReminder

    with_email(malaysia_editor, "mas@example.org")
    call_command("send_reminders", at=AT.isoformat())
    call_command("send_reminders", at=AT.isoformat())
    assert len(mailoutbox) == 1
    assert "mas@example.org: already reminded today; not sent again." in capsys.readouterr().out
    [record] = SentReminder.objects.all()
    assert (record.user, record.kind) == (malaysia_editor, "overdue_stale")


def test_the_database_refuses_a_second_reminder_record_for_the_same_day(malaysia_editor):
    from django.db import IntegrityError
    from django.utils import timezone

    from declarations.models import SentReminder

    fields = {"user": malaysia_editor, "day": timezone.localdate(), "kind": "overdue_stale"}
    SentReminder.objects.create(**fields)
    with pytest.raises(IntegrityError):
        SentReminder.objects.create(**fields)


def test_an_editor_of_two_parties_gets_one_mail_with_both(
    mailoutbox, malaysia_editor, philippines, malaysia_items, philippines_items
):
    with_email(malaysia_editor, "mas@example.org")
    philippines.editors.add(malaysia_editor)
    make_instrument(
        name="ADSARX main planning conference",
        parent=philippines_items,
        kind=Kind.MILESTONE,
        due_on=AT - datetime.timedelta(days=10),
    )
    call_command("send_reminders", at=AT.isoformat())
    [message] = mailoutbox
    assert message.subject == "[Declaration tracker] Malaysia, Philippines: 2 overdue, 2 stale"
    assert "== Malaysia" in message.body and "== Philippines" in message.body


def test_a_mail_that_fails_to_send_may_be_sent_by_a_later_run(
    mailoutbox, malaysia_editor, malaysia_items, monkeypatch
):
    from django.core.mail import mailers

    from declarations.models import SentReminder

    with_email(malaysia_editor, "mas@example.org")

    def refuse(self, messages):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(type(mailers.default), "send_messages", refuse)
    with pytest.raises(ConnectionRefusedError):
        call_command("send_reminders", at=AT.isoformat())
    assert not SentReminder.objects.exists()
    monkeypatch.undo()
    call_command("send_reminders", at=AT.isoformat())
    assert len(mailoutbox) == 1


def test_the_schedule_enqueues_the_run_as_a_job(mailoutbox, malaysia_editor, malaysia_items):
    from declarations.models import Job, JobKind, JobState

    with_email(malaysia_editor, "mas@example.org")
    call_command("send_reminders", at=AT.isoformat(), enqueue=True)
    job = Job.objects.get(kind=JobKind.REMINDERS)
    assert job.state == JobState.DONE and job.requested_by is None
    assert job.result["sent"] == 1 and len(mailoutbox) == 1
    call_command("send_reminders", at=AT.isoformat(), enqueue=True)  # the same day again
    assert len(mailoutbox) == 1
    assert Job.objects.filter(kind=JobKind.REMINDERS).latest("requested_at").result == {
        "sent": 0,
        "already_reminded": 1,
        "warnings": [],
    }
