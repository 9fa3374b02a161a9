"""Backup and restore drill: dump, restore into a fresh database, same counts, no orphans."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from jiuzhu.consistency import report

ROOT = Path(__file__).resolve().parents[2]


def consistency_in_subprocess(database_url: str, *, check: bool = True) -> dict:
    from django.conf import settings

    env = {**os.environ, "DATABASE_URL": database_url, "JIUZHU_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "consistency_check", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=check,
    )
    return {
        **json.loads(result.stdout.strip().splitlines()[-1]),
        "returncode": result.returncode,
        "stderr": result.stderr,
    }


def restore_copy(tmp_path) -> str:
    """Back up the test database and restore it into a fresh one; return the new URL."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        dump = tmp_path / "backup.dump"
        host, port, user = (
            settings["HOST"] or "127.0.0.1",
            str(settings["PORT"] or 5432),
            settings["USER"] or "postgres",
        )
        target = f"{settings['NAME']}_restore"
        base = ["-h", host, "-p", port, "-U", user]
        subprocess.run(["pg_dump", *base, "-Fc", "-f", str(dump), settings["NAME"]], check=True)
        subprocess.run(["dropdb", *base, "--if-exists", target], check=True)
        subprocess.run(["createdb", *base, target], check=True)
        subprocess.run(["pg_restore", *base, "--no-owner", "-d", target, str(dump)], check=True)
        return f"postgres://{user}@{host}:{port}/{target}"
    import sqlite3

    target = tmp_path / "restored.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    return f"sqlite:///{target}"


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_reports_the_same_counts_and_no_orphans(tmp_path, settings):
    settings.DEBUG = True
    call_command("load_areas")
    call_command("seed_demo")
    original = report()
    assert original["counts"]["households_household"] > 0 and original["orphans"] == {}

    restored = consistency_in_subprocess(restore_copy(tmp_path))

    assert restored["counts"] == original["counts"]
    assert restored["orphans"] == {} and restored["id_numbers"] == {} and restored["missing_documents"] == []

    # A restore without the document files, or with another field key, fails saying so.
    from households.models import Document

    for document in Document.objects.all():
        document.file.storage.delete(document.file.name)
    broken = consistency_in_subprocess(restore_copy(tmp_path), check=False)
    assert broken["returncode"] != 0 and broken["missing_documents"]
    assert "missing from MEDIA_ROOT" in broken["stderr"]


@pytest.mark.django_db
def test_the_check_finds_an_orphaned_reference(make):
    household = make.household("330402007", members=1)
    with connection.constraint_checks_disabled():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE households_member SET household_id = %s WHERE household_id = %s",
                [household.pk + 10_000, household.pk],
            )
        found = report()["orphans"]
        with connection.cursor() as cursor:  # put it back: the test database checks constraints at the end
            cursor.execute(
                "UPDATE households_member SET household_id = %s WHERE household_id = %s",
                [household.pk, household.pk + 10_000],
            )

    assert found == {"households_member.household_id": 1}


@pytest.mark.django_db
def test_the_check_finds_an_id_number_that_no_longer_decrypts_or_matches(make):
    from households.models import Member

    first, second = make.household("330402007", members=2).members.order_by("pk")
    Member.objects.filter(pk=first.pk).update(id_number_cipher="not-a-token")
    Member.objects.filter(pk=second.pk).update(id_number_digest="0" * 64)

    assert report()["id_numbers"] == {"households_member": [first.pk, second.pk]}
