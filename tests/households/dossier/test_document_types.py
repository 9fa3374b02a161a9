"""Every accepted document type, made by its own library or written to its specification, is
stored whole: on PostgreSQL the Office types (65 and 71 characters) once overflowed
``Document.content_type`` and every real Word or Excel upload answered 500."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from households.dossier import documents, services
from households.models import Document

pytestmark = pytest.mark.django_db


def xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["户主", "住址"])
    book.active.append(["张三", "南湖路1号"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx() -> bytes:
    """The smallest package Word opens: content types, the package relationship, the body."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                'wordprocessingml.document.main+xml"/></Types>'
            ),
        )
        package.writestr(
            "_rels/.rels",
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                'officeDocument" Target="word/document.xml"/></Relationships>'
            ),
        )
        package.writestr(
            "word/document.xml",
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                "<w:body><w:p><w:r><w:t>入户调查记录</w:t></w:r></w:p></w:body></w:document>"
            ),
        )
    return out.getvalue()


def png() -> bytes:
    """A 1×1 white PNG, chunks and CRCs as the specification writes them."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


def pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "make_file", "content_type"),
    [
        ("名单.xlsx", xlsx, documents.XLSX),
        ("调查记录.docx", docx, documents.DOCX),
        ("照片.png", png, documents.PNG),
        ("身份证.pdf", pdf, documents.PDF),
    ],
)
def test_a_genuine_file_of_each_accepted_type_is_stored_with_its_full_type(make, name, make_file, content_type):
    worker = make.user("caseworker", "330402007")
    household = make.household(members=1)
    content = make_file()

    services.document_upload(actor=worker, household=household, kind="other", upload=SimpleUploadedFile(name, content))

    stored = Document.objects.get(household=household)
    assert stored.content_type == content_type
    with stored.file.open("rb") as f:
        assert f.read() == content
