"""Dossier completeness (一户一档): what a household's file must hold, and what is missing."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date

from jiuzhu.policy import Policy
from jiuzhu.reasons import N_

from .common import DIBAO, TEKUN
from .review import verification_expired

PAYING_CATEGORIES = frozenset({DIBAO, TEKUN})
"""Categories paid monthly through a bank account."""


@dataclass(frozen=True)
class Requirement:
    code: str
    label: str  # N_()-marked English; translate where shown


@dataclass(frozen=True)
class DossierFacts:
    """What the Django layer knows about one household's file."""

    has_head: bool = False
    all_members_have_valid_ids: bool = False
    has_address: bool = False
    has_phone: bool = False
    latest_verification_on: date | None = None
    latest_survey_on: date | None = None
    has_assessment: bool = False
    has_plan: bool = False
    document_kinds: frozenset[str] = frozenset()
    any_disability: bool = False
    any_serious_illness: bool = False
    enrolled_categories: frozenset[str] = frozenset()


COMPLETENESS_BANDS: tuple[tuple[str, int, int], ...] = (
    ("0-59", 0, 59),
    ("60-79", 60, 79),
    ("80-99", 80, 99),
    ("100", 100, 100),
)
"""The bands files are counted in (key, lowest and highest percent, both included): the
dashboard's columns and the household list's filter, so a figure and its list agree."""


@dataclass(frozen=True)
class Completeness:
    percent: int  # 0-100, rounded down; 100 only when nothing is missing
    missing: tuple[Requirement, ...]

    @property
    def missing_mask(self) -> int:
        """The missing requirements as stored on the household (see ``MISSING_BITS``)."""
        return missing_mask(self.missing)


_R = Requirement
HEAD_MEMBER = _R("head_member", N_("Head of household recorded"))
ID_NUMBERS = _R("id_numbers", N_("Valid ID numbers for all members"))
ADDRESS = _R("address", N_("Address"))
PHONE = _R("phone", N_("Contact phone number"))
VERIFICATION = _R("verification", N_("Economic-status verification still valid"))
SURVEY = _R("survey", N_("Home-visit survey still valid"))
ASSESSMENT = _R("assessment", N_("Needs assessment"))
PLAN = _R("plan", N_("Assistance plan"))
DOC_ID_COPY = _R("doc_id_copy", N_("Copies of ID cards"))
DOC_HOUSEHOLD_REGISTER = _R("doc_household_register", N_("Household register"))
DOC_APPLICATION_LETTER = _R("doc_application_letter", N_("Application letter"))
DOC_AUTHORISATION = _R("doc_authorisation", N_("Verification authorisation and commitment"))
DOC_INCOME_PROOF = _R("doc_income_proof", N_("Proof of income"))
DOC_DISABILITY_CERTIFICATE = _R("doc_disability_certificate", N_("Disability certificate"))
DOC_MEDICAL_RECORDS = _R("doc_medical_records", N_("Medical records"))
DOC_BANK_ACCOUNT = _R("doc_bank_account", N_("Bank account for payment"))
DOC_DECISION_NOTICE = _R("doc_decision_notice", N_("Decision notice"))

DOCUMENT_CODES = frozenset(
    r.code
    for r in (
        DOC_ID_COPY,
        DOC_HOUSEHOLD_REGISTER,
        DOC_APPLICATION_LETTER,
        DOC_AUTHORISATION,
        DOC_INCOME_PROOF,
        DOC_DISABILITY_CERTIFICATE,
        DOC_MEDICAL_RECORDS,
        DOC_BANK_ACCOUNT,
        DOC_DECISION_NOTICE,
    )
)
"""Document requirement codes are also the document kinds in ``DossierFacts.document_kinds``."""

REQUIREMENTS: dict[str, Requirement] = {
    r.code: r
    for r in (
        HEAD_MEMBER,
        ID_NUMBERS,
        ADDRESS,
        PHONE,
        VERIFICATION,
        SURVEY,
        ASSESSMENT,
        PLAN,
        DOC_ID_COPY,
        DOC_HOUSEHOLD_REGISTER,
        DOC_APPLICATION_LETTER,
        DOC_AUTHORISATION,
        DOC_INCOME_PROOF,
        DOC_DISABILITY_CERTIFICATE,
        DOC_MEDICAL_RECORDS,
        DOC_BANK_ACCOUNT,
        DOC_DECISION_NOTICE,
    )
}
"""Every requirement by code, in display order."""

