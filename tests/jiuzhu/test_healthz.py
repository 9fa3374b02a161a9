"""/healthz tells a load balancer whether this process can serve: database and broker."""

from __future__ import annotations

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_the_database_and_broker_answer(client):
    response = client.get("/healthz")

    assert (response.status_code, response.content) == (200, b"ok")


def test_healthz_answers_503_naming_the_database_when_it_is_down(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def refuse(self, sql, params=None):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    response = client.get("/healthz")

    assert response.status_code == 503
    assert b"database" in response.content


def test_healthz_answers_503_naming_the_broker_when_redis_is_configured_and_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content == b"down: broker"
