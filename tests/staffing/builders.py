"""Builders for staffing test data, going through the services like the pages do."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from jiuzhu.models import Role, User
from staffing import rules, services
from tests import factories

_n = itertools.count(100000)


def admin() -> User:
    return User.objects.filter(role=Role.ADMIN).first() or factories.user(Role.ADMIN, None)


def credit_code(prefix: str = "52330402MJA") -> str:
    first17 = f"{prefix}{next(_n):06d}"
    return first17 + rules.credit_code_check_character(first17)


def organization(county: str = "330402", **fields):
    fields.setdefault("name", f"社工服务中心{next(_n)}")
    fields.setdefault("credit_code", credit_code())
    return services.organization_create(actor=admin(), county=factories.area(county), **fields)


def caseworker(
    township: str = "330402007",
    *,
    hire: date = date(2024, 1, 1),
    user: User | None = None,
    born: date = date(1990, 5, 17),
    employed: bool = True,
    **fields,
):
    """A caseworker in post since ``hire``; ``employed``: with an open-ended employment contract
    from that day (S-2.1.1 counts a township covered only with a contract running)."""
    user = user or factories.user(Role.CASEWORKER, township)
    fields.setdefault("education", "college")
    fields.setdefault("name", f"社工{next(_n)}")
    county = factories.area(township).parent.code
    cw = services.caseworker_create(
        actor=admin(),
        user=user,
        township=factories.area(township),
        id_number=factories.id_number(born=born, county=county),
        today=date(2026, 11, 29),
        hire_date=hire,
        **fields,
    )
    if employed:
        contract(cw, start=hire, end=None)
    return cw


def contract(cw, *, start: date, end: date | None, pay: str = "5800.00", reference: str = "5600.00", org=None):
    org = org or organization(cw.county.code if not cw.county.is_functional_zone else "330402")
    return services.employment_contract_create(
        actor=admin(),
        caseworker=cw,
        organization=org,
        start=start,
        end=end,
        monthly_pay=Decimal(pay),
        township_reference_pay=Decimal(reference),
        social_insurance=True,
    )


def appraisal(cw, year: int, grade: str = "qualified", *, last: bool = False, **fields):
    return services.appraisal_create(actor=admin(), caseworker=cw, year=year, grade=grade, is_last_place=last, **fields)


def transfer(township: str, year: int, amount: str, paid_on: date | None = None):
    return services.transfer_create(
        actor=admin(),
        township=factories.area(township),
        year=year,
        amount=Decimal(amount),
        paid_on=paid_on or date(year, 6, 30),
    )


def service_contract(
    township: str = "330402007", *, start: date = date(2024, 1, 1), end: date = date(2026, 12, 31), org=None, **fields
):
    org = org or organization(factories.area(township).county.code)
    return services.service_contract_create(
        actor=admin(),
        township=factories.area(township),
        organization=org,
        start=start,
        end=end,
        amount=Decimal("180000.00"),
        posts=1,
        **fields,
    )
