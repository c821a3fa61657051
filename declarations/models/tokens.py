"""API tokens: issued by administrators, stored as a hash."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..text import validate_storable_text


class ApiToken(models.Model):
    """A revocable API key. Only a SHA-256 hash of the key is stored; the key itself is shown
    once, when an administrator creates it. The first characters are kept in clear as a
    lookup prefix so authentication reads one row by index."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100,
        help_text="What the token is for, e.g. 'Think-tank dashboard'.",
        validators=[validate_storable_text],
    )
    prefix = models.CharField(
        max_length=PREFIX_LENGTH, unique=True, editable=False, validators=[validate_storable_text]
    )
    key_hash = models.CharField(max_length=64, editable=False, validators=[validate_storable_text])
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty means no expiry.")
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Bumped by staff edits and revocation only: recording `last_used_at` is no edit.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key):
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user, name, expires_at=None):
        """Create a token; returns (token, key). The key is not stored and cannot be shown again."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=key[: cls.PREFIX_LENGTH],
            key_hash=cls.hash_key(key),
            expires_at=expires_at,
        )
        return token, key

    def is_usable(self, now=None):
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
