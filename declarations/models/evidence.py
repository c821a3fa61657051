"""Evidence of progress: a link or an uploaded file, checked by content and kept out of
public reach."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from ..text import validate_storable_text
from .base import (
    EvidenceKind,
    choices_check,
)

EVIDENCE_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


def sniff_evidence_type(head, archive_names=()):
    """The extension a file's content says it is (".pdf", ...), or None. `archive_names`
    are the member names when the file is a ZIP (DOCX and XLSX are ZIP packages)."""
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if head.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if head.startswith(b"PK\x03\x04"):
        if "word/document.xml" in archive_names:
            return ".docx"
        if "xl/workbook.xml" in archive_names:
            return ".xlsx"
    return None


def check_evidence_file(upload):
    """An evidence file must be a PDF, DOCX, XLSX, PNG or JPEG by its content, named as
    what it is, and at most TRACKER_EVIDENCE_MAX_BYTES."""
    import os
    import zipfile

    limit = settings.TRACKER_EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"{upload.name} is {upload.size / 1_048_576:.1f} MB; evidence files may be "
            f"{limit / 1_048_576:.0f} MB at most."
        )
    extension = os.path.splitext(upload.name)[1].lower()
    if extension not in EVIDENCE_TYPES:
        raise ValidationError(
            f"{upload.name}: evidence files are PDF, DOCX, XLSX, PNG or JPEG documents."
        )
    upload.seek(0)
    head = upload.read(8)
    names = ()
    if head.startswith(b"PK\x03\x04"):
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            names = ()
    upload.seek(0)
    found = sniff_evidence_type(head, names)
    same = {".jpg", ".jpeg"} if extension in {".jpg", ".jpeg"} else {extension}
    if found not in same:
        raise ValidationError(
            f"{upload.name} is not a {extension[1:].upper()} file by its content"
            + (f" (it looks like a {found[1:].upper()} file)." if found else ".")
        )
    return upload


def evidence_storage():
    """Where evidence files are kept: the "evidence" storage (STORAGES), never a public path."""
    from django.core.files.storage import storages

    return storages["evidence"]


def evidence_file_name(instance, filename):
    """A random name with the file's extension: names given by uploaders are not trusted
    as paths, and the title keeps what the file is."""
    import os
    import uuid

    return f"evidence/{uuid.uuid4().hex}{os.path.splitext(filename)[1].lower()}"


def evidence_path(evidence_id):
    """The address that serves an evidence file to those who may see its entry."""
    from django.urls import reverse

    return reverse("admin:declarations_implementationstatus_evidence", args=[evidence_id])


def evidence_file_facts(title, stored_name):
    """What a reader is told of an evidence file before fetching it: the name it downloads
    as (its title's, with the file's extension), its size in bytes (None when the storage no
    longer has it) and its type, as the extension it was checked against says."""
    import os

    from django.utils.text import slugify

    extension = os.path.splitext(stored_name)[1].lower()
    try:
        # The field's storage, where the file was written (the field keeps its own).
        size = Evidence._meta.get_field("file").storage.size(stored_name)
    except (OSError, NotImplementedError):
        size = None
    return {
        "name": f"{slugify(title)[:80] or 'evidence'}{extension}",
        "size": size,
        "content_type": EVIDENCE_TYPES.get(extension, "application/octet-stream"),
    }


class Evidence(models.Model):
    status = models.ForeignKey(
        "ImplementationStatus", on_delete=models.CASCADE, related_name="evidence"
    )
    title = models.CharField(max_length=200, validators=[validate_storable_text])
    url = models.URLField(
        max_length=500,
        blank=True,
        validators=[validate_storable_text],
        help_text="A link; or upload a file.",
    )
    file = models.FileField(
        upload_to=evidence_file_name,
        storage=evidence_storage,
        max_length=200,
        blank=True,
        validators=[check_evidence_file],
        help_text="A PDF, DOCX, XLSX, PNG or JPEG file, instead of a link.",
    )
    kind = models.CharField(max_length=16, choices=EvidenceKind.choices, default=EvidenceKind.OTHER)

    class Meta:
        ordering = ["status", "pk"]
        verbose_name_plural = "evidence"
        constraints = [
            choices_check("kind", EvidenceKind, "evidence_kind_valid"),
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                name="evidence_link_or_file",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def href(self):
        """The link, or the address serving the file (to those who may see the entry)."""
        return self.url or evidence_path(self.pk)

    def clean(self):
        if bool(self.url) == bool(self.file):
            raise ValidationError("Give either a link or a file for each piece of evidence.")
