"""Every URL of the site, listed from the URL configuration itself, with real objects for its
parameters: what the authorization matrix and the page-wide security checks walk.

A pattern is known by its name ("admin:declarations_instrument_change") or, when it has
none, by its route ("favicon.ico").
"""

import datetime
import io

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_tasks_db.models import DBTaskResult

from declarations.models import (
    ApiToken,
    Evidence,
    Job,
    JobKind,
    JobState,
    Party,
    Reference,
    ReportingRound,
    ReviewState,
    SentReminder,
    Series,
    Status,
    Theme,
)
from tests.factories import make_clause, make_declaration, make_instrument, make_status

PERSONAS = (
    "anonymous",
    "consumer",
    "malaysia_editor",
    "philippines_editor",
    "editor",
    "manager",
    "administrator",
)

# Marks on the unpublished entries, to find them in page and API content.
PHL_DRAFT_NOTE = "philippines-draft-note-not-for-malaysia"
MYS_DRAFT_NOTE = "malaysia-draft-note-not-for-philippines"


def walk(resolver=None, namespace="", prefix=""):
    """(key, route, pattern) for every URL pattern, included ones too."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if pattern.name:
                key = f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                key = route
            yield key, route, pattern


def url_keys():
    return sorted({key for key, _, _ in walk()})


class World:
    """One of everything, so that each URL parameter has a real object behind it."""

    def __init__(self, django_user_model, personas):
        self.users = personas
        self.malaysia = Party.objects.get(code="MYS")
        self.philippines = Party.objects.get(code="PHL")
        # Parties come from a data migration, without history: give Malaysia one version.
        self.malaysia.save()
        self.declaration = make_declaration(slug="matrix-declaration")
        self.clause = make_clause(self.declaration)
        self.instrument = make_instrument(self.clause, slug="matrix-instrument")
        self.reference = Reference.objects.get(clause=self.clause)
        self.theme = Theme.objects.first()
        self.series = Series.objects.create(slug="matrix-series", name="Matrix Exercise")
        self.published = make_status(
            self.instrument, party=self.malaysia, as_of=datetime.date(2026, 1, 1)
        )
        self.phl_draft = make_status(
            self.instrument,
            party=self.philippines,
            status=Status.DELAYED,
            as_of=datetime.date(2026, 2, 1),
            published=False,
            review_state=ReviewState.SUBMITTED,
            note=PHL_DRAFT_NOTE,
        )
        self.mys_draft = make_status(
            self.instrument,
            party=self.malaysia,
            status=Status.DELAYED,
            as_of=datetime.date(2026, 2, 2),
            published=False,
            note=MYS_DRAFT_NOTE,
        )
        # An uploaded file on the Philippines' unpublished entry: theirs and reviewers' only.
        self.evidence_file = Evidence.objects.create(
            status=self.phl_draft,
            title="Philippine minutes",
            file=SimpleUploadedFile("minutes.pdf", b"%PDF-1.7\n%%EOF\n"),
        )
        self.round = ReportingRound.objects.create(
            name="Matrix round",
            reports_as_of=datetime.date(2027, 1, 31),
            due_on=datetime.date(2027, 1, 15),
        )
        self.round.instruments.add(self.instrument)
        # Malaysia's request: its editor and reviewers may answer it, nobody else.
        self.request = self.round.requests.create(instrument=self.instrument, party=self.malaysia)
        # Closing is final: the persona allowed to close gets a round of its own to close.
        self.round_to_close = ReportingRound.objects.create(
            name="Round to close",
            reports_as_of=datetime.date(2027, 1, 31),
            due_on=datetime.date(2027, 1, 15),
        )
        self.target_user = django_user_model.objects.create_user(
            "target", password="a-long-test-password"
        )
        self.group = Group.objects.get(name="Editors")
        self.token, _ = ApiToken.issue(user=self.target_user, name="matrix token")
        attempt = {"username": "x", "ip_address": "192.0.2.1", "user_agent": "test"}
        self.access_attempt = AccessAttempt.objects.create(
            **attempt, get_data="", post_data="", http_accept="*/*", path_info="/admin/login/",
            failures_since_start=1,
        )  # fmt: skip
        self.access_log = AccessLog.objects.create(
            **attempt, http_accept="*/*", path_info="/admin/login/"
        )
        self.access_failure = AccessFailureLog.objects.create(
            **attempt, http_accept="*/*", path_info="/admin/login/", locked_out=False
        )
        # A finished download of the manager's (or, without personas, an administrator's):
        # only its owner may read its page and file.
        owner = (
            personas.get("manager")
            or django_user_model.objects.filter(is_superuser=True).first()
            or self.target_user
        )
        self.job = Job.objects.create(
            kind=JobKind.REPORT,
            label="Matrix scorecard (PDF)",
            requested_by=owner,
            state=JobState.DONE,
            task_path="declarations.reports.downloads.build_download",
            attempts=1,
        )
        pdf = io.BytesIO(b"%PDF-1.7 matrix")
        self.job.store_file(pdf, download_name="matrix.pdf", content_type="application/pdf")
        # A checked status file of the Malaysian editor's: its page is theirs alone.
        self.status_import_job = Job.objects.create(
            kind=JobKind.STATUS_IMPORT,
            label="Check of matrix.csv",
            requested_by=personas.get("malaysia_editor") or owner,
            state=JobState.DONE,
            task_path="declarations.intake.status_jobs.check_status_file",
            attempts=1,
            params={"state": "submitted", "filename": "matrix.csv"},
            result={"rows": 1, "problems": 0, "shown_problems": [], "sample": []},
        )
        self.task_result = DBTaskResult.objects.create(
            args_kwargs={"args": [str(self.job.pk), 1], "kwargs": {}},
            task_path=self.job.task_path,
            backend_name="default",
            run_after=datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC),
        )
        self.sent_reminder = SentReminder.objects.create(
            user=self.target_user, day=datetime.date(2026, 1, 5), kind="overdue_stale"
        )
        self.by_model = {
            "declaration": self.declaration,
            "clause": self.clause,
            "instrument": self.instrument,
            "reference": self.reference,
            "party": self.malaysia,
            "theme": self.theme,
            "series": self.series,
            # The sensitive case: another party's unpublished entry.
            "implementationstatus": self.phl_draft,
            "apitoken": self.token,
            "reportinground": self.round,
            "user": self.target_user,
            "group": self.group,
            "accessattempt": self.access_attempt,
            "accesslog": self.access_log,
            "accessfailurelog": self.access_failure,
            "job": self.job,
            "dbtaskresult": self.task_result,
            "sentreminder": self.sent_reminder,
        }

    def admin_object(self, key):
        """The object an admin URL of `key` ("admin:declarations_instrument_change") is about."""
        for model, obj in self.by_model.items():
            if f"_{model}_" in key:
                return obj
        raise LookupError(f"No object for {key}: add its model to World.by_model.")

    def path(self, key, route):
        """A concrete address for the pattern, with real objects for its parameters."""
        if key == "favicon.ico" or key == "healthz":
            return "/" + route
        if key == "admin/(?P<url>.*)$":
            return "/admin/no-such-page/"
        if key == "api:not-found":
            return "/api/v1/no-such-list/"
        if key.startswith("admin/"):
            # The admin's unnamed "<object_id>/" redirects to the change page.
            model = route.split("/")[2]
            return "/" + route.replace("<path:object_id>", str(self.by_model[model].pk))
        kwargs = {}
        if key.endswith("_simple_history"):
            # simple_history's pattern takes positional groups: object, then version.
            obj = self.admin_object(key)
            return reverse(key, args=[obj.pk, obj.history.earliest().history_id])
        if key == "admin:autocomplete":
            # What the instrument form's "parent" widget asks for.
            query = "app_label=declarations&model_name=instrument&field_name=parent&term=matrix"
            return f"{reverse(key)}?{query}"
        if key.startswith("admin:"):
            kwargs = self.admin_kwargs(key, route)
        elif (
            key in {"report_declaration", "api:declaration-detail", "api:declaration-akn"}
            or key == "api:feed-declaration"
        ):
            kwargs = {"slug": self.declaration.slug}
        elif key == "report_round":
            kwargs = {"pk": self.round.pk}
        elif key in {"report_instrument", "api:instrument-detail"}:
            kwargs = {"slug": self.instrument.slug}
        elif key == "api:theme-detail":
            kwargs = {"slug": self.theme.slug}
        elif key == "api:party-detail":
            kwargs = {"code": self.malaysia.code}
        elif key == "api:status-detail":
            kwargs = {"pk": self.published.pk}
        elif key == "api:status-evidence":  # a draft's file: the API serves published ones only
            kwargs = {"pk": self.phl_draft.pk, "evidence_id": self.evidence_file.pk}
        elif key.startswith("job_"):
            kwargs = {"pk": self.job.pk}
        elif key == "api:clause-detail":
            kwargs = {"declaration": self.declaration.slug, "anchor": self.clause.anchor}
        return reverse(key, kwargs=kwargs)

    def admin_kwargs(self, key, route):
        if key == "admin:app_list":
            return {"app_label": "declarations"}
        if key == "admin:view_on_site":
            return {
                "content_type_id": ContentType.objects.get_for_model(self.declaration).pk,
                "object_id": self.declaration.pk,
            }
        kwargs = {}
        if "<int:evidence_id>" in route:
            return {"evidence_id": self.evidence_file.pk}
        if "<uuid:pk>" in route:
            return {"pk": self.status_import_job.pk}
        if "<int:request_id>" in route:
            return {"request_id": self.request.pk}
        if key == "admin:declarations_reportinground_close":
            return {"object_id": self.round_to_close.pk}
        if "object_id" in route:
            kwargs["object_id"] = self.admin_object(key).pk
        elif "<id>" in route:
            kwargs["id"] = self.admin_object(key).pk
        return kwargs
