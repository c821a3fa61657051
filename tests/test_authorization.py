"""The authorization matrix: every URL of the site (listed from the URL configuration, so a
new URL without an entry here fails) x every persona x the methods that matter, with the
answer each must get.

Each row below is one URL name (or the route of an unnamed pattern) and method; the seven
codes are, in order: anonymous, API consumer, country editor Malaysia, country editor
Philippines, editor, manager, administrator. API addresses are called with each persona's
token, everything else with a signed-in session. Object parameters are real objects; the
implementation status in admin addresses is an entry the Philippines submitted and nobody
has published yet, so only its own editor and reviewers may see it.

Besides the codes, "0 leaks" is checked on content: no persona ever receives an unpublished
entry it may not see, and no API answer or report carries an unpublished entry at all.
"""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from declarations.models import ImplementationStatus
from tests.urlmap import MYS_DRAFT_NOTE, PERSONAS, PHL_DRAFT_NOTE, World, url_keys, walk

pytestmark = pytest.mark.django_db

# 302: sent to sign in (or redirected); 401: the API asks for a token; 403: refused;
# 405: method not allowed. The OpenAPI schema and its docs page are public by design: they
# describe the API, never its data. A country editor asking for another party's
# unpublished entry is told it does not exist (302 back to the admin index), not 403, so
# its existence is not revealed either.
EXPECTED = {
    "home": {"GET": "200 200 302 302 302 302 302"},
    "report_dashboard": {"GET": "302 403 200 200 200 200 200"},
    "report_declaration": {"GET": "302 403 200 200 200 200 200"},
    "report_instrument": {"GET": "302 403 200 200 200 200 200"},
    "report_countries": {"GET": "302 403 200 200 200 200 200"},
    "report_overdue": {"GET": "302 403 200 200 200 200 200"},
    "report_stale": {"GET": "302 403 200 200 200 200 200"},
    "report_changes": {"GET": "302 403 200 200 200 200 200"},
    "report_search": {"GET": "302 403 200 200 200 200 200"},
    "report_round": {"GET": "302 403 200 200 200 200 200"},
    "admin:index": {"GET": "302 302 200 200 200 200 200"},
    "admin:login": {"GET": "200 200 302 302 302 302 302"},
    "admin:logout": {"GET": "302 302 405 405 405 405 405", "POST": "302 302 200 200 200 200 200"},
    "admin:password_change": {
        "GET": "302 302 200 200 200 200 200",
        "POST": "302 302 200 200 200 200 200",
    },
    "admin:password_change_done": {"GET": "302 302 200 200 200 200 200"},
    "admin:autocomplete": {"GET": "302 302 200 200 200 200 200"},
    "admin:jsi18n": {"GET": "302 302 200 200 200 200 200"},
    "admin:view_on_site": {"GET": "302 302 302 302 302 302 302"},
    "admin:auth_group_changelist": {
        "GET": "302 302 403 403 403 403 200",
        "POST": "302 302 403 403 403 403 200",
    },
    "admin:auth_group_add": {
        "GET": "302 302 403 403 403 403 200",
        "POST": "302 302 403 403 403 403 200",
    },
    "admin:auth_group_history": {"GET": "302 302 403 403 403 403 200"},
    "admin:auth_group_delete": {"GET": "302 302 403 403 403 403 200"},
    "admin:auth_group_change": {
        "GET": "302 302 403 403 403 403 200",
        "POST": "302 302 403 403 403 403 200",
    },
    "admin/auth/group/<path:object_id>/": {"GET": "302 302 302 302 302 302 302"},
    "admin:auth_user_password_change": {
        "GET": "302 302 403 403 403 403 200",
        "POST": "302 302 403 403 403 403 200",
    },
    "admin:auth_user_changelist": {
        "GET": "302 302 403 403 403 403 200",
        "POST": "302 302 403 403 403 403 200",
    },
    "admin:auth_user_add": {
        "GET": "302 302 403 403 403 403 200",
        "POST": "302 302 403 403 403 403 200",
    },
    "admin:auth_user_history": {"GET": "302 302 403 403 403 403 200"},
    "admin:auth_user_delete": {"GET": "302 302 403 403 403 403 200"},
    "admin:auth_user_change": {
        "GET": "302 302 403 403 403 403 200",
        "POST": "302 302 403 403 403 403 200",
    },
    "admin/auth/user/<path:object_id>/": {"GET": "302 302 302 302 302 302 302"},
    "admin:axes_accessattempt_changelist": {
        "GET": "302 302 403 403 403 403 200",
        "POST": "302 302 403 403 403 403 200",
    },
    "admin:axes_accessattempt_add": {
        "GET": "302 302 403 403 403 403 403",
        "POST": "302 302 403 403 403 403 403",
    },
    "admin:axes_accessattempt_history": {"GET": "302 302 403 403 403 403 200"},
    "admin:axes_accessattempt_delete": {"GET": "302 302 403 403 403 403 200"},
    "admin:axes_accessattempt_change": {
        "GET": "302 302 403 403 403 403 200",
        "POST": "302 302 403 403 403 403 302",
    },
    "admin/axes/accessattempt/<path:object_id>/": {"GET": "302 302 302 302 302 302 302"},
    "admin:axes_accesslog_changelist": {
        "GET": "302 302 403 403 403 403 200",
        "POST": "302 302 403 403 403 403 200",
    },
    "admin:axes_accesslog_add": {
        "GET": "302 302 403 403 403 403 403",
        "POST": "302 302 403 403 403 403 403",
    },
    "admin:axes_accesslog_history": {"GET": "302 302 403 403 403 403 200"},
    "admin:axes_accesslog_delete": {"GET": "302 302 403 403 403 403 200"},
    "admin:axes_accesslog_change": {
        "GET": "302 302 403 403 403 403 200",
        "POST": "302 302 403 403 403 403 302",
    },
    "admin/axes/accesslog/<path:object_id>/": {"GET": "302 302 302 302 302 302 302"},
    "admin:axes_accessfailurelog_changelist": {
        "GET": "302 302 403 403 403 403 200",
        "POST": "302 302 403 403 403 403 200",
    },
    "admin:axes_accessfailurelog_add": {
        "GET": "302 302 403 403 403 403 403",
        "POST": "302 302 403 403 403 403 403",
    },
    "admin:axes_accessfailurelog_history": {"GET": "302 302 403 403 403 403 200"},
    "admin:axes_accessfailurelog_delete": {"GET": "302 302 403 403 403 403 200"},
    "admin:axes_accessfailurelog_change": {
        "GET": "302 302 403 403 403 403 200",
        "POST": "302 302 403 403 403 403 302",
    },
    "admin/axes/accessfailurelog/<path:object_id>/": {"GET": "302 302 302 302 302 302 302"},
    "admin:declarations_party_simple_history": {"GET": "302 302 200 200 200 200 200"},
    "admin:declarations_party_changelist": {
        "GET": "302 302 200 200 200 200 200",
        "POST": "302 302 200 200 200 200 200",
    },
    "admin:declarations_party_add": {
        "GET": "302 302 403 403 403 403 200",
        "POST": "302 302 403 403 403 403 200",
    },
    "admin:declarations_party_history": {"GET": "302 302 200 200 200 200 200"},
    "admin:declarations_party_delete": {"GET": "302 302 403 403 403 403 200"},
    "admin:declarations_party_change": {
        "GET": "302 302 200 200 200 200 200",
        "POST": "302 302 403 403 403 403 200",
    },
    "admin/declarations/party/<path:object_id>/": {"GET": "302 302 302 302 302 302 302"},
    "admin:declarations_theme_changelist": {
        "GET": "302 302 200 200 200 200 200",
        "POST": "302 302 200 200 200 200 200",
    },
    "admin:declarations_theme_add": {
        "GET": "302 302 403 403 200 403 200",
        "POST": "302 302 403 403 200 403 200",
    },
    "admin:declarations_theme_history": {"GET": "302 302 200 200 200 200 200"},
    "admin:declarations_theme_delete": {"GET": "302 302 403 403 403 403 200"},
    "admin:declarations_theme_change": {
        "GET": "302 302 200 200 200 200 200",
        "POST": "302 302 403 403 200 403 200",
    },
    "admin/declarations/theme/<path:object_id>/": {"GET": "302 302 302 302 302 302 302"},
    "admin:declarations_series_simple_history": {"GET": "302 302 200 200 200 200 200"},
    "admin:declarations_series_changelist": {
        "GET": "302 302 200 200 200 200 200",
        "POST": "302 302 200 200 200 200 200",
    },
    "admin:declarations_series_add": {
        "GET": "302 302 403 403 200 403 200",
        "POST": "302 302 403 403 200 403 200",
    },
    "admin:declarations_series_history": {"GET": "302 302 200 200 200 200 200"},
    "admin:declarations_series_delete": {"GET": "302 302 403 403 403 403 200"},
    "admin:declarations_series_change": {
        "GET": "302 302 200 200 200 200 200",
        "POST": "302 302 403 403 200 403 200",
    },
    "admin/declarations/series/<path:object_id>/": {"GET": "302 302 302 302 302 302 302"},
    "admin:declarations_declaration_import": {
        "GET": "302 302 403 403 200 403 200",
        "POST": "302 302 403 403 200 403 200",
    },
    "admin:declarations_declaration_simple_history": {"GET": "302 302 200 200 200 200 200"},
    "admin:declarations_declaration_changelist": {
        "GET": "302 302 200 200 200 200 200",
        "POST": "302 302 200 200 200 200 200",
    },
    "admin:declarations_declaration_add": {
        "GET": "302 302 403 403 200 403 200",
        "POST": "302 302 403 403 200 403 200",
    },
    "admin:declarations_declaration_history": {"GET": "302 302 200 200 200 200 200"},
    "admin:declarations_declaration_delete": {"GET": "302 302 403 403 403 403 200"},
    "admin:declarations_declaration_change": {
        "GET": "302 302 200 200 200 200 200",
        "POST": "302 302 403 403 200 403 200",
    },
    "admin/declarations/declaration/<path:object_id>/": {"GET": "302 302 302 302 302 302 302"},
    "admin:declarations_clause_simple_history": {"GET": "302 302 200 200 200 200 200"},
    "admin:declarations_clause_changelist": {
        "GET": "302 302 200 200 200 200 200",
        "POST": "302 302 200 200 200 200 200",
    },
    "admin:declarations_clause_add": {
        "GET": "302 302 403 403 200 403 200",
        "POST": "302 302 403 403 200 403 200",
    },
    "admin:declarations_clause_history": {"GET": "302 302 200 200 200 200 200"},
    "admin:declarations_clause_delete": {"GET": "302 302 403 403 200 403 200"},
    "admin:declarations_clause_change": {
        "GET": "302 302 200 200 200 200 200",
        "POST": "302 302 403 403 200 403 200",
    },
    "admin/declarations/clause/<path:object_id>/": {"GET": "302 302 302 302 302 302 302"},
    "admin:declarations_reference_simple_history": {"GET": "302 302 200 200 200 200 200"},
    "admin:declarations_reference_changelist": {
        "GET": "302 302 200 200 200 200 200",
        "POST": "302 302 200 200 200 200 200",
    },
    "admin:declarations_reference_add": {
        "GET": "302 302 403 403 200 403 200",
        "POST": "302 302 403 403 200 403 200",
    },
    "admin:declarations_reference_history": {"GET": "302 302 200 200 200 200 200"},
    "admin:declarations_reference_delete": {"GET": "302 302 403 403 200 403 200"},
    "admin:declarations_reference_change": {
        "GET": "302 302 200 200 200 200 200",
        "POST": "302 302 403 403 200 403 200",
    },
    "admin/declarations/reference/<path:object_id>/": {"GET": "302 302 302 302 302 302 302"},
    "admin:declarations_instrument_record_status": {
        "GET": "302 302 200 200 200 403 200",
        "POST": "302 302 200 200 200 403 200",
    },
    "admin:declarations_instrument_simple_history": {"GET": "302 302 200 200 200 200 200"},
    "admin:declarations_instrument_changelist": {
        "GET": "302 302 200 200 200 200 200",
        "POST": "302 302 200 200 200 200 200",
    },
    "admin:declarations_instrument_add": {
        "GET": "302 302 403 403 200 403 200",
        "POST": "302 302 403 403 200 403 200",
    },
    "admin:declarations_instrument_history": {"GET": "302 302 200 200 200 200 200"},
    "admin:declarations_instrument_delete": {"GET": "302 302 403 403 403 403 200"},
    "admin:declarations_instrument_change": {
        "GET": "302 302 200 200 200 200 200",
        "POST": "302 302 403 403 200 403 200",
    },
    "admin/declarations/instrument/<path:object_id>/": {"GET": "302 302 302 302 302 302 302"},
    "admin:declarations_implementationstatus_import": {
        "GET": "302 302 200 200 200 403 200",
        "POST": "302 302 200 200 200 403 200",
    },
    # A status import's page (its check or its write) is its owner's alone.
    "admin:declarations_implementationstatus_import_job": {
        "GET": "302 302 200 404 404 403 404",
        "POST": "302 302 200 404 404 403 404",
    },
    "admin:declarations_implementationstatus_export": {"GET": "302 302 200 200 200 200 200"},
    "admin:declarations_implementationstatus_simple_history": {
        "GET": "302 302 403 200 200 403 200",
    },
    "admin:declarations_implementationstatus_changelist": {
        "GET": "302 302 200 200 200 200 200",
        "POST": "302 302 200 200 200 200 200",
    },
    "admin:declarations_implementationstatus_add": {
        "GET": "302 302 200 200 200 403 200",
        "POST": "302 302 200 200 200 403 200",
    },
    "admin:declarations_implementationstatus_history": {"GET": "302 302 403 200 200 403 200"},
    "admin:declarations_implementationstatus_delete": {"GET": "302 302 403 403 403 403 200"},
    # A submitted entry is changed by nobody, reviewers included: they review it instead.
    "admin:declarations_implementationstatus_change": {
        "GET": "302 302 302 200 200 302 200",
        "POST": "302 302 302 403 403 302 403",
    },
    # Files are served to those who may see the entry; to others it does not exist.
    "admin:declarations_implementationstatus_evidence": {"GET": "302 302 404 200 200 404 200"},
    # An empty POST publishes nothing: without the version seen it is sent back (302).
    "admin:declarations_implementationstatus_review": {
        "GET": "302 302 302 403 200 302 200",
        "POST": "302 302 302 403 302 302 302",
    },
    "admin/declarations/implementationstatus/<path:object_id>/": {
        "GET": "302 302 302 302 302 302 302",
    },
    "admin:declarations_reportinground_close": {
        "GET": "302 302 405 405 405 405 405",
        "POST": "302 302 403 403 302 403 302",
    },
    "admin:declarations_reportinground_remind": {
        "GET": "302 302 405 405 405 405 405",
        "POST": "302 302 403 403 302 403 302",
    },
    "admin:declarations_reportinground_record": {
        "GET": "302 302 200 403 200 403 200",
        "POST": "302 302 200 403 200 403 200",
    },
    "admin:declarations_reportinground_changelist": {
        "GET": "302 302 200 200 200 200 200",
        "POST": "302 302 200 200 200 200 200",
    },
    "admin:declarations_reportinground_add": {
        "GET": "302 302 403 403 200 403 200",
        "POST": "302 302 403 403 200 403 200",
    },
    "admin:declarations_reportinground_history": {"GET": "302 302 200 200 200 200 200"},
    "admin:declarations_reportinground_delete": {"GET": "302 302 403 403 403 403 200"},
    "admin:declarations_reportinground_change": {
        "GET": "302 302 200 200 200 200 200",
        "POST": "302 302 403 403 200 403 200",
    },
    "admin/declarations/reportinground/<path:object_id>/": {"GET": "302 302 302 302 302 302 302"},
    "admin:declarations_apitoken_changelist": {
        "GET": "302 302 403 403 403 403 200",
        "POST": "302 302 403 403 403 403 200",
    },
    "admin:declarations_apitoken_add": {
        "GET": "302 302 403 403 403 403 200",
        "POST": "302 302 403 403 403 403 200",
    },
    "admin:declarations_apitoken_history": {"GET": "302 302 403 403 403 403 200"},
    "admin:declarations_apitoken_delete": {"GET": "302 302 403 403 403 403 200"},
    "admin:declarations_apitoken_change": {
        "GET": "302 302 403 403 403 403 200",
        "POST": "302 302 403 403 403 403 200",
    },
    "admin/declarations/apitoken/<path:object_id>/": {"GET": "302 302 302 302 302 302 302"},
    # Background jobs: a job (a finished download of the manager's) is its owner's alone;
    # anyone else is told it does not exist. In the admin, staff list their own jobs and
    # administrators every job; nobody edits one there.
    "job_detail": {"GET": "302 404 404 404 404 200 404"},
    "job_status": {"GET": "302 404 404 404 404 200 404"},
    "job_download": {"GET": "302 404 404 404 404 200 404"},
    "job_retry": {"GET": "405 405 405 405 405 405 405", "POST": "302 404 404 404 404 302 404"},
    "admin:declarations_job_changelist": {
        "GET": "302 302 200 200 200 200 200",
        "POST": "302 302 200 200 200 200 200",
    },
    "admin:declarations_job_add": {
        "GET": "302 302 403 403 403 403 403",
        "POST": "302 302 403 403 403 403 403",
    },
    "admin:declarations_job_history": {"GET": "302 302 302 302 302 200 200"},
    "admin:declarations_job_delete": {"GET": "302 302 403 403 403 403 200"},
    "admin:declarations_job_change": {
        "GET": "302 302 302 302 302 200 200",
        "POST": "302 302 302 302 302 403 403",
    },
    "admin/declarations/job/<path:object_id>/": {"GET": "302 302 302 302 302 302 302"},
    "admin:declarations_sentreminder_changelist": {
        "GET": "302 302 403 403 403 403 200",
        "POST": "302 302 403 403 403 403 200",
    },
    "admin:declarations_sentreminder_add": {
        "GET": "302 302 403 403 403 403 403",
        "POST": "302 302 403 403 403 403 403",
    },
    "admin:declarations_sentreminder_history": {"GET": "302 302 403 403 403 403 200"},
    "admin:declarations_sentreminder_delete": {"GET": "302 302 403 403 403 403 200"},
    "admin:declarations_sentreminder_change": {
        "GET": "302 302 403 403 403 403 200",
        "POST": "302 302 403 403 403 403 403",
    },
    "admin/declarations/sentreminder/<path:object_id>/": {"GET": "302 302 302 302 302 302 302"},
    # The task backend's own rows, read-only, for administrators.
    "admin:django_tasks_database_dbtaskresult_changelist": {
        "GET": "302 302 403 403 403 403 200",
        "POST": "302 302 403 403 403 403 200",
    },
    "admin:django_tasks_database_dbtaskresult_add": {
        "GET": "302 302 403 403 403 403 403",
        "POST": "302 302 403 403 403 403 403",
    },
    "admin:django_tasks_database_dbtaskresult_history": {"GET": "302 302 403 403 403 403 200"},
    "admin:django_tasks_database_dbtaskresult_delete": {"GET": "302 302 403 403 403 403 403"},
    "admin:django_tasks_database_dbtaskresult_change": {
        "GET": "302 302 403 403 403 403 200",
        "POST": "302 302 403 403 403 403 403",
    },
    "admin/django_tasks_database/dbtaskresult/<path:object_id>/": {
        "GET": "302 302 302 302 302 302 302",
    },
    "admin:app_list": {"GET": "302 302 200 200 200 200 200"},
    "admin/(?P<url>.*)$": {"GET": "302 302 404 404 404 404 404"},
    "favicon.ico": {"GET": "301 301 301 301 301 301 301"},
    "api:index": {"GET": "200 200 200 200 200 200 200"},
    "api:not-found": {"GET": "404 404 404 404 404 404 404"},
    "api:schema": {"GET": "200 200 200 200 200 200 200"},
    "api:docs": {"GET": "200 200 200 200 200 200 200"},
    "api:declaration-akn": {"GET": "401 200 200 200 200 200 200"},
    "api:clause-list": {"GET": "401 200 200 200 200 200 200"},
    "api:clause-detail": {
        "GET": "401 200 200 200 200 200 200",
        "PUT": "401 405 405 405 405 405 405",
        "PATCH": "401 405 405 405 405 405 405",
        "DELETE": "401 405 405 405 405 405 405",
    },
    "api:feed-statuses": {"GET": "401 200 200 200 200 200 200"},
    "api:feed-declaration": {"GET": "401 200 200 200 200 200 200"},
    "api:declaration-list": {"GET": "401 200 200 200 200 200 200"},
    "api:declaration-detail": {
        "GET": "401 200 200 200 200 200 200",
        "PUT": "401 405 405 405 405 405 405",
        "PATCH": "401 405 405 405 405 405 405",
        "DELETE": "401 405 405 405 405 405 405",
    },
    "api:instrument-list": {"GET": "401 200 200 200 200 200 200"},
    "api:instrument-detail": {
        "GET": "401 200 200 200 200 200 200",
        "PUT": "401 405 405 405 405 405 405",
        "PATCH": "401 405 405 405 405 405 405",
        "DELETE": "401 405 405 405 405 405 405",
    },
    "api:status-list": {
        "GET": "401 200 200 200 200 200 200",
        "POST": "401 403 201 403 201 403 201",
    },
    "api:status-detail": {
        "GET": "401 200 200 200 200 200 200",
        "PUT": "401 403 405 405 405 403 405",
        "PATCH": "401 403 405 405 405 403 405",
        "DELETE": "401 403 405 405 405 403 405",
    },
    "api:status-evidence": {"GET": "401 404 404 404 404 404 404"},
    "api:party-list": {"GET": "401 200 200 200 200 200 200"},
    "api:party-detail": {
        "GET": "401 200 200 200 200 200 200",
        "PUT": "401 405 405 405 405 405 405",
        "PATCH": "401 405 405 405 405 405 405",
        "DELETE": "401 405 405 405 405 405 405",
    },
    "api:theme-list": {"GET": "401 200 200 200 200 200 200"},
    "api:theme-detail": {
        "GET": "401 200 200 200 200 200 200",
        "PUT": "401 405 405 405 405 405 405",
        "PATCH": "401 405 405 405 405 405 405",
        "DELETE": "401 405 405 405 405 405 405",
    },
    "healthz": {"GET": "200 200 200 200 200 200 200"},
    # After signing in: on to each user's home (the sign-in page for anonymous visitors).
    "signed_in": {"GET": "302 302 302 302 302 302 302"},
}

