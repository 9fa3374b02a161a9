"""Dossier services: all-or-nothing, optimistic locking, one household per person, history."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from households import rules
from households.dossier import services
from households.models import (
    Document,
    Household,
    Member,
    MemberMove,
    Relation,
    Survey,
    SurveyMemberCheck,
)
from jiuzhu.errors import RuleViolation, StaleEdit
from jiuzhu.models import AuditAction, AuditEvent, Role
from tests.clock import TODAY

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def worker(make):
    return make.user(Role.CASEWORKER, "330402007")


def test_stale_household_edit_is_refused_in_chinese(make, worker):
    household = make.household(members=1)
    first = Household.objects.get(pk=household.pk)
    second = Household.objects.get(pk=household.pk)
    services.household_update(actor=worker, household=first, expected_version=first.version, address="新地址1号")
    with pytest.raises(StaleEdit) as error:
        services.household_update(actor=worker, household=second, expected_version=second.version, address="别的地址")
    assert error.value.field == "version"
    assert Household.objects.get(pk=household.pk).address == "新地址1号"


def test_member_with_wrong_check_digit_gets_the_specific_reason(make, worker):
    household = make.household(members=0)
    good = make.id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(RuleViolation) as error:
        services.member_add(
            actor=worker, household=household, name="张三", id_number=bad, relation_to_head=Relation.HEAD, today=TODAY
        )
    assert error.value.field == "id_number"
    assert [r.code for r in error.value.reasons] == ["id_check_character_mismatch"]
    assert not Member.objects.filter(household=household).exists()


def test_same_person_in_a_second_household_is_refused_naming_the_first(make, worker):
    number = make.id_number()
    first = make.household(members=0)
    make.member(first, id_no=number, relation_to_head=Relation.HEAD)
    second = make.household(members=0)
    with pytest.raises(RuleViolation) as error:
        services.member_add(
            actor=worker, household=second, name="李四", id_number=number, relation_to_head=Relation.HEAD, today=TODAY
        )
    assert first.dossier_no in error.value.messages()[0]


def test_moving_a_member_keeps_the_old_membership_and_links_both(make, worker):
    source = make.household(members=2)
    target = make.household(members=1)
    moving = source.members.get(relation_to_head=Relation.CHILD)
    new = services.member_move(
        actor=worker, member=moving, to_household=target, relation_to_head=Relation.SPOUSE, today=TODAY
    )
    moving.refresh_from_db()
    assert not moving.active and moving.left_on == TODAY
    assert new.active and new.household == target and new.id_number_digest == moving.id_number_digest
    assert MemberMove.objects.get(member_from=moving).member_to == new
    assert Household.objects.get(pk=source.pk).member_count == 1
    assert Household.objects.get(pk=target.pk).member_count == 2


def test_verification_stores_per_capita_income_and_classification(make, worker):
    make.policy_row("330402", 2026, "1200.00")
    household = make.household(members=3)
    verification = services.verification_record(
        actor=worker,
        household=household,
        verified_on=datetime.date(2026, 11, 1),
        source="township",
        income_wages=Decimal("2400.00"),
        income_other=Decimal("300.00"),
    )
    assert verification.total_income == Decimal("2700.00")
    assert verification.per_capita_income == Decimal("900.00")
    assert verification.classification == "dibao"
    household.refresh_from_db()
    assert household.next_review_on is not None


def test_verification_without_policy_row_says_so(make, worker):
    household = make.household(members=1)
    with pytest.raises(RuleViolation) as error:
        services.verification_record(actor=worker, household=household, verified_on=TODAY, source="township")
    assert "低保" in error.value.messages()[0] and "南湖区" in error.value.messages()[0]


def test_assessment_has_one_need_per_domain_and_a_computed_priority(make, worker):
    household = make.household(members=1)
    assessment = services.assessment_record(
        actor=worker, household=household, assessed_on=TODAY, ratings={"medical": "high", "housing": "low"}
    )
    assert assessment.priority == "urgent"
    assert assessment.needs.count() == 8


def _checks(household, outcome="confirmed"):
    return [{"member": m.pk, "outcome": outcome, "note": ""} for m in household.members.filter(active=True)]


def test_survey_is_saved_whole_with_checks_and_photos(make, worker):
    household = make.household(members=2)
    second = make.user(Role.CASEWORKER, "330402007")
    survey = services.survey_record(
        actor=worker,
        household=household,
        visited_on=TODAY,
        present=[worker, second],
        housing="own",
        housing_condition="fair",
        checks=_checks(household),
        photos=[SimpleUploadedFile("a.png", PNG)],
        today=TODAY,
    )
    assert survey.member_checks.count() == 2
    assert Document.objects.get(survey=survey).content_type == "image/png"
    assert Household.objects.get(pk=household.pk).last_visit_on == TODAY


def test_survey_with_a_bad_photo_saves_nothing(make, worker):
    household = make.household(members=2)
    second = make.user(Role.CASEWORKER, "330402007")
    with pytest.raises(RuleViolation) as error:
        services.survey_record(
            actor=worker,
            household=household,
            visited_on=TODAY,
            present=[worker, second],
            housing="own",
            housing_condition="fair",
            checks=_checks(household),
            photos=[SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.pdf", b"<html>x</html>")],
            today=TODAY,
        )
    assert "photos" in error.value.as_dict()
    assert not Survey.objects.exists() and not SurveyMemberCheck.objects.exists() and not Document.objects.exists()


def test_survey_missing_a_member_check_or_second_worker_reports_each_field(make, worker):
    household = make.household(members=2)
    checks = _checks(household)[:1]
    with pytest.raises(RuleViolation) as error:
        services.survey_record(
            actor=worker,
            household=household,
            visited_on=TODAY,
            present=[worker],
            housing="own",
            housing_condition="fair",
            checks=checks,
            today=TODAY,
        )
    fields = error.value.as_dict()
    assert "present" in fields and any(k.startswith("member_") for k in fields)
    assert not Survey.objects.exists()


def test_changed_outcome_needs_a_note(make, worker):
    household = make.household(members=1)
    second = make.user(Role.CASEWORKER, "330402007")
    with pytest.raises(RuleViolation):
        services.survey_record(
            actor=worker,
            household=household,
            visited_on=TODAY,
            present=[worker, second],
            housing="own",
            housing_condition="fair",
            checks=_checks(household, "changed"),
            today=TODAY,
        )


def test_html_named_pdf_is_refused(make, worker):
    household = make.household(members=1)
    with pytest.raises(RuleViolation) as error:
        services.document_upload(
            actor=worker,
            household=household,
            kind="id_copy",
            upload=SimpleUploadedFile("id.pdf", b"<!doctype html><script>alert(1)</script>"),
        )
    assert error.value.field == "file"
    assert not Document.objects.exists()


def test_oversize_upload_is_refused(make, worker, settings):
    settings.JIUZHU_UPLOAD_MAX_BYTES = 100
    household = make.household(members=1)
    with pytest.raises(RuleViolation):
        services.document_upload(
            actor=worker,
            household=household,
            kind="id_copy",
            upload=SimpleUploadedFile("id.pdf", b"%PDF-1.4" + b"0" * 200),
        )


def test_completeness_rises_with_documents_and_is_audited(make, worker):
    household = make.household(members=1, address="中山路1号", phone="13800000000")
    before = Household.objects.get(pk=household.pk).completeness
    services.document_upload(
        actor=worker, household=household, kind="id_copy", upload=SimpleUploadedFile("id.pdf", b"%PDF-1.4 test")
    )
    assert Household.objects.get(pk=household.pk).completeness > before
    assert AuditEvent.objects.filter(
        household_id=household.pk, action=AuditAction.CREATE, target_type="households.document"
    ).exists()


def test_completeness_refresh_uses_a_fixed_number_of_queries(make, django_assert_num_queries):
    small = make.household(members=1)
    big = make.household(members=6)
    small = Household.objects.select_related("county").get(pk=small.pk)
    big = Household.objects.select_related("county").get(pk=big.pk)
    # the household with its latest dates, member counts, document kinds, enrolments, plan
    # presence (dossier_facts_batch of one), policy row, update
    with django_assert_num_queries(7):
        services.completeness_refresh(small)
    with django_assert_num_queries(7):
        services.completeness_refresh(big)


def test_completeness_refresh_stores_the_missing_items_beside_the_percent(make, worker):
    household = make.household(members=1, address="中山路1号", phone="")
    services.document_upload(
        actor=worker, household=household, kind="id_copy", upload=SimpleUploadedFile("id.pdf", b"%PDF-1.4 test")
    )
    stored = Household.objects.get(pk=household.pk)
    expected = services.completeness_of(stored, today=TODAY)
    assert rules.missing_requirements(stored.missing_items) == expected.missing
    codes = {r.code for r in rules.missing_requirements(stored.missing_items)}
    assert {"phone", "survey", "assessment", "plan", "doc_household_register"} <= codes
    assert not codes & {"head_member", "id_numbers", "address", "doc_id_copy"}


def test_latest_assessment_is_the_latest_by_date_not_the_last_recorded(make, worker):
    household = make.household(members=1)
    assert household.latest_assessment_id is None
    first = services.assessment_record(actor=worker, household=household, assessed_on=TODAY, ratings={})
    assert Household.objects.get(pk=household.pk).latest_assessment_id == first.pk
    assert household.latest_assessment_id == first.pk
    assert "assessment" not in {
        r.code for r in rules.missing_requirements(Household.objects.get(pk=household.pk).missing_items)
    }
    # A back-dated assessment is recorded but does not replace the later one.
    services.assessment_record(
        actor=worker, household=household, assessed_on=TODAY - datetime.timedelta(days=30), ratings={}
    )
    assert Household.objects.get(pk=household.pk).latest_assessment_id == first.pk
    same_day = services.assessment_record(actor=worker, household=household, assessed_on=TODAY, ratings={})
    assert Household.objects.get(pk=household.pk).latest_assessment_id == same_day.pk


def test_latest_assessment_refresh_repairs_households_loaded_without_the_service(make, worker):
    household = make.household(members=1)
    older = services.assessment_record(actor=worker, household=household, assessed_on=TODAY, ratings={})
    Household.objects.filter(pk=household.pk).update(latest_assessment=None)
    assert services.latest_assessment_refresh(Household.objects.filter(pk=household.pk)) == 1
    assert Household.objects.get(pk=household.pk).latest_assessment_id == older.pk
