"""Brute-force protection with django-axes: the admin sign-in and API token failures are
counted per username and address, and a locked-out client is told so in its own language:
JSON on the API, a short page elsewhere.

API token failures are counted under one pseudo-username (audit.API_TOKEN_USERNAME), so a
client guessing keys is locked out by its address; the key is never stored.
"""

import logging

from axes.handlers.proxy import AxesProxyHandler
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from rest_framework import exceptions

from . import audit
from .audit import API_TOKEN_USERNAME

MESSAGE = "Too many failed sign-in attempts from this address. Try again later."


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
