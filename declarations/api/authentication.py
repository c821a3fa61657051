"""Who is calling: API tokens.

REST_FRAMEWORK names this class, as it names the permissions and throttles beside it: DRF
imports them while its own views module loads, so none of them may import the viewsets.
"""

import datetime
import hmac

from django.utils import timezone
from rest_framework import authentication, exceptions

from tracker.lockout import api_token_failed, check_api_lockout

from ..models import ApiToken

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
