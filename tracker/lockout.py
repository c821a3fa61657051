"""Brute-force protection with django-axes: the admin sign-in and API token failures are
counted, and a locked-out client is told so in its own language: JSON on the API, a short
page elsewhere.

Failures within the cool-off (AXES_COOLOFF_MINUTES) are counted three ways, each with its
own limit (axes' AXES_LOCKOUT_PARAMETERS, one combination each):
- one username from one address: AXES_FAILURE_LIMIT (5) locks that pair;
- one address, whatever the usernames: TRACKER_LOCKOUT_ADDRESS_LIMIT (20) locks the address
  (one visitor trying many usernames);
- one username, whatever the addresses: TRACKER_LOCKOUT_USERNAME_LIMIT (10) locks the
  username (credential stuffing from many addresses).
A lockout lasts the cool-off and no longer: failures while locked out are not counted, so
nobody can keep a valid user locked out by going on trying.

API token failures are counted under one pseudo-username (audit.API_TOKEN_USERNAME), so a
client guessing keys is locked out by its address; the key is never stored. That
pseudo-username is never locked across addresses: it would lock out every API client.
"""

import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessBase
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from rest_framework import exceptions

from . import audit
from .audit import API_TOKEN_USERNAME

MESSAGE = "Too many failed sign-in attempts. Try again later."


def _username(request_or_attempt, credentials):
    if isinstance(request_or_attempt, AccessBase):
        return request_or_attempt.username
    return get_client_username(request_or_attempt, credentials)


def lockout_limits(request_or_attempt, credentials=None):
    """[(combination, limit)]: what failures are counted by, and how many lock it out. The
    username-and-address pair comes first; a limit of 0 turns its combination off."""
    limits = [
        (["username", "ip_address"], settings.AXES_FAILURE_LIMIT),
        (["ip_address"], settings.TRACKER_LOCKOUT_ADDRESS_LIMIT),
    ]
    if _username(request_or_attempt, credentials) != API_TOKEN_USERNAME:
        limits.append((["username"], settings.TRACKER_LOCKOUT_USERNAME_LIMIT))
    return [(combination, limit) for combination, limit in limits if limit]


def lockout_parameters(request_or_attempt, credentials=None):
    """AXES_LOCKOUT_PARAMETERS: the combinations of lockout_limits()."""
    return [combination for combination, _ in lockout_limits(request_or_attempt, credentials)]


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per combination: axes compares one failure count
    with AXES_FAILURE_LIMIT, so this reports the username-and-address count, or that limit
    itself once any combination has reached its own."""

    def get_failures(self, request, credentials=None):
        limits = [limit for _, limit in lockout_limits(request, credentials)]
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        pair = counts[0]
        if any(count >= limit for count, limit in zip(counts, limits, strict=True)):
            return max(pair, settings.AXES_FAILURE_LIMIT)
        return pair

    def reset_user_attempts(self, request, credentials=None):
        """A successful sign-in clears that username's failures from that address only.
        Axes would clear every combination: an attacker holding one valid account could
        then wipe its address's count of failures on other usernames by signing in."""
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        ).delete()
        return count


def _retry_after():
    cool_off = settings.AXES_COOLOFF_TIME
    return int(cool_off.total_seconds()) if cool_off else None


def is_api(request):
    return request.path.startswith("/api/")


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: JSON under /api/, plain text elsewhere, 429 with Retry-After."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    retry_after = _retry_after()
    if is_api(request):
        response = JsonResponse(
            {"detail": MESSAGE, "code": "locked_out", "retry_after": retry_after}, status=status
        )
    else:
        response = HttpResponse(MESSAGE, status=status, content_type="text/plain; charset=utf-8")
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


class LockedOut(exceptions.APIException):
    status_code = 429
    default_detail = MESSAGE
    default_code = "locked_out"

    def __init__(self):
        # The same body as lockout_response(), whichever of the two answers.
        self.wait = _retry_after()
        super().__init__(MESSAGE)
        # Set after APIException's init, which would turn every value into a string.
        self.detail = {"detail": self.detail, "code": "locked_out", "retry_after": self.wait}


API_CREDENTIALS = {"username": API_TOKEN_USERNAME}


def _failed_key(request):
    return f"api-token-failed:{audit.client_ip(request)}"


def check_api_lockout(request):
    """Refuse, before looking at the key, a client locked out for guessing keys.

    Only addresses with a recent failure are looked up in axes' table (a cache mark set on
    failure), so a well-behaved client pays no extra query. A wrong key is counted and
    answered with the lockout whatever the mark says; the mark only decides whether a
    right key from a locked-out address is refused too.
    """
    if not settings.AXES_ENABLED or not cache.get(_failed_key(request)):
        return
    if AxesProxyHandler.is_locked(request, API_CREDENTIALS):
        raise LockedOut()


def api_token_failed(request, sender):
    """Count one failed token for the caller's address (through axes, which also logs it)."""
    timeout = _retry_after() or 24 * 3600
    cache.set(_failed_key(request), True, timeout=timeout)
    user_login_failed.send(sender=sender, credentials=dict(API_CREDENTIALS), request=request)


@receiver(user_locked_out)
def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    audit.event("locked_out", request=request, username=username, level=logging.WARNING)
