"""Builders shared by the review tests: verifications and enrolments with given figures."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from households.models import Enrolment, Verification
from jiuzhu.models import User


def verification(
    household,
    *,
    per_capita: str | None = None,
    verified_on: datetime.date = datetime.date(2026, 10, 1),
    from_work: bool = False,
    members: int = 1,
    total: str | None = None,
) -> Verification:
    """A verification of ``per_capita`` × ``members``, or of ``total`` (per-capita shown to the cent)."""
    if total is None:
        total = Decimal(per_capita) * members
    else:
        total = Decimal(total)
        per_capita = (total / members).quantize(Decimal("0.01"), ROUND_HALF_UP)
    actor = User.objects.filter(is_superuser=True).first()
    return Verification.objects.create(
        household=household,
        verified_on=verified_on,
        source="township",
        members_counted=members,
        income_wages=total,
        total_income=total,
        per_capita_income=Decimal(per_capita),
        income_from_new_work=from_work,
        recorded_by=actor,
    )


def enrol(household, category: str, *, status: str = "active", amount: str = "300.00") -> Enrolment:
    return Enrolment.objects.create(
        household=household,
        category=category,
        status=status,
        start_on=datetime.date(2025, 1, 1),
        monthly_amount=Decimal(amount),
    )
