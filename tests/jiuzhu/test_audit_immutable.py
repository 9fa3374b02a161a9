"""The audit trail is append-only in the database: a trigger refuses UPDATE and DELETE of its
rows however they are sent (queryset, raw SQL), on SQLite and PostgreSQL alike; only
``purge_audit``, past the retention period, deletes, in one transaction, and is audited."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from jiuzhu import audit, audit_lock
from jiuzhu.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return audit.record(actor=None, action=AuditAction.LOGIN, summary="kept")


def test_the_trigger_is_installed():
    assert audit_lock.installed(connection)


@pytest.mark.parametrize(
    "change",
    [
        lambda e: AuditEvent.objects.filter(pk=e.pk).update(summary="rewritten"),
        lambda e: AuditEvent.objects.filter(pk=e.pk).delete(),
        lambda e: connection.cursor().execute("UPDATE jiuzhu_auditevent SET summary = 'x' WHERE id = %s", [e.pk]),
        lambda e: connection.cursor().execute("DELETE FROM jiuzhu_auditevent"),
    ],
    ids=["queryset update", "queryset delete", "raw update", "raw delete"],
)
def test_an_audit_row_cannot_be_changed_or_deleted(event, change):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        change(event)
    event.refresh_from_db()
    assert event.summary == "kept"


def test_new_events_are_still_written(event):
    audit.record(actor=None, action=AuditAction.LOGOUT)
    assert AuditEvent.objects.count() == 2


def old_event():
    with time_machine.travel(datetime.datetime(2014, 3, 1, 10, tzinfo=datetime.UTC)):
        return audit.record(actor=None, action=AuditAction.LOGIN, summary="old")


def test_purge_deletes_only_events_past_retention_and_audits_itself(event):
    old = old_event()
    out = io.StringIO()
    call_command("purge_audit", "--before", "2015-01-01", "--operator", "档案员王五", stdout=out)
    assert "1 audit events before 2015-01-01 would be deleted" in out.getvalue()
    assert AuditEvent.objects.filter(pk=old.pk).exists()

    call_command("purge_audit", "--before", "2015-01-01", "--operator", "档案员王五", "--execute", stdout=out)
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    record = AuditEvent.objects.get(action=AuditAction.DELETE, target_type="jiuzhu.auditevent")
    assert record.actor_name == "档案员王五" and "1 audit events before 2015-01-01" in record.summary
    assert audit_lock.installed(connection)  # the trigger is back
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_purge_refuses_a_day_within_retention(event, settings):
    settings.JIUZHU_AUDIT_KEEP_YEARS = 10
    with pytest.raises(CommandError, match="retention period"):
        call_command("purge_audit", "--before", "2020-01-01", "--operator", "x", "--execute")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_failed_purge_leaves_the_trigger_on(event, monkeypatch):
    old_event()

    def failing(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("django.db.models.query.QuerySet.delete", failing)
    with pytest.raises(RuntimeError):
        call_command("purge_audit", "--before", "2015-01-01", "--operator", "x", "--execute")
    assert audit_lock.installed(connection) and AuditEvent.objects.count() == 2


def test_a_user_who_acted_cannot_be_deleted_only_deactivated(make):
    from django.db.models import ProtectedError

    from jiuzhu.models import Role

    user = make.user(Role.CASEWORKER, "330402007")
    audit.record(actor=user, action=AuditAction.LOGIN)
    with pytest.raises(ProtectedError):
        user.delete()
    assert AuditEvent.objects.get(action=AuditAction.LOGIN).actor == user
