"""API tokens, issued and revoked by administrators."""

from django.contrib import admin, messages
from django.db.models import F
from django.utils import timezone

from ..models import ApiToken
from .base import VersionedMixin


@admin.register(ApiToken)
class ApiTokenAdmin(VersionedMixin, admin.ModelAdmin):
    """API keys for consumers. The key is shown once, in the message after creation; only
    its hash is stored, so a lost key is replaced by a new token, not recovered."""

    list_display = [
        "name",
        "prefix",
        "user",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "expires_at"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "expires_at"]
        return [
            "name",
            "user",
            "prefix",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "version_seen",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["user", "prefix", "created_at", "last_used_at", "revoked_at"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token, key = ApiToken.issue(user=obj.user, name=obj.name, expires_at=obj.expires_at)
        # The admin goes on with `obj` (history entry, redirect), so it becomes the token.
        obj.pk, obj.prefix, obj.key_hash = token.pk, token.prefix, token.key_hash
        obj.created_at = token.created_at
        obj._state.adding, obj._state.db = False, token._state.db
        messages.success(
            request,
            f"The key for “{token.name}” is {key} — copy it now: it is not stored and will "
            "not be shown again. Send it as the header: Authorization: Token <key>.",
        )

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(
            revoked_at=timezone.now(), version=F("version") + 1
        )
        self.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)