# Where a persona may get 200 at all, whatever the table says: a second line of defence
# against a wrong row. Anonymous visitors see the front page, the sign-in page, the API's
# index and description and the health check; the API consumer adds the API itself.
PUBLIC = {"home", "admin:login", "api:index", "api:schema", "api:docs", "healthz"}
CONSUMER_MAY_READ = PUBLIC | {key for key in EXPECTED if key.startswith("api:")}

# What each persona must never find in any answer: the unpublished entries of parties it
# does not report for. Reviewers (editor, administrator) see every entry in the admin.
NEVER_SEEN = {
    "anonymous": (PHL_DRAFT_NOTE, MYS_DRAFT_NOTE),
    "consumer": (PHL_DRAFT_NOTE, MYS_DRAFT_NOTE),
    "malaysia_editor": (PHL_DRAFT_NOTE,),
    "philippines_editor": (MYS_DRAFT_NOTE,),
    "editor": (),
    "manager": (PHL_DRAFT_NOTE, MYS_DRAFT_NOTE),
    "administrator": (),
}
# The API and the reports publish: nobody finds an unpublished entry there.
PUBLISHED_ONLY = (PHL_DRAFT_NOTE, MYS_DRAFT_NOTE)


def status_payload(world):
    """A valid POST /api/v1/statuses/ body: a Malaysian report, sent for review."""
    return {
        "instrument": world.instrument.slug,
        "party": "MYS",
        "status": "planned",
        "as_of": "2026-01-05",
        "state": "submitted",
    }


