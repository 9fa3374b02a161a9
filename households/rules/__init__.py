"""Household rules: plain Python, standard library only, no Django.

Callers pass ``today`` and a ``jiuzhu.policy.Policy``; results are frozen dataclasses whose
reasons are ``jiuzhu.reasons.Reason`` with English templates translated where shown.
"""

from __future__ import annotations

from .common import ABOVE, DIBAO, LOW_INCOME, TEKUN, add_months, money
from .completeness import (
    DOCUMENT_CODES,
    PAYING_CATEGORIES,
    Completeness,
    DossierFacts,
    Requirement,
    completeness,
    dossier_requirements,
)
from .identity import (
    PROVINCE_CODES,
    IdCheck,
    check_id_number,
    id_check_character,
    mask_id_number,
    mask_name,
    mask_phone,
    normalize_id_number,
)
from .income import (
    INCOME_KINDS,
    AssetFlags,
    Classification,
    IncomeFacts,
    asset_limit_per_person,
    asset_reasons,
    classify,
    classify_household,
    dibao_monthly_amount,
    disregarded_work_income,
    financial_assets_per_person,
    monthly_from_annual,
    per_capita_monthly_income,
    temporary_aid_cap,
)
from .needs import ESSENTIAL_DOMAINS, NEED_DOMAINS, NEED_LEVELS, PRIORITY_LEVELS, Priority, needs_priority
from .plans import *
from .procedure import (
    Deadlines,
    WorkCalendar,
    add_working_days,
    days_left,
    procedure_deadlines,
    working_days_between,
)
from .review import (
    CandidateDecision,
    category_change_candidate,
    exit_candidate,
    inclusion_candidate,
    next_review_date,
    verification_expired,
    verification_valid_from,
)

__all__ = [
    "ABOVE",
    "DIBAO",
    "DOCUMENT_CODES",
    "ESSENTIAL_DOMAINS",
    "INCOME_KINDS",
    "LOW_INCOME",
    "NEED_DOMAINS",
    "NEED_LEVELS",
    "PAYING_CATEGORIES",
    "PRIORITY_LEVELS",
    "PROVINCE_CODES",
    "TEKUN",
    "AssetFlags",
    "CandidateDecision",
    "Classification",
    "Completeness",
    "Deadlines",
    "DossierFacts",
    "IdCheck",
    "IncomeFacts",
    "Priority",
    "Requirement",
    "WorkCalendar",
    "add_months",
    "add_working_days",
    "asset_limit_per_person",
    "asset_reasons",
    "category_change_candidate",
    "check_id_number",
    "classify",
    "classify_household",
    "completeness",
    "days_left",
    "dibao_monthly_amount",
    "disregarded_work_income",
    "dossier_requirements",
    "exit_candidate",
    "financial_assets_per_person",
    "id_check_character",
    "inclusion_candidate",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "money",
    "monthly_from_annual",
    "needs_priority",
    "next_review_date",
    "normalize_id_number",
    "per_capita_monthly_income",
    "procedure_deadlines",
    "temporary_aid_cap",
    "verification_expired",
    "verification_valid_from",
    "working_days_between",
]  # fmt: skip
