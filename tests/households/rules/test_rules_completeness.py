from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from households.rules import (
    DIBAO,
    LOW_INCOME,
    MISSING_BITS,
    REQUIREMENTS,
    DossierFacts,
    completeness,
    dossier_requirements,
    missing_bit,
    missing_mask,
    missing_requirements,
)
from jiuzhu.policy import Policy
from tests.clock import TODAY

POLICY = Policy.with_defaults(year=2026, dibao_standard=Decimal(1200))
BASE_DOCS = frozenset({"doc_id_copy", "doc_household_register"})
APPLICATION_DOCS = frozenset({"doc_application_letter", "doc_authorisation", "doc_income_proof"})
FULL = DossierFacts(
    has_head=True,
    all_members_have_valid_ids=True,
    has_address=True,
    has_phone=True,
    latest_verification_on=date(2026, 6, 1),
    latest_survey_on=date(2026, 6, 1),
    has_assessment=True,
    has_plan=True,
    document_kinds=BASE_DOCS | APPLICATION_DOCS,
)


def codes(requirements) -> list[str]:
    return [r.code for r in requirements]


def check(facts: DossierFacts, category=DIBAO):
    return completeness(facts=facts, category=category, today=TODAY, policy=POLICY)


def test_registered_household_without_application_needs_no_verification_or_application_documents():
    assert codes(dossier_requirements(None)) == [
        "head_member", "id_numbers", "address", "phone", "survey", "assessment", "plan",
        "doc_id_copy", "doc_household_register",
    ]  # fmt: skip


def test_applying_household_needs_verification_and_application_documents():
    required = codes(dossier_requirements(DIBAO))
    assert {"verification", "doc_application_letter", "doc_authorisation", "doc_income_proof"} <= set(required)
    assert "doc_bank_account" not in required and "doc_decision_notice" not in required


def test_disability_and_serious_illness_add_their_documents():
    required = codes(dossier_requirements(DIBAO, any_disability=True, any_serious_illness=True))
    assert required[-2:] == ["doc_disability_certificate", "doc_medical_records"]


def test_enrolled_in_paying_category_needs_bank_account_and_decision_notice():
    required = codes(dossier_requirements(DIBAO, enrolled_categories={DIBAO}))
    assert required[-2:] == ["doc_bank_account", "doc_decision_notice"]


def test_enrolled_in_low_income_needs_decision_notice_but_no_bank_account():
    required = codes(dossier_requirements(LOW_INCOME, enrolled_categories={LOW_INCOME}))
    assert "doc_decision_notice" in required and "doc_bank_account" not in required


def test_requirement_codes_are_unique():
    required = codes(
        dossier_requirements(DIBAO, enrolled_categories={DIBAO}, any_disability=True, any_serious_illness=True)
    )
    assert len(required) == len(set(required)) == 17


def test_full_file_is_100_percent():
    result = check(FULL)
    assert result.percent == 100
    assert result.missing == ()


def test_one_missing_of_thirteen_rounds_down_to_92_percent():
    result = check(replace(FULL, has_phone=False))
    assert result.percent == 92  # 12 / 13 = 92.3
    assert codes(result.missing) == ["phone"]


def test_verification_older_than_valid_months_counts_as_missing():
    result = check(replace(FULL, latest_verification_on=date(2025, 11, 28), latest_survey_on=date(2025, 11, 29)))
    assert codes(result.missing) == ["verification"]


def test_missing_document_kind_is_listed_with_its_label():
    result = check(replace(FULL, document_kinds=BASE_DOCS), category=DIBAO)
    assert codes(result.missing) == ["doc_application_letter", "doc_authorisation", "doc_income_proof"]
    assert result.missing[0].label == "Application letter"


def test_empty_file_is_zero_percent():
    result = check(DossierFacts(), category=None)
    assert result.percent == 0
    assert len(result.missing) == 9


def test_almost_complete_file_never_shows_100():
    facts = replace(FULL, any_disability=True, any_serious_illness=True, enrolled_categories=frozenset({DIBAO}),
                    document_kinds=FULL.document_kinds | {"doc_disability_certificate", "doc_medical_records",
                                                          "doc_bank_account"})  # fmt: skip
    result = check(facts)
    assert codes(result.missing) == ["doc_decision_notice"]
    assert result.percent == 94  # 16 / 17 = 94.1


# --- the stored bitmask of missing requirements ------------------------------------------


def test_missing_bits_are_fixed_stored_numbers():
    # Stored on every household and aggregated in SQL: these numbers must never change.
    assert MISSING_BITS == {
        "head_member": 0, "id_numbers": 1, "address": 2, "phone": 3, "verification": 4, "survey": 5,
        "assessment": 6, "plan": 7, "doc_id_copy": 8, "doc_household_register": 9, "doc_application_letter": 10,
        "doc_authorisation": 11, "doc_income_proof": 12, "doc_disability_certificate": 13,
        "doc_medical_records": 14, "doc_bank_account": 15, "doc_decision_notice": 16,
    }  # fmt: skip


def test_every_requirement_has_a_bit_of_its_own():
    assert set(MISSING_BITS) == set(REQUIREMENTS)
    assert len(set(MISSING_BITS.values())) == len(MISSING_BITS)


def test_missing_mask_encodes_requirements_and_codes_alike():
    assert missing_mask([]) == 0
    assert missing_mask(["head_member", "phone"]) == 0b1001
    assert missing_mask([REQUIREMENTS["doc_decision_notice"]]) == 1 << 16
    assert missing_bit("survey") == 32


def test_missing_mask_round_trips_in_display_order():
    result = check(replace(FULL, has_phone=False, latest_survey_on=None, document_kinds=BASE_DOCS))
    assert (
        codes(missing_requirements(result.missing_mask))
        == codes(result.missing)
        == ["phone", "survey", "doc_application_letter", "doc_authorisation", "doc_income_proof"]
    )
    assert result.missing_mask == 0b1_1100_0010_1000


def test_a_complete_dossier_stores_an_empty_mask_and_unknown_bits_decode_to_nothing():
    assert check(FULL).missing_mask == 0
    assert missing_requirements(1 << 30) == ()