# STORED DATA: ``Household.missing_items`` keeps the missing requirements as a bitmask
# with these bit numbers, and dashboards aggregate on them in SQL. Never renumber or reuse
# a bit: a new requirement takes the next free number; a retired one keeps its number
# (its bit is then never set once the households are refreshed).
MISSING_BITS: dict[str, int] = {
    "head_member": 0,
    "id_numbers": 1,
    "address": 2,
    "phone": 3,
    "verification": 4,
    "survey": 5,
    "assessment": 6,
    "plan": 7,
    "doc_id_copy": 8,
    "doc_household_register": 9,
    "doc_application_letter": 10,
    "doc_authorisation": 11,
    "doc_income_proof": 12,
    "doc_disability_certificate": 13,
    "doc_medical_records": 14,
    "doc_bank_account": 15,
    "doc_decision_notice": 16,
}


def missing_bit(code: str) -> int:
    """The mask value of one requirement code (KeyError for an unknown code)."""
    return 1 << MISSING_BITS[code]


def missing_mask(missing: Iterable[Requirement | str]) -> int:
    """Encode missing requirements (or their codes) as the stored bitmask."""
    mask = 0
    for item in missing:
        mask |= missing_bit(item if isinstance(item, str) else item.code)
    return mask


def missing_requirements(mask: int) -> tuple[Requirement, ...]:
    """Decode a stored bitmask into requirements, in display order (unknown bits ignored)."""
    return tuple(r for code, r in REQUIREMENTS.items() if mask & missing_bit(code))


def dossier_requirements(
    category: str | None,
    *,
    enrolled_categories: Collection[str] = frozenset(),
    any_disability: bool = False,
    any_serious_illness: bool = False,
) -> tuple[Requirement, ...]:
    """List what the file must hold, in display order.

    1. Every household: head, ID numbers, address, phone, survey, assessment, plan,
       ID copies, household register.
    2. When ``category`` (the category applied for or enrolled in) is set: verification,
       application letter, authorisation, proof of income.
    3. A member with a disability: disability certificate; a serious illness: medical records.
    4. Enrolled in a paying category (低保, 特困): bank account; enrolled in any: decision notice.
    """
    items = [HEAD_MEMBER, ID_NUMBERS, ADDRESS, PHONE]
    if category is not None:
        items.append(VERIFICATION)
    items += [SURVEY, ASSESSMENT, PLAN, DOC_ID_COPY, DOC_HOUSEHOLD_REGISTER]
    if category is not None:
        items += [DOC_APPLICATION_LETTER, DOC_AUTHORISATION, DOC_INCOME_PROOF]
    if any_disability:
        items.append(DOC_DISABILITY_CERTIFICATE)
    if any_serious_illness:
        items.append(DOC_MEDICAL_RECORDS)
    if PAYING_CATEGORIES & set(enrolled_categories):
        items.append(DOC_BANK_ACCOUNT)
    if enrolled_categories:
        items.append(DOC_DECISION_NOTICE)
    return tuple(items)


def completeness(*, facts: DossierFacts, category: str | None, today: date, policy: Policy) -> Completeness:
    """Measure how complete a file is: percent of requirements met (rounded down) and what is missing.

    A verification or survey older than verification_valid_months counts as missing.
    """
    requirements = dossier_requirements(
        category,
        enrolled_categories=facts.enrolled_categories,
        any_disability=facts.any_disability,
        any_serious_illness=facts.any_serious_illness,
    )
    checks: dict[str, Callable[[], bool]] = {
        "head_member": lambda: facts.has_head,
        "id_numbers": lambda: facts.all_members_have_valid_ids,
        "address": lambda: facts.has_address,
        "phone": lambda: facts.has_phone,
        "verification": lambda: (
            not verification_expired(verified_on=facts.latest_verification_on, today=today, policy=policy)
        ),
        "survey": lambda: not verification_expired(verified_on=facts.latest_survey_on, today=today, policy=policy),
        "assessment": lambda: facts.has_assessment,
        "plan": lambda: facts.has_plan,
    }
    missing = tuple(
        r for r in requirements if not (checks[r.code]() if r.code in checks else r.code in facts.document_kinds)
    )
    met = len(requirements) - len(missing)
    percent = 100 * met // len(requirements) if requirements else 100
    return Completeness(percent=percent, missing=missing)
