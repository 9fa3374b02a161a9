"""Staffing services: validation, encryption, optimistic locking, scope of writes, audit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from jiuzhu import crypto
from jiuzhu.errors import RuleViolation, StaleEdit
from jiuzhu.models import AuditEvent, Role
from staffing import selectors, services
from staffing.models import Caseworker, CaseworkerStatus, SocialOrganization
from tests import factories
from tests.staffing import builders

pytestmark = pytest.mark.django_db


def test_organization_credit_code_is_normalised_and_checked():
    code = builders.credit_code()
    messy = "　".join([code[:9].lower(), code[9:]])  # a full-width space, lower case
    org = builders.organization(credit_code=messy)

    assert org.credit_code == code
    assert AuditEvent.objects.for_object(org).filter(action="create").count() == 1


def test_organization_with_a_wrong_check_character_is_refused_in_chinese():
    code = builders.credit_code()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")

    with pytest.raises(RuleViolation) as error:
        builders.organization(credit_code=wrong)

    assert error.value.field == "credit_code"
    assert "校验" in error.value.messages()[0] or "check" in error.value.messages()[0]
    assert not SocialOrganization.objects.filter(credit_code=wrong).exists()


def test_organization_credit_code_must_be_unique():
    org = builders.organization()
    with pytest.raises(RuleViolation) as error:
        builders.organization(credit_code=org.credit_code)
    assert error.value.field == "credit_code"


def test_caseworker_id_number_is_encrypted_masked_and_indexed():
    cw = builders.caseworker(born=date(1991, 2, 3))
    stored = Caseworker.objects.get(pk=cw.pk)
    number = stored.id_number

    assert number.startswith("33040219910203")
    assert number not in stored.id_number_cipher
    assert stored.id_number_masked == f"{number[:6]}********{number[-4:]}"
    assert stored.id_number_digest == crypto.blind_index(number)
    assert stored.birth_date == date(1991, 2, 3)
    event = AuditEvent.objects.for_object(stored).get(action="create")
    assert number not in str(event.changes)


def test_caseworker_with_an_invalid_id_number_saves_nothing():
    user = factories.user(Role.CASEWORKER, "330402007")
    with pytest.raises(RuleViolation) as error:
        services.caseworker_create(
            actor=builders.admin(),
            user=user,
            township=factories.area("330402007"),
            id_number="330402199001011234",
            education="college",
            hire_date=date(2024, 1, 1),
            name="张三",
        )
    assert error.value.field == "id_number"
    assert not Caseworker.objects.exists()


def test_status_change_keeps_history_and_dates():
    cw = builders.caseworker()
    county_user = factories.user(Role.COUNTY_CIVIL, "330402")

    services.caseworker_change_status(
        actor=county_user, caseworker=cw, status=CaseworkerStatus.LEFT, on=date(2026, 3, 31), reason="辞职"
    )

    cw.refresh_from_db()
    assert (cw.status, cw.left_on, cw.post_end) == ("left", date(2026, 3, 31), date(2026, 3, 31))
    assert [(s.from_status, s.to_status) for s in cw.status_changes.all()] == [("", "in_post"), ("in_post", "left")]


def test_a_stale_edit_is_refused():
    org = builders.organization()
    county_user = factories.user(Role.COUNTY_CIVIL, "330402")
    services.organization_update(actor=county_user, organization=org, expected_version=1, contact_person="甲")

    stale = SocialOrganization.objects.get(pk=org.pk)
    with pytest.raises(StaleEdit):
        services.organization_update(actor=county_user, organization=stale, expected_version=1, contact_person="乙")
    assert SocialOrganization.objects.get(pk=org.pk).contact_person == "甲"


def test_county_civil_cannot_write_in_another_county():
    xiuzhou = factories.user(Role.COUNTY_CIVIL, "330411")
    org = builders.organization("330402")
    with pytest.raises(RuleViolation) as error:
        services.service_contract_create(
            actor=xiuzhou,
            township=factories.area("330402007"),
            organization=org,
            start=date(2026, 1, 1),
            end=date(2028, 12, 31),
            amount=Decimal(1),
            posts=1,
        )
    assert error.value.field == "township"


def test_finance_cannot_write_caseworker_records_and_civil_cannot_record_transfers():
    finance = factories.user(Role.COUNTY_FINANCE, "330402")
    civil = factories.user(Role.COUNTY_CIVIL, "330402")
    with pytest.raises(RuleViolation):
        services.organization_create(
            actor=finance, county=factories.area("330402"), name="x", credit_code=builders.credit_code()
        )
    with pytest.raises(RuleViolation):
        services.transfer_create(
            actor=civil,
            township=factories.area("330402007"),
            year=2025,
            amount=Decimal("1.00"),
            paid_on=date(2025, 1, 1),
        )


def test_one_appraisal_per_caseworker_and_year():
    cw = builders.caseworker()
    builders.appraisal(cw, 2025)
    with pytest.raises(RuleViolation) as error:
        builders.appraisal(cw, 2025, "excellent")
    assert error.value.field == "year"


def test_last_place_is_computed_from_the_rank_not_the_tick():
    cw = builders.caseworker()
    ticked = builders.appraisal(cw, 2024, rank=3, cohort_size=8, cohort_basis="county", last=True)
    unticked = builders.appraisal(cw, 2025, rank=8, cohort_size=8, cohort_basis="employer", last=False)
    assert (ticked.is_last_place, unticked.is_last_place) == (False, True)
    services.appraisal_update(actor=builders.admin(), appraisal=unticked, expected_version=unticked.version, rank=7)
    unticked.refresh_from_db()
    assert unticked.is_last_place is False


def test_without_a_rank_the_last_place_tick_stands():
    assert builders.appraisal(builders.caseworker(), 2025, last=True).is_last_place is True


def test_a_rank_needs_its_cohort_size_and_basis():
    cw = builders.caseworker()
    with pytest.raises(RuleViolation) as error:
        builders.appraisal(cw, 2025, rank=8, cohort_size=8)
    assert error.value.field == "cohort_basis"
    with pytest.raises(RuleViolation) as error:
        builders.appraisal(cw, 2025, rank=8, cohort_basis="county")
    assert error.value.field == "rank"
    with pytest.raises(RuleViolation) as error:
        builders.appraisal(cw, 2025, rank=9, cohort_size=8, cohort_basis="county")
    assert error.value.field == "rank"


def test_computed_last_places_in_consecutive_years_make_dismissal_due():
    cw = builders.caseworker()
    apart = builders.caseworker()
    for year in (2024, 2025):
        builders.appraisal(cw, year, rank=12, cohort_size=12, cohort_basis="county")
    for year in (2023, 2025):
        builders.appraisal(apart, year, rank=5, cohort_size=5, cohort_basis="employer")
    builders.appraisal(apart, 2024, rank=1, cohort_size=5, cohort_basis="employer")
    assert selectors.dismissal_outcome(list(cw.appraisals.all()))[0] == 2025
    assert selectors.dismissal_outcome(list(apart.appraisals.all())) is None


def test_transfer_takes_the_county_running_the_township():
    t = builders.transfer("330402012", 2025, "50000.00")  # 城南街道, run by 嘉兴经济技术开发区
    assert t.county.code == "330471"


def test_a_leaver_cannot_be_put_back_in_post():
    cw = builders.caseworker()
    services.caseworker_change_status(actor=builders.admin(), caseworker=cw, status="left", on=date(2026, 1, 31))
    with pytest.raises(RuleViolation) as error:
        services.caseworker_change_status(actor=builders.admin(), caseworker=cw, status="in_post", on=date(2026, 3, 1))
    assert error.value.field == "status"
    cw.refresh_from_db()
    assert cw.left_on == date(2026, 1, 31)
