"""Bulk inserts by COPY (PostgreSQL) or bulk_create: keys set, text carried exactly, one
transaction with the caller."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from households.models import Household
from jiuzhu import bulk
from jiuzhu.models import Area, AuditEvent

pytestmark = pytest.mark.django_db


def _household(n: int, **fields) -> Household:
    township = Area.objects.get(code="330402007")
    return Household(
        dossier_no=f"BULK-{n}",
        township=township,
        county_id=township.county_id,
        registered_on=datetime.date(2026, 1, 2),
        **fields,
    )


def test_insert_sets_keys_and_carries_special_characters_exactly(make):
    text = "tab\there\nnew line\\back slash\r中文 \\N"
    households = [_household(1, address=text, phone=""), _household(2, notes="\\.")]

    bulk.insert(households)

    assert all(h.pk for h in households)
    stored = Household.objects.get(pk=households[0].pk)
    assert stored.address == text and stored.phone == "" and stored.registered_on == datetime.date(2026, 1, 2)
    assert stored.created_at is not None and stored.village_id is None
    assert Household.objects.get(pk=households[1].pk).notes == "\\."


def test_copy_rows_writes_json_and_nulls_on_postgresql_and_nothing_elsewhere():
    from django.db import connection

    copied = bulk.copy_rows(
        AuditEvent._meta.db_table,
        ["at", "action", "target_type", "changes", "summary", "ip", "actor_name", "target_id", "area_code"],
        [
            (
                datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC),
                "create",
                "x",
                {"a": ["\t", None]},
                "s",
                None,
                "",
                "1",
                "",
            )
        ],
    )
    if connection.vendor != "postgresql":
        # No COPY: the caller falls back to bulk_create, so nothing may have been written.
        assert copied is False and not AuditEvent.objects.filter(target_type="x").exists()
        return
    assert copied is True
    event = AuditEvent.objects.get(target_type="x")
    assert event.changes == {"a": ["\t", None]} and event.ip is None and event.actor_id is None


def test_a_violated_constraint_fails_the_whole_insert(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert([_household(1), _household(1)])  # the same dossier number twice
    assert not Household.objects.filter(dossier_no="BULK-1").exists()
