"""A new field key: old tokens still decrypt (page and batch), the command re-encrypts every
stored ID number under the new key, and the old key can then be dropped."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import InvalidToken
from django.core.management import call_command

from households.models import Member
from jiuzhu import crypto
from jiuzhu.models import AuditEvent

pytestmark = pytest.mark.django_db

OLD, NEW = "the field key of 2025", "the field key of 2026"


def test_with_the_old_key_listed_a_token_it_wrote_still_decrypts_alone_and_in_a_batch(settings):
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = OLD, ()
    old_token = crypto.encrypt("330402198005170011")
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = NEW, (OLD,)
    new_token = crypto.encrypt("33040219800517001X")

    assert crypto.decrypt(old_token) == "330402198005170011"
    assert crypto.decrypt_many([old_token, "", new_token]) == ["330402198005170011", "", "33040219800517001X"]
    assert not crypto.is_current(old_token) and crypto.is_current(new_token)
    settings.FIELD_ENCRYPTION_OLD_KEYS = ()
    for read in (crypto.decrypt, lambda token: crypto.decrypt_many([token])):
        with pytest.raises(InvalidToken):
            read(old_token)


def test_the_rotation_command_re_encrypts_every_member_and_changes_nothing_else(make, settings):
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = OLD, ()
    household = make.household("330402007", members=3)
    members = list(Member.objects.filter(household=household).order_by("pk"))
    before = {m.pk: (m.id_number, m.id_number_digest, m.id_number_masked, m.version) for m in members}
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = NEW, (OLD,)

    out = io.StringIO()
    call_command("rotate_field_key", operator="信息科 李工", batch=2, stdout=out)

    settings.FIELD_ENCRYPTION_OLD_KEYS = ()  # the old key is gone: every row must read under the new one
    after = {
        m.pk: (m.id_number, m.id_number_digest, m.id_number_masked, m.version)
        for m in Member.objects.filter(household=household)
    }
    assert after == before
    assert f"{Member._meta.db_table}: 2/" in out.getvalue()  # progress per batch
    event = AuditEvent.objects.get(target_type="jiuzhu.field_key")
    assert "信息科 李工" in event.summary and f"{Member._meta.db_table}: 3" in event.summary


def test_a_second_rotation_finds_nothing_left_to_re_encrypt(make, settings):
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = OLD, ()
    make.household("330402007", members=2)
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = NEW, (OLD,)
    call_command("rotate_field_key", operator="李工", stdout=io.StringIO())
    tokens = set(Member.objects.values_list("id_number_cipher", flat=True))

    out = io.StringIO()
    call_command("rotate_field_key", operator="李工", stdout=out)

    assert f"{Member._meta.db_table}: 0" in out.getvalue()
    assert set(Member.objects.values_list("id_number_cipher", flat=True)) == tokens
