"""Upload checks: the type comes from the file's first bytes, never from its name."""

from __future__ import annotations

import hashlib
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from jiuzhu.errors import RuleViolation

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png", DOCX: "docx", XLSX: "xlsx"}


def sniff(head: bytes, upload=None) -> str | None:
    """The content type from magic bytes; None for anything else (HTML named .pdf included)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04") and upload is not None:
        # An Office file is a zip with a known main part; any other zip is refused.
        try:
            upload.seek(0)
            names = set(zipfile.ZipFile(upload).namelist())
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError):  # a damaged or truncated package
            return None
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


def inspect_upload(upload) -> tuple[str, int, str]:
    """(content type, size, sha256) of an acceptable upload; RuleViolation on ``file`` otherwise."""
    limit = settings.JIUZHU_UPLOAD_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size > limit:
        raise RuleViolation(
            _("The file is larger than %(mb)s MB.") % {"mb": round(limit / 1024 / 1024, 1)}, field="file"
        )
    if size == 0:
        raise RuleViolation(_("The file is empty."), field="file")
    upload.seek(0)
    head = upload.read(16)
    content_type = sniff(head, upload)
    if content_type is None:
        raise RuleViolation(
            _(
                "Only PDF, JPEG or PNG files (or Word/Excel documents) can be uploaded; this file is something else, whatever its name."
            ),
            field="file",
        )
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    return content_type, size, digest.hexdigest()


def missing_file_message() -> str:
    """What a download says of a document whose row is there and whose file is not."""
    return _(
        "The file of this document is missing from the server's storage. Tell the system administrator, "
        "who can restore it from the backup."
    )
