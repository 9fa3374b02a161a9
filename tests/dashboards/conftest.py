"""Hand-counted fixtures for the dashboards (the expected figures are in test_figures.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine

from households.dossier.services import latest_assessment_refresh
from households.models import (
    Application,
    ApplicationStatus,
    Assessment,
    AssessmentNeed,
    Category,
    Enrolment,
    EnrolmentStatus,
    Household,
    HouseholdStatus,
)
from households.rules import missing_mask
from jiuzhu.models import Role
from tests import factories

# 南湖区 runs 建设街道 (T1) and 解放街道 (T2); 秀洲区 runs 新城街道 (T3).
NANHU, XIUZHOU, T1, T2, T3 = "330402", "330411", "330402007", "330402008", "330411002"


@pytest.fixture(autouse=True)
def _today():
    # Noon in Jiaxing on 2026-11-29: "today" for overdue reviews and the default period.
    with time_machine.travel(datetime.datetime(2026, 11, 29, 4, 0, tzinfo=datetime.UTC), tick=False):
        yield


def household(township, *, members, status, completeness=0, next_review_on=None, missing=()):
    h = factories.household(township, members=0, status=status, next_review_on=next_review_on)
    # Persons come from the denormalised member count (members are not joined); the
    # completeness and missing items the services computed are replaced by the figures
    # the test counts on.
    mask = missing_mask(missing)
    type(h).objects.filter(pk=h.pk).update(member_count=members, completeness=completeness, missing_items=mask)
    h.member_count, h.completeness, h.missing_items = members, completeness, mask
    return h


def enrol(h, category, amount, start, *, status=EnrolmentStatus.ACTIVE, end=None, member=None):
    return Enrolment.objects.create(
        household=h,
        category=category,
        status=status,
        start_on=start,
        end_on=end,
        monthly_amount=Decimal(amount),
        member=member,
    )


def assess(h, on, needs, by):
    a = Assessment.objects.create(household=h, assessed_on=on, priority="normal", assessed_by=by)
    for domain, level in needs.items():
        AssessmentNeed.objects.create(assessment=a, domain=domain, level=level)
    # Created without assessment_record (which would recompute the hand-set completeness):
    # keep the household's latest assessment as that service does.
    latest_assessment_refresh(Household.objects.filter(pk=h.pk))
    return a


@pytest.fixture
def town(db):
    """Seven households in three townships of two counties; see test_figures for the sums."""
    admin = factories.user(Role.ADMIN, None, username="fixture-admin")
    d = datetime.date
    h1 = household(T1, members=3, status=HouseholdStatus.ACTIVE, completeness=100, next_review_on=d(2026, 10, 1))
    # Missing items (on the register, i.e. active: h2, h5, h7; h3 and h4 are not counted):
    # plan 3 (Nanhu 2, Xiuzhou 1), phone 2 (1, 1), survey 1 (0, 1), ID copies 1 (1, 0).
    h2 = household(
        T1,
        members=2,
        status=HouseholdStatus.ACTIVE,
        completeness=70,
        next_review_on=d(2027, 1, 1),
        missing=("phone", "plan", "doc_id_copy"),
    )
    h3 = household(T1, members=1, status=HouseholdStatus.EXITED, completeness=50, missing=("plan", "address"))
    h4 = household(T2, members=2, status=HouseholdStatus.PENDING, completeness=30, missing=("plan",))
    h5 = household(
        T2, members=4, status=HouseholdStatus.ACTIVE, completeness=85, next_review_on=d(2026, 11, 1), missing=("plan",)
    )
    h6 = household(T3, members=1, status=HouseholdStatus.ACTIVE, completeness=100, next_review_on=d(2026, 11, 28))
    h7 = household(
        T3,
        members=2,
        status=HouseholdStatus.ACTIVE,
        completeness=59,
        next_review_on=d(2026, 11, 29),
        missing=("plan", "phone", "survey"),
    )
    enrol(h1, Category.DIBAO, "1500.00", d(2026, 3, 1))
    enrol(h2, Category.LOW_INCOME, "300.00", d(2025, 6, 1))
    individual = factories.member(h2, actor=admin)
    # keep the hand counts: adding a member updates the count and the completeness
    type(h2).objects.filter(pk=h2.pk).update(
        member_count=2, completeness=70, missing_items=missing_mask(["phone", "plan", "doc_id_copy"])
    )
    enrol(h2, Category.MEDICAL, "200.00", d(2026, 5, 1), member=individual)
    enrol(h3, Category.DIBAO, "800.00", d(2024, 1, 1), status=EnrolmentStatus.ENDED, end=d(2026, 4, 30))
    enrol(h5, Category.TEKUN, "2000.00", d(2026, 2, 1), status=EnrolmentStatus.GRADUAL_EXIT)
    enrol(h6, Category.DIBAO, "1300.50", d(2026, 7, 1))
    enrol(h7, Category.DIBAO, "900.00", d(2026, 1, 15), status=EnrolmentStatus.SUSPENDED)
    assess(h1, d(2026, 1, 10), {"living": "high", "medical": "medium"}, admin)
    assess(h1, d(2026, 6, 1), {"living": "medium", "employment": "low"}, admin)
    assess(h5, d(2026, 3, 3), {"medical": "high", "care": "none"}, admin)
    assess(h6, d(2026, 8, 8), {"living": "high"}, admin)
    Application.objects.create(
        household=h4, category=Category.DIBAO, status=ApplicationStatus.SUBMITTED, helped_by=admin
    )
    Application.objects.create(
        household=h2, category=Category.MEDICAL, status=ApplicationStatus.APPROVED, helped_by=admin
    )
    Application.objects.create(household=h6, category=Category.DIBAO, status=ApplicationStatus.DRAFT, helped_by=admin)
    return {"h": [h1, h2, h3, h4, h5, h6, h7], "admin": admin}
