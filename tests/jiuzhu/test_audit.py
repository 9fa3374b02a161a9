"""The audit trail: changes with old → new, masked secrets, and no way to edit it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from households.models import Household, Member
from jiuzhu import audit
from jiuzhu.models import AuditAction, AuditEvent, Role

pytestmark = pytest.mark.django_db


def test_creating_a_household_and_a_member_writes_audit_rows(make):
    actor = make.user(Role.CASEWORKER, "330402007", username="wang")

    household = make.household("330402007", actor=actor, members=1)

    rows = AuditEvent.objects.for_household(household.pk)
    assert {(r.action, r.target_type) for r in rows} >= {
        (AuditAction.CREATE, "households.household"),
        (AuditAction.CREATE, "households.member"),
    }
    assert all(r.actor_name == "wang" for r in rows)


def test_a_change_records_old_and_new_values(make):
    actor = make.user(Role.CASEWORKER, "330402007")
    household = make.household("330402007", actor=actor)
    before = audit.snapshot(household)

    household.address = "新地址 8 号"
    household.save()
    event = audit.record_change(actor=actor, instance=household, before=before)

    assert event.action == AuditAction.UPDATE
    assert event.changes["address"][1] == "新地址 8 号"
    assert event.household_id == household.pk


def test_an_unchanged_save_writes_nothing(make):
    household = make.household("330402007")

    assert audit.record_change(actor=None, instance=household, before=audit.snapshot(household)) is None


def test_id_numbers_never_reach_the_audit_trail_in_plain_text(make):
    id_no = make.id_number()
    household = make.household("330402007", members=0)

    make.member(household, id_no=id_no)

    assert id_no not in str(list(AuditEvent.objects.values_list("changes", flat=True)))
    member = Member.objects.get(household=household)
    assert member.id_number == id_no
    assert id_no not in (member.id_number_cipher + member.id_number_digest + member.id_number_masked)
    assert member.id_number_masked == id_no[:6] + "********" + id_no[-4:]


def test_audit_rows_cannot_be_changed_or_deleted(make):
    event = audit.record(actor=None, action=AuditAction.VIEW, target_type="x", target_id="1")

    event.summary = "tampered"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_bulk_writes_are_audited_one_row_per_record(make):
    households = [make.household("330402007", members=0) for _ in range(3)]
    before = AuditEvent.objects.count()

    written = audit.record_many(actor=None, action=AuditAction.IMPORT, instances=households, summary="import")

    assert written == 3
    assert AuditEvent.objects.count() == before + 3
    assert set(AuditEvent.objects.filter(action=AuditAction.IMPORT).values_list("household_id", flat=True)) == {
        h.pk for h in households
    }


def test_dossier_page_shows_the_audit_trail(make, login):
    actor = make.user(Role.CASEWORKER, "330402007", username="wang")
    household = make.household("330402007", actor=actor)

    html = login(actor).get(f"/households/{household.pk}/").content.decode()

    assert "操作记录" in html and "wang" in html


def test_denied_api_writes_are_audited(make, login):
    client = login(make.user(Role.COUNTY_FINANCE, "330402"))

    client.get("/api/households/")  # finance sees no households: an empty list, not a denial
    response = client.post("/api/areas/", {"code": "1"})

    assert response.status_code in (403, 405)
    assert Household.objects.count() == 0


def test_bulk_creation_rows_hold_the_same_masked_snapshot_as_a_single_record(make):
    household = make.household("330402007", members=2)
    members = list(household.members.all())

    audit.record_many(actor=None, action=AuditAction.CREATE, instances=[household, *members], summary="bulk")

    events = {(e.target_type, e.target_id): e for e in AuditEvent.objects.filter(summary="bulk")}
    assert len(events) == 3
    for obj in (household, *members):
        event = events[(obj._meta.label_lower, str(obj.pk))]
        assert event.changes == audit.diff({}, audit.snapshot(obj), getattr(obj, "AUDIT_MASKED", ()))
        assert event.household_id == household.pk and event.at is not None
    assert events[("households.member", str(members[0].pk))].changes["id_number_cipher"] == [audit.MASK, audit.MASK]
