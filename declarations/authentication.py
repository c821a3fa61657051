"""Who may call the API, and how often.

Kept apart from api.py because REST_FRAMEWORK names these classes: DRF imports them while
its own views module loads, so they must not import the viewsets.
"""

import datetime
import hmac
import time

from django.conf import settings
from django.utils import timezone
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.settings import api_settings

from .lockout import api_token_failed, check_api_lockout
from .models import ApiToken

# last_used_at is for an administrator deciding whether a token is still needed, not an
# audit log: a write per request would cost more than it tells.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>` (or `Bearer <key>`) with a key issued in the admin.

    The key's first characters find the row by index; the stored hash is then compared in
    constant time, so a wrong key reveals nothing about the right one. Revoked and expired
    tokens, and tokens of deactivated users, are refused with 401.
    """

    keywords = ("token", "bearer")

    def authenticate(self, request):
        words = authentication.get_authorization_header(request).split()
        if not words or words[0].lower().decode(errors="replace") not in self.keywords:
            return None  # not ours: session authentication may still apply
        # A client locked out for guessing keys is refused before its key is looked at.
        check_api_lockout(request._request)
        try:
            return self._authenticate(words)
        except exceptions.AuthenticationFailed:
            # Every refused key counts towards the caller's lockout (and is logged).
            api_token_failed(request._request, sender=type(self))
            raise

    def _authenticate(self, words):
        if len(words) != 2:
            raise exceptions.AuthenticationFailed("Send exactly one key after 'Token'.")
        try:
            key = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        token = (
            ApiToken.objects.select_related("user")
            .filter(prefix=key[: ApiToken.PREFIX_LENGTH])
            .first()
        )
        digest = ApiToken.hash_key(key)
        if token is None or not hmac.compare_digest(token.key_hash, digest):
            raise exceptions.AuthenticationFailed("Invalid token.")
        now = timezone.now()
        if not token.is_usable(now):
            raise exceptions.AuthenticationFailed("This token has been revoked or has expired.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("This token's user is deactivated.")
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request):
        # Naming a scheme makes DRF answer 401 (not 403) to a request without credentials.
        return 'Token realm="api"'


class ReadAccess(permissions.BasePermission):
    """Reading needs a signed-in user or a token, unless TRACKER_PUBLIC_API opens it to all.
    Writing always needs an authenticated user; each writable view adds its own rule."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS and settings.TRACKER_PUBLIC_API:
            return True
        return bool(request.user and request.user.is_authenticated)


class RecordsStatus(permissions.BasePermission):
    """Only staff who may add status entries (editors, country editors) may POST one; which
    parties they may report for is decided by `record_status`, as in the admin."""

    message = "Only editors and country editors may record status entries."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return request.user.has_perm("declarations.add_implementationstatus")


class CountingThrottle:
    """At most N requests per window (600/minute: per clock minute) for each caller, counted
    with a cache increment per request.

    DRF's own throttles keep the time of every request in the window and write the whole
    list back on each request: at 600/minute that is up to 600 timestamps read and written
    per request, and two processes writing the list at the same time lose each other's
    requests. A counter per window is a small write, and an atomic one in Redis (INCR). The
    price is the usual one of fixed windows: a burst across a window boundary can briefly
    reach twice the rate. The rate is read from the settings at each request, so a changed
    setting (and a test's override) takes effect.
    """

    timer = time.time

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        key = f"{self.key}:{window}"
        try:
            count = self.cache.incr(key)
        except ValueError:
            # The window's first request; unless another process has just created it.
            created = self.cache.add(key, 1, timeout=self.duration + 1)
            count = 1 if created else self.cache.incr(key)
        return count <= self.num_requests

    def wait(self):
        return max(self.window_ends - self.now, 1)


class AnonThrottle(CountingThrottle, throttling.AnonRateThrottle):
    """Anonymous callers of a public API, by address."""


class UserThrottle(CountingThrottle, throttling.UserRateThrottle):
    """Signed-in callers and token holders, by user."""


class WriteThrottle(UserThrottle):
    """A tighter budget for writes, on top of the per-user one."""

    scope = "write"

    def allow_request(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().allow_request(request, view)