def call(world, user, api_client_for, key, path, method):
    if path.startswith("/api/"):
        client = APIClient() if user is None else api_client_for(user)
        data = status_payload(world) if key == "api:status-list" else {}
        return getattr(client, method.lower())(path, data, format="json")
    client = Client()
    if user is not None:
        client.force_login(user)
    # Admin forms are posted empty: an allowed persona gets the form back with errors
    # (200), a refused one 403; nothing is written either way.
    return client.get(path) if method == "GET" else client.post(path, {})


def test_every_url_has_an_expectation():
    missing = [key for key in url_keys() if key not in EXPECTED]
    assert not missing, (
        "These URLs have no row in the authorization matrix; add one to EXPECTED in "
        f"tests/test_authorization.py: {missing}"
    )


def test_every_row_of_the_matrix_is_a_url_that_exists():
    stale = sorted(set(EXPECTED) - set(url_keys()))
    assert not stale, f"These rows name no URL any more; remove them: {stale}"


def test_every_row_names_seven_codes():
    for key, methods in EXPECTED.items():
        for method, codes in methods.items():
            assert len(codes.split()) == len(PERSONAS), (key, method)


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_exactly_the_expected_answer_everywhere(
    request, persona, django_user_model, api_client_for
):
    users = {name: request.getfixturevalue(name) for name in PERSONAS if name != "anonymous"}
    world = World(django_user_model, users)
    user = users.get(persona)
    column = PERSONAS.index(persona)
    wrong, leaks, checked = [], [], 0
    for key, route, _ in walk():
        path = world.path(key, route)
        for method, codes in EXPECTED.get(key, {}).items():
            expected = int(codes.split()[column])
            response = call(world, user, api_client_for, key, path, method)
            checked += 1
            if response.status_code != expected:
                wrong.append(f"{method} {path} ({key}): {response.status_code}, not {expected}")
            if response.status_code != 200:
                continue
            if persona == "anonymous" and key not in PUBLIC:
                leaks.append(f"{method} {path} ({key}) answered 200 to an anonymous visitor")
            if persona == "consumer" and key not in CONSUMER_MAY_READ:
                leaks.append(f"{method} {path} ({key}) answered 200 to the API consumer")
            body = response.content.decode(errors="replace") if not response.streaming else ""
            hidden = NEVER_SEEN[persona]
            if not key.startswith("admin"):
                hidden = PUBLISHED_ONLY
            leaks += [f"{method} {path} ({key}) shows {mark}" for mark in hidden if mark in body]
    assert checked >= len(url_keys())
    assert not leaks, "\n".join(leaks)
    assert not wrong, "\n".join(wrong)


