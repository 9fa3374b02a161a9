"""The API schema tells a client the truth: a household may have no head (head_name null),
and a document download answers in the stored file's own type, each of them named."""

from __future__ import annotations

import pytest
from django.urls import reverse

from households.dossier.documents import EXTENSIONS
from jiuzhu.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(login, make):
    response = login(make.user(Role.COUNTY_CIVIL, "330402")).get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_head_name_is_nullable_in_the_schema(schema):
    household = next(
        body for name, body in schema["components"]["schemas"].items() if "head_name" in body.get("properties", {})
    )
    assert household["properties"]["head_name"].get("nullable") is True


def test_the_document_download_names_every_stored_type(schema):
    path = next(p for p in schema["paths"] if p.endswith("/download/") and "document" in p)
    content = schema["paths"][path]["get"]["responses"]["200"]["content"]
    assert set(content) == set(EXTENSIONS) and "application/octet-stream" not in content
