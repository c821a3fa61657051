"""What a caller may do: read (signed in, or anyone when the API is public) and record."""

from django.conf import settings
from rest_framework import permissions


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