def admin_list(client, user):
    client.force_login(user)
    response = client.get("/admin/declarations/implementationstatus/")
    assert response.status_code == 200
    return response.content.decode()


def change_link(entry):
    return f"/admin/declarations/implementationstatus/{entry.pk}/change/"


def test_country_editors_list_their_own_unpublished_entries_and_never_the_others(
    client, django_user_model, malaysia_editor, philippines_editor, manager, editor
):
    world = World(django_user_model, {})
    mine_and_theirs = {
        malaysia_editor: (world.mys_draft, world.phl_draft),
        philippines_editor: (world.phl_draft, world.mys_draft),
    }
    for user, (own, other) in mine_and_theirs.items():
        page = admin_list(client, user)
        assert change_link(own) in page, user
        assert change_link(other) not in page, user
        assert change_link(world.published) in page, user
    page = admin_list(client, manager)
    assert change_link(world.published) in page
    assert change_link(world.phl_draft) not in page
    assert change_link(world.mys_draft) not in page
    page = admin_list(client, editor)
    assert change_link(world.phl_draft) in page and change_link(world.mys_draft) in page


def test_the_api_status_list_and_detail_hold_published_entries_only(
    django_user_model, api_client_for, malaysia_editor, philippines_editor, editor
):
    world = World(django_user_model, {})
    for user in (malaysia_editor, philippines_editor, editor):
        client = api_client_for(user)
        listed = client.get("/api/v1/statuses/").json()["results"]
        assert [entry["id"] for entry in listed] == [world.published.pk], user
        for draft in (world.phl_draft, world.mys_draft):
            assert client.get(f"/api/v1/statuses/{draft.pk}/").status_code == 404, user
    assert ImplementationStatus.objects.filter(review_state="published").count() == 1
