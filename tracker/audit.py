"""Structured audit records: who did what, when, from where, as one `key=value` line each.

Events: sign-in failures (admin and API tokens), lockouts, permission denials, status
publications and rejections (logged once their transaction commits), and edit conflicts.
They go to the `tracker.audit` logger so an operator can route them apart from the rest.
A record never holds a password, a token key or any other submitted secret: callers pass
only the fields named here, and values are quoted so a crafted username cannot forge extra
keys or lines.
"""

import json
import logging

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import HistoricalRecords

logger = logging.getLogger("tracker.audit")

# What axes and the audit log record as the "username" of a failed API token: the key
# itself must never be stored, and per-address counting is what stops guessing.
API_TOKEN_USERNAME = "(api token)"


def client_ip(request):
    """The caller's address. Behind TRACKER_TRUSTED_PROXIES proxies (1 with BEHIND_TLS_PROXY)
    it is the X-Forwarded-For hop that the outermost of them appended: each proxy appends the
    address it was called from, so that hop is the N-th from the right. Anything to its left
    was sent by the client and may be forged. With no proxy it is the connection's address."""
    if request is None:
        return None
    trusted = getattr(settings, "TRACKER_TRUSTED_PROXIES", 0)
    if trusted:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            # Fewer hops than proxies: every hop there was added by one of them.
            return hops[-min(trusted, len(hops))]
    return request.META.get("REMOTE_ADDR")


def _value(value):
    if value is None:
        return "-"
    text = str(value)
    # Bare words stay readable; anything with spaces, quotes, '=' or newlines is quoted
    # as a JSON string, so one record is always one line and keys cannot be injected.
    if text and all(ch.isalnum() or ch in "-_.:/@()+" for ch in text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _username(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.get_username()


def current_request():
    """The request being served, if any: simple_history's middleware keeps it for the
    thread, which lets the model layer's records say from where a change came."""
    return getattr(HistoricalRecords.context, "request", None)


def _record(name, *, request=None, user=None, **fields):
    request = request if request is not None else current_request()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    return {
        "event": name,
        "at": timezone.now().isoformat(timespec="seconds"),
        "user": fields.pop("username", None) or _username(user),
        "ip": client_ip(request),
        "method": getattr(request, "method", None),
        "path": getattr(request, "path", None),
        **fields,
    }


def _log(record, level):
    line = " ".join(f"{key}={_value(value)}" for key, value in record.items())
    logger.log(level, line, extra={"audit": record})


def event(name, *, request=None, user=None, level=logging.INFO, **fields):
    """Log one audit record. `request` defaults to the one being served and `user` to its
    user; `fields` are extra key=value pairs (object, reason, ...)."""
    _log(_record(name, request=request, user=user, **fields), level)


def event_on_commit(name, *, request=None, user=None, level=logging.INFO, **fields):
    """`event` for a change: logged once the transaction writing it commits, and never if
    it is rolled back (the status import's preview records every row in a transaction it
    always rolls back). The record says who, when and from where as of this call."""
    record = _record(name, request=request, user=user, **fields)
    transaction.on_commit(lambda: _log(record, level))


def describe(obj):
    """`model:pk` for an object, short and unambiguous."""
    if obj is None:
        return None
    return f"{obj._meta.model_name}:{obj.pk}"


@receiver(user_login_failed)
def log_login_failure(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password with stars in `credentials`, but only the
    # username is taken here anyway.
    username = credentials.get("username") if isinstance(credentials, dict) else None
    event(
        "login_failed",
        request=request,
        username=str(username)[:150] if username else None,
        level=logging.WARNING,
    )


class AuditMiddleware:
    """Records every 403 answer (admin, reports, API and CSRF failures alike) as a
    permission denial, whichever layer refused."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            event("permission_denied", request=request, level=logging.WARNING)
        return response
