"""Serving an uploaded evidence file, for the admin and the API alike: only to a signed-in
user (or a token's) who may see its entry (`ImplementationStatus.objects.visible_to`),
always as a download, never from a public path."""

import os

from django.http import FileResponse

from .models import EVIDENCE_TYPES, Evidence, ImplementationStatus, evidence_file_facts


def visible_evidence_file(user, evidence_id, *, entries=None):
    """The evidence file `evidence_id` if `user` may see its entry, else None. `entries`
    narrows the entries further (the API serves published entries only)."""
    if not user.is_authenticated:
        return None
    visible = ImplementationStatus.objects.visible_to(user)
    if entries is not None:
        visible = visible.filter(pk__in=entries.values("pk"))
    return (
        Evidence.objects.filter(pk=evidence_id, status__in=visible)
        .exclude(file="")
        .select_related("status")
        .first()
    )


def evidence_file_response(evidence):
    """The file as an attachment named after its title; never shown inline, never cached."""
    extension = os.path.splitext(evidence.file.name)[1].lower()
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence_file_facts(evidence.title, evidence.file.name)["name"],
        content_type=EVIDENCE_TYPES.get(extension, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
